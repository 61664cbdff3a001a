"""Running pilots: partners, participation, expenses, risks, evaluation (staff)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import Conflict, DomainError, Invalid, NotAllowed
from ..extensions import db
from ..forms.pilots import (
    PARTNER_RENAMES,
    EvaluationForm,
    ExpenseForm,
    ParticipationForm,
    ParticipationImportForm,
    PartnerForm,
    RiskForm,
)
from ..lifecycle import EXPERIMENT_STATES, RECORDING_STATES
from ..models import Experiment, Programme, Proposal
from ..services import evaluations, expenses, participation, partners, risks
from ..services.experiments import experiment_or_404, may_record
from ..services.participation_import import CSV_MAX_BYTES, import_participation_csv
from ..statistics import budget_years
from .forms import apply_errors, rerender_status, saved
from .guards import SIGNED_IN, STAFF, allow

bp = Blueprint("pilots", __name__, url_prefix="/pilots")

# Each form on the experiment page posts with its own prefix, so errors stay with it.
FORMS = {
    "partner_form": (PartnerForm, "partner"),
    "participation_form": (ParticipationForm, "participation"),
    "import_form": (ParticipationImportForm, "import"),
    "expense_form": (ExpenseForm, "expense"),
    "risk_form": (RiskForm, "risk"),
}
RECENT_PARTICIPATION = 100
ID = "<id:experiment_id>"


@bp.get("")
@allow(*STAFF)
def index():
    experiments = db.session.scalars(
        select(Experiment)
        .join(Experiment.proposal)
        .where(Proposal.status.in_(EXPERIMENT_STATES))
        .options(joinedload(Experiment.proposal), joinedload(Experiment.owner))
        .order_by(Experiment.start_date.desc(), Experiment.id.desc())
    ).all()
    running = [e for e in experiments if e.proposal.status in RECORDING_STATES]
    closed = [e for e in experiments if e.proposal.status not in RECORDING_STATES]
    return render_template("pilots/index.html", running=running, closed=closed)


# Applicants and admins may sign in but never see an experiment's page: 404 (SPEC roles).
@bp.get(f"/{ID}")
@allow(SIGNED_IN)
def show(experiment_id: int):
    experiment = experiment_or_404(experiment_id, current_user)
    return _page(experiment)


def _page(experiment: Experiment, status: int = 200, **given):
    forms = {}
    for name, (form_class, prefix) in FORMS.items():
        forms[name] = given.get(name) or form_class(prefix=prefix, formdata=None)
    forms["partner_form"].organisation_id.choices = [
        ("", _("Choose…")),
        *partners.organisation_choices(),
    ]
    recent, participation_count = participation.recent_participation(
        experiment, RECENT_PARTICIPATION
    )
    return render_template(
        "pilots/show.html",
        experiment=experiment,
        proposal=experiment.proposal,
        may_record=may_record(experiment),
        totals=participation.participation_totals(experiment),
        recent=recent,
        participation_count=participation_count,
        spending=expenses.spending(experiment),
        matrix=risks.risk_matrix(experiment.risks),
        row_errors=given.get("row_errors"),
        **forms,
    ), status


def _posted(experiment_id: int, name: str):
    """The experiment (or 404) and its bound form for this section."""
    experiment = experiment_or_404(experiment_id, current_user)
    form_class, prefix = FORMS[name]
    return experiment, form_class(prefix=prefix)


def _refused(experiment: Experiment, name: str, form, error: DomainError):
    """A refused addition: field errors re-render the page (422), others flash and go back."""
    if isinstance(error, NotAllowed):
        abort(403)
    if isinstance(error, Invalid):
        apply_errors(form, error, PARTNER_RENAMES if name == "partner_form" else None)
        return _page(experiment, 422, **{name: form})
    flash(error.message, "error")
    return _back(experiment)


def _back(experiment: Experiment, anchor: str | None = None):
    return redirect(url_for(".show", experiment_id=experiment.id, _anchor=anchor), 303)


@bp.post(f"/{ID}/partners")
@allow(SIGNED_IN)
def add_partner(experiment_id: int):
    experiment, form = _posted(experiment_id, "partner_form")
    form.organisation_id.choices = []  # any id; the service checks it exists
    if form.validate_on_submit():
        try:
            partner = partners.add_partner(experiment, current_user, **form.values())
        except DomainError as error:
            return _refused(experiment, "partner_form", form, error)
        flash(_("“%(name)s” is now a partner.", name=partner.organisation.name), "success")
        return _back(experiment, "partners")
    return _page(experiment, 422, partner_form=form)


@bp.post(f"/{ID}/participation")
@allow(SIGNED_IN)
def add_participation(experiment_id: int):
    experiment, form = _posted(experiment_id, "participation_form")
    if form.validate_on_submit():
        try:
            participation.record_participation(experiment, current_user, [form.values()])
        except DomainError as error:
            return _refused(experiment, "participation_form", form, error)
        flash(_("The participation record is saved."), "success")
        return _back(experiment, "participation")
    return _page(experiment, 422, participation_form=form)


@bp.post(f"/{ID}/participation/import")
@allow(SIGNED_IN)
def import_participation(experiment_id: int):
    experiment, form = _posted(experiment_id, "import_form")
    if form.validate_on_submit():
        upload = form.file.data
        try:
            records = import_participation_csv(
                experiment,
                current_user,
                upload.read(CSV_MAX_BYTES + 1),
                upload.filename or "",
            )
        except Invalid as error:
            rows = {k: v for k, v in error.errors.items() if k.startswith("row ")}
            form.file.errors = list(form.file.errors) + [
                m for k, ms in error.errors.items() if k not in rows for m in ms
            ]
            if rows:
                form.form_errors.append(error.message)
            return _page(experiment, 422, import_form=form, row_errors=rows)
        except DomainError as error:
            return _refused(experiment, "import_form", form, error)
        flash(
            ngettext(
                "%(num)d participation record imported.",
                "%(num)d participation records imported.",
                len(records),
            ),
            "success",
        )
        return _back(experiment, "participation")
    return _page(experiment, 422, import_form=form)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the site's request limit: explain it on the experiment page."""
    experiment_id = (request.view_args or {}).get("experiment_id")
    if (
        request.endpoint != "pilots.import_participation"
        or not current_user.is_authenticated
        or not current_user.is_staff
    ):
        return render_template("errors/generic.html", error=error), 413
    experiment = db.session.get(Experiment, experiment_id)
    if experiment is None:
        return render_template("errors/404.html", error=error), 404
    form = ParticipationImportForm(prefix="import", formdata=None)
    form.file.errors = [_("The file is too large: at most 1 MB.")]
    return _page(experiment, 413, import_form=form)


