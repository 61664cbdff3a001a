"""Running pilots: the list, and each experiment's page with every action on it (staff)."""

from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from .. import search
from ..audit_history import shown_history
from ..errors import Invalid, NeedsConfirmation
from ..extensions import db
from ..forms.confirm import ask_again, is_confirmed
from ..forms.pilots import (
    PARTNER_RENAMES,
    EvaluationForm,
    ExpenseForm,
    ParticipationForm,
    ParticipationImportForm,
    PartnerForm,
    RiskForm,
)
from ..lifecycle import DECIDED_STATES, RECORDING_STATES, Status
from ..models import Expense, Experiment, Participation, Programme
from ..pilot_pages import (
    DEFAULT_SORT,
    PILOT_SORTS,
    RELEVANCE,
    PilotRow,
    list_page,
    pilot_rows,
    record_page,
)
from ..queries import Page
from ..routing import page_number
from ..rules import SEARCH_MAX
from ..services import (
    corrections,
    evaluations,
    expenses,
    participation,
    partners,
    pilot_team,
    risks,
)
from ..services.clock import today
from ..services.experiments import experiment_or_404, may_record, team_experiment_or_404
from ..services.inputs import acceptable_text
from ..services.participation_import import CSV_MAX_BYTES, import_participation_csv
from ..statistics import budget_years
from .forms import rerender_status, saved
from .guards import SIGNED_IN, STAFF, allow
from .proposals import move_forms

T = TypeVar("T")

bp = Blueprint("pilots", __name__, url_prefix="/pilots")

# Each form on the experiment page posts with its own prefix, so errors stay with it; the
# section of the page it belongs to.
FORMS = {
    "partner_form": (PartnerForm, "partner", "partners"),
    "participation_form": (ParticipationForm, "participation", "participation"),
    "import_form": (ParticipationImportForm, "import", "participation"),
    "expense_form": (ExpenseForm, "expense", "expenses"),
    "risk_form": (RiskForm, "risk", "risks"),
}
PER_PAGE = 20
ID = "<id:experiment_id>"


@bp.get("")
@allow(*STAFF)
def index():
    q = acceptable_text(request.args.get("q") or "", one_line=True).strip()[:SEARCH_MAX]
    sort = request.args.get("sort") or (RELEVANCE if search.parse(q) else DEFAULT_SORT)
    if sort not in PILOT_SORTS and sort != RELEVANCE:
        sort = DEFAULT_SORT
    descending = request.args.get("order") == "desc"

    def rows(states: Sequence[Status], param: str) -> Page[PilotRow]:
        return pilot_rows(
            states, page_number(param), PER_PAGE, sort, descending, today=today(), q=q
        )

    return render_template(
        "pilots/index.html",
        running=rows(RECORDING_STATES, "page"),
        closed=rows(DECIDED_STATES, "decided_page"),
        sort=sort,
        descending=descending,
        q=q,
        search_max=SEARCH_MAX,
    )


# The pilot's team sees its own experiment's page; other applicants and admins never see
# one: 404 (SPEC roles).
@bp.get(f"/{ID}")
@allow(SIGNED_IN)
def show(experiment_id: int):
    experiment = team_experiment_or_404(experiment_id, current_user)
    if not current_user.is_staff:
        return team_page(experiment)
    return _page(experiment)


def _page(experiment: Experiment, status: int = 200, **given):
    forms = {}
    for name, (form_class, prefix, _section) in FORMS.items():
        forms[name] = given.get(name) or form_class(prefix=prefix, formdata=None)
    organisations = partners.organisation_choices()
    forms["partner_form"].organisations = organisations

    def page(name: str) -> int:
        return page_number(f"{name}_page")

    return render_template(
        "pilots/show.html",
        experiment=experiment,
        proposal=experiment.proposal,
        may_record=may_record(experiment),
        overdue=experiment.proposal.status == Status.PILOT
        and experiment.planned_end_date < today(),
        organisations=organisations,
        totals=participation.participation_totals(experiment),
        partner_page=list_page(experiment.partners, page("partners"), PER_PAGE),
        participation_page=record_page(Participation, experiment, page("participation"), PER_PAGE),
        expense_page=record_page(Expense, experiment, page("expenses"), PER_PAGE),
        risk_page=list_page(experiment.risks, page("risks"), PER_PAGE),
        spending=expenses.spending(experiment),
        matrix=risks.risk_matrix(experiment.risks),
        changes=corrections.history(experiment),
        all_changes=shown_history("experiment", experiment.id),
        members=pilot_team.members(experiment),
        moves=move_forms(experiment.proposal, given.get("posted")),
        return_to=url_for("pilots.show", experiment_id=experiment.id),
        row_errors=given.get("row_errors"),
        **forms,
        **report_context(experiment, given),
        **milestone_context(experiment, given),
    ), status


def refused_move(experiment: Experiment, posted):
    """The pilot's page again after a move sent from it was refused, the form as it was sent."""
    return _page(experiment, 422, posted=posted)


def _back(experiment: Experiment, anchor: str | None = None):
    return redirect(url_for(".show", experiment_id=experiment.id, _anchor=anchor), 303)


