"""The pilot team's page and the reports on an experiment: filing, correcting, reviewing.

The team (the applicant whose proposal became the pilot) sees its experiment's public facts,
its budget and spending, and its reports; staff see the reports on the experiment's page.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..errors import Invalid
from ..forms.confirm import ConfirmForm, ask_again, is_confirmed
from ..forms.reports import IntervalForm, ReportForm, ReviewForm, TeamInviteForm
from ..models import Experiment, ExperimentReport, ReportStatus
from ..rules import ATTACHMENT_MAX_BYTES, PROPOSAL_ATTACHMENTS_MAX_BYTES
from ..services import expenses, participation, pilot_reports, pilot_team, report_schedule
from ..services.attachments import MIB
from ..services.clock import today
from ..services.experiments import (
    experiment_or_404,
    is_team_owner,
    team_experiment_or_404,
)
from ..uploads import accepts_files
from .forms import apply_errors, saved, saved_valid
from .guards import SIGNED_IN, allow
from .pilots import ID, bp

REPORT = f"/{ID}/reports/<id:report_id>"


def report_context(experiment: Experiment, given: dict) -> dict:
    """What the reports section of either page shows."""
    reports = pilot_reports.reports_of(experiment)
    until = max((r.period_end for r in reports if r.status != ReportStatus.RETURNED), default=None)
    reviews = {
        r.id: ReviewForm(prefix=f"review-{r.id}", formdata=None)
        for r in reports
        if r.status == ReportStatus.SUBMITTED
    }
    if "review_form" in given:
        reviews[given["review_report"]] = given["review_form"]
    interval_form = given.get("interval_form") or IntervalForm(prefix="interval", formdata=None)
    if interval_form.report_interval_months.data is None:
        interval_form.report_interval_months.data = report_schedule.interval(experiment)
    return {
        "reports": reports,
        "periods": report_schedule.unreported(experiment, until),
        "interval": report_schedule.interval(experiment),
        "may_report": pilot_reports.may_report(experiment, current_user),
        "report_form": given.get("report_form") or _new_report_form(),
        "review_forms": reviews,
        "interval_form": interval_form,
        "today": today(),
    }


def _new_report_form() -> ReportForm:
    form = ReportForm(prefix="report", formdata=None)
    for field in form.count_fields():
        field.data = 0
    return form


def team_page(experiment: Experiment, status: int = 200, **given):
    """The team's view: public facts, budget and spending, and the reports."""
    return render_template(
        "pilots/team.html",
        experiment=experiment,
        proposal=experiment.proposal,
        spending=expenses.spending(experiment),
        totals=participation.participation_totals(experiment),
        members=pilot_team.members(experiment),
        is_owner=is_team_owner(current_user, experiment),
        invite_form=given.get("invite_form") or TeamInviteForm(prefix="team", formdata=None),
        remove_form=ConfirmForm(formdata=None),
        **report_context(experiment, given),
    ), status


def _page(experiment: Experiment, status: int = 200, **given):
    if current_user.is_staff:
        from .pilots import _page as staff_page

        return staff_page(experiment, status, **given)
    return team_page(experiment, status, **given)


def _back(experiment: Experiment):
    return redirect(url_for(".show", experiment_id=experiment.id, _anchor="reports"), 303)


def _save_report(form: ReportForm, save, message: str) -> int | None:
    """Save the report and its files; None once saved, else the status to answer (413 or 415
    when only the files were refused, with their messages beside the file field)."""
    status = 422

    def refused(error: Invalid) -> None:
        nonlocal status
        if set(error.errors) <= {"files"}:
            status = error.status_code if error.status_code in (413, 415) else 422
        apply_errors(form, error)

    uploads = form.uploads()
    confidential = bool(form.confidential.data)
    if saved(
        form,
        lambda: save(uploads, confidential),
        message,
        check=lambda: pilot_reports.check_files(uploads),
        on_invalid=refused,
        conflicts=False,
    ):
        return None
    return status


@bp.post(f"/{ID}/reports")
@accepts_files(PROPOSAL_ATTACHMENTS_MAX_BYTES)
@allow(SIGNED_IN)
def file_report(experiment_id: int):
    experiment = team_experiment_or_404(experiment_id, current_user)
    form = ReportForm(prefix="report")
    status = _save_report(
        form,
        lambda files, confidential: pilot_reports.submit_report(
            experiment, current_user, form.values(), files, confidential=confidential
        ),
        _("The report is sent to the city for review."),
    )
    if status is None:
        return _back(experiment)
    return _page(experiment, status, report_form=form)


def _report(experiment_id: int, report_id: int) -> tuple[Experiment, ExperimentReport]:
    experiment = team_experiment_or_404(experiment_id, current_user)
    return experiment, pilot_reports.report_or_404(experiment, report_id)