@bp.post(f"/{ID}/expenses")
@allow(SIGNED_IN)
def add_expense(experiment_id: int):
    experiment, form = _posted(experiment_id, "expense_form")
    if form.validate_on_submit():
        try:
            expenses.record_expense(experiment, current_user, **form.values())
        except DomainError as error:
            return _refused(experiment, "expense_form", form, error)
        flash(_("The expense is saved."), "success")
        spent = expenses.spending(experiment)
        if spent.over:
            flash(_("Spending now exceeds the allocated budget."), "error")
        return _back(experiment, "expenses")
    return _page(experiment, 422, expense_form=form)


@bp.post(f"/{ID}/risks")
@allow(SIGNED_IN)
def add_risk(experiment_id: int):
    experiment, form = _posted(experiment_id, "risk_form")
    if form.validate_on_submit():
        try:
            risks.add_risk(experiment, current_user, **form.values())
        except DomainError as error:
            return _refused(experiment, "risk_form", form, error)
        flash(_("The risk is saved."), "success")
        return _back(experiment, "risks")
    return _page(experiment, 422, risk_form=form)


@bp.route(f"/{ID}/risks/<id:risk_id>", methods=["GET", "POST"])
@allow(SIGNED_IN)
def reassess_risk(experiment_id: int, risk_id: int):
    """A risk's own page for reassessing it as the pilot goes on."""
    experiment = experiment_or_404(experiment_id, current_user)
    risk = next((r for r in experiment.risks if r.id == risk_id), None)
    if risk is None:
        abort(404)
    if not may_record(experiment):
        return _back(experiment, f"risk-{risk.id}")
    form = RiskForm(obj=risk if request.method == "GET" else None)
    if request.method == "GET":
        form.status.data = risk.status.value
    elif saved(
        form,
        lambda: risks.reassess_risk(experiment, risk, current_user, **form.values()),
        _("The risk is saved."),
    ):
        return _back(experiment, f"risk-{risk.id}")
    return render_template(
        "pilots/risk_form.html",
        experiment=experiment,
        proposal=experiment.proposal,
        risk=risk,
        form=form,
    ), rerender_status(form)


@bp.route(f"/{ID}/evaluation", methods=["GET", "POST"])
@allow(SIGNED_IN)
def evaluation(experiment_id: int):
    experiment = experiment_or_404(experiment_id, current_user)
    form = EvaluationForm()
    if request.method == "GET" and experiment.evaluation is not None:
        form.fill(experiment.evaluation)
    if form.validate_on_submit():
        try:
            evaluations.save_evaluation(experiment, current_user, **form.values())
        except Invalid as error:
            apply_errors(form, error)
        except Conflict as error:
            flash(error.message, "error")
            return _back(experiment, "evaluation")
        else:
            flash(_("The evaluation is saved."), "success")
            return _back(experiment, "evaluation")
    status = 422 if form.errors else 200
    return render_template(
        "pilots/evaluation.html",
        experiment=experiment,
        proposal=experiment.proposal,
        form=form,
        may_revise=may_record(experiment),
    ), status


@bp.app_template_global()
def programme_budget(programme: Programme) -> list:
    """Each year's annual budget, allocation and what remains (for starting a pilot)."""
    return list(budget_years(programme.id))


@bp.app_template_global()
def experiment_summary(experiment: Experiment) -> dict:
    """Spending and participants of an experiment, for the proposal page's staff view."""
    return {
        "spending": expenses.spending(experiment),
        "totals": participation.participation_totals(experiment),
    }