def _add(
    experiment_id: int,
    name: str,
    save: Callable,
    message,
    *,
    renames: dict[str, str] | None = None,
    on_invalid: Callable[[FlaskForm, Invalid], None] | None = None,
    row_errors: dict[str, list[str]] | None = None,
):
    """An addition from the experiment page: saved and back to its section, or the page again
    with the form's messages (422); spending over the allocation is confirmed first."""
    experiment = experiment_or_404(experiment_id, current_user)
    form_class, prefix, section = FORMS[name]
    form = form_class(prefix=prefix)
    if name == "partner_form":
        form.organisations = partners.organisation_choices()
    results = []

    def run():
        results.append(save(experiment, form))
        return results[-1]

    try:
        done = saved(
            form,
            run,
            (lambda: message(results[-1])) if callable(message) else message,
            renames=renames,
            on_invalid=(lambda error: on_invalid(form, error)) if on_invalid else None,
            conflicts=False,
        )
    except NeedsConfirmation as question:
        return confirm_overspending(experiment, form, question, request.path)
    if done is not None:
        return _back(experiment, section)
    return _page(experiment, 422, **{name: form, "row_errors": row_errors})


def confirm_overspending(experiment: Experiment, form, question: NeedsConfirmation, action: str):
    """The confirmation page of an expense that takes spending over the allocation."""
    ask_again(form)
    return render_template(
        "pilots/confirm_expense.html",
        experiment=experiment,
        proposal=experiment.proposal,
        form=form,
        question=question.message,
        action=action,
    )


@bp.post(f"/{ID}/partners")
@allow(SIGNED_IN)
def add_partner(experiment_id: int):
    return _add(
        experiment_id,
        "partner_form",
        lambda experiment, form: partners.add_partner(experiment, current_user, **form.values()),
        lambda partner: _("“%(name)s” is now a partner.", name=partner.organisation.name),
        renames=PARTNER_RENAMES,
    )


@bp.post(f"/{ID}/participation")
@allow(SIGNED_IN)
def add_participation(experiment_id: int):
    return _add(
        experiment_id,
        "participation_form",
        lambda experiment, form: participation.record_participation(
            experiment, current_user, [form.values()]
        ),
        _("The participation record is saved."),
    )


@bp.post(f"/{ID}/expenses")
@allow(SIGNED_IN)
def add_expense(experiment_id: int):
    return _add(
        experiment_id,
        "expense_form",
        lambda experiment, form: warn_if_overspent(
            experiment,
            expenses.record_expense(
                experiment,
                current_user,
                **form.values(),
                over_allocation_confirmed=is_confirmed(form),
            ),
        ),
        _("The expense is saved."),
    )


def warn_if_overspent(experiment: Experiment, result: T) -> T:
    """Say it when a saved expense leaves spending over the allocation (as confirmed)."""
    if expenses.spending(experiment).over:
        flash(_("Spending now exceeds the allocated budget."), "error")
    return result


@bp.post(f"/{ID}/risks")
@allow(SIGNED_IN)
def add_risk(experiment_id: int):
    return _add(
        experiment_id,
        "risk_form",
        lambda experiment, form: risks.add_risk(experiment, current_user, **form.values()),
        _("The risk is saved."),
    )


@bp.post(f"/{ID}/participation/import")
@allow(SIGNED_IN)
def import_participation(experiment_id: int):
    rows: dict[str, list[str]] = {}

    def by_row(form, error: Invalid) -> None:
        """Row messages go to the table of rows; the file's own to the file field."""
        rows.update({k: v for k, v in error.errors.items() if k.startswith("row ")})
        form.file.errors = list(form.file.errors) + [
            m for k, ms in error.errors.items() if k not in rows for m in ms
        ]
        if rows:
            form.form_errors.append(error.message)

    def save(experiment: Experiment, form):
        upload = form.file.data
        return import_participation_csv(
            experiment, current_user, upload.read(CSV_MAX_BYTES + 1), upload.filename or ""
        )

    return _add(
        experiment_id,
        "import_form",
        save,
        lambda records: ngettext(
            "%(num)d participation record imported.",
            "%(num)d participation records imported.",
            len(records),
        ),
        on_invalid=by_row,
        row_errors=rows,
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the site's request limit: explain it on the experiment page."""
    experiment_id = (request.view_args or {}).get("experiment_id")
    if request.endpoint in ("pilots.file_report", "pilots.correct_report"):
        from .pilot_reports import report_too_large  # that module adds its views to this one

        return report_too_large(error)
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
    if saved(
        form,
        lambda: evaluations.save_evaluation(experiment, current_user, **form.values()),
        _("The evaluation is saved."),
        conflicts=False,
    ):
        return _back(experiment, "evaluation")
    return render_template(
        "pilots/evaluation.html",
        experiment=experiment,
        proposal=experiment.proposal,
        form=form,
        may_revise=may_record(experiment),
    ), rerender_status(form)


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


from . import pilot_records  # noqa: E402,F401  (its routes are on this blueprint)
from .milestones import milestone_context  # noqa: E402  (its routes are on this blueprint)
from .pilot_reports import report_context, team_page  # noqa: E402  (routes on this blueprint)