@bp.route(f"{REPORT}/correct", methods=["GET", "POST"])
@accepts_files(PROPOSAL_ATTACHMENTS_MAX_BYTES)
@allow(SIGNED_IN)
def correct_report(experiment_id: int, report_id: int):
    """A returned report's own page: the team corrects it and sends it again."""
    experiment, report = _report(experiment_id, report_id)
    if report.status != ReportStatus.RETURNED or not pilot_reports.may_report(
        experiment, current_user
    ):
        return _back(experiment)
    form = ReportForm(prefix="report")
    status = 200
    if request.method == "GET":
        form.fill(report)
    else:
        status = _save_report(
            form,
            lambda files, confidential: pilot_reports.resubmit_report(
                experiment, report, current_user, form.values(), files, confidential=confidential
            ),
            _("The corrected report is sent to the city for review."),
        )
        if status is None:
            return _back(experiment)
    return _correction_page(experiment, report, form, status)


def _correction_page(
    experiment: Experiment, report: ExperimentReport, form: ReportForm, status: int
):
    return render_template(
        "pilots/report_form.html",
        experiment=experiment,
        proposal=experiment.proposal,
        report=report,
        form=form,
    ), status


def report_too_large(error):
    """A report whose files together pass the request's limit: said beside the file field
    (the other fields are not read, so the form starts again)."""
    view_args = request.view_args or {}
    if not current_user.is_authenticated:
        return render_template("errors/generic.html", error=error), 413
    try:
        experiment = team_experiment_or_404(view_args.get("experiment_id", 0), current_user)
        report = None
        if request.endpoint == "pilots.correct_report":
            report = pilot_reports.report_or_404(experiment, view_args.get("report_id", 0))
    except NotFound as missing:  # an error handler answers; it does not raise again
        return render_template("errors/404.html", error=missing), 404
    form = ReportForm(prefix="report", formdata=None)
    form.files.errors = [
        _(
            "The files are too large: at most %(each)d MB each and %(all)d MB for all of the "
            "pilot's files.",
            each=ATTACHMENT_MAX_BYTES // MIB,
            all=PROPOSAL_ATTACHMENTS_MAX_BYTES // MIB,
        )
    ]
    if report is not None:
        form.fill(report)
        return _correction_page(experiment, report, form, 413)
    for field in form.count_fields():
        field.data = 0
    return _page(experiment, 413, report_form=form)


@bp.post(f"{REPORT}/review")
@allow(SIGNED_IN)
def review_report(experiment_id: int, report_id: int):
    """Accept (confirmed first: its counts become participation records) or return."""
    experiment = experiment_or_404(experiment_id, current_user)
    report = pilot_reports.report_or_404(experiment, report_id)
    form = ReviewForm(prefix=f"review-{report.id}")
    if form.validate_on_submit():
        accept = form.decision.data == pilot_reports.ACCEPT
        if accept and not is_confirmed(form):
            ask_again(form)
            return render_template(
                "pilots/confirm_report.html",
                experiment=experiment,
                proposal=experiment.proposal,
                report=report,
                form=form,
            )
        if saved_valid(
            form,
            lambda: pilot_reports.review_report(experiment, report, current_user, **form.values()),
            _("The report is accepted.") if accept else _("The report is returned to the team."),
            conflicts=False,
        ):
            return _back(experiment)
    return _page(experiment, 422, review_form=form, review_report=report.id)


@bp.post(f"/{ID}/report-interval")
@allow(SIGNED_IN)
def set_report_interval(experiment_id: int):
    experiment = experiment_or_404(experiment_id, current_user)
    form = IntervalForm(prefix="interval")
    if saved(
        form,
        lambda: report_schedule.set_interval(
            experiment, current_user, form.report_interval_months.data
        ),
        _("The reporting interval is saved."),
        conflicts=False,
    ):
        return _back(experiment)
    return _page(experiment, 422, interval_form=form)


@bp.post(f"/{ID}/team")
@allow(SIGNED_IN)
def invite_member(experiment_id: int):
    """The owner adds a co-worker of their organisation to the pilot's team."""
    experiment = team_experiment_or_404(experiment_id, current_user)
    form = TeamInviteForm(prefix="team")
    member = saved(
        form,
        lambda: pilot_team.invite(experiment, current_user, form.email.data),
        None,
        conflicts=False,
    )
    if member:
        flash(_("%(name)s is now in the team.", name=member.user.name), "success")
        return redirect(url_for(".show", experiment_id=experiment.id, _anchor="team"), 303)
    return _page(experiment, 422, invite_form=form)


@bp.post(f"/{ID}/team/<id:member_id>/remove")
@allow(SIGNED_IN)
def remove_member(experiment_id: int, member_id: int):
    experiment = team_experiment_or_404(experiment_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        pilot_team.remove(experiment, current_user, member_id)
        flash(_("The co-worker is removed from the team."), "success")
    return redirect(url_for(".show", experiment_id=experiment.id, _anchor="team"), 303)
