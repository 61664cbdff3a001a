"""The pilot team's progress reports: filing, correcting, and the staff's review.

An accepted report's counts become participation records attributed to it, once: the
review locks the report's row and refuses one already reviewed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO

from flask import abort
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..i18n import number, status_label
from ..lifecycle import RECORDING_STATES
from ..models import (
    Attachment,
    Experiment,
    ExperimentReport,
    Participation,
    ReportCount,
    ReportStatus,
    User,
)
from ..models.types import utcnow
from ..rules import COUNT_MAX, REPORT_TEXT_MAX
from ..vocabulary import ParticipationCategory
from . import notifications, report_files, subscriptions
from .attachments import Upload, checked_upload
from .experiments import is_team
from .inputs import Fields
from .transaction import transactional

ACCEPT, RETURN = "accept", "return"


@dataclass(frozen=True)
class ReportValues:
    period_start: date
    period_end: date
    summary: str
    problems: str
    counts: dict[ParticipationCategory, int]


def may_report(experiment: Experiment, actor: User | None) -> bool:
    """Whether the actor may file reports on the experiment now."""
    staff = actor is not None and getattr(actor, "is_staff", False)
    return (staff or is_team(actor, experiment)) and experiment.proposal.status in RECORDING_STATES


def _check_reporting(experiment: Experiment, actor: User) -> None:
    if not (getattr(actor, "is_staff", False) or is_team(actor, experiment)):
        raise NotAllowed(_("Only the pilot's team and city staff file its reports."))
    if experiment.proposal.status not in RECORDING_STATES:
        raise Conflict(
            _(
                "The experiment is “%(state)s”: reports can be filed only while it is a pilot "
                "or in evaluation.",
                state=status_label(experiment.proposal.status),
            )
        )


Files = Sequence[tuple[IO[bytes], str | None]]


@transactional
def submit_report(
    experiment: Experiment,
    actor: User,
    values: Mapping[str, object],
    files: Files = (),
    *,
    confidential: bool = False,
) -> ExperimentReport:
    """File a report with its files (a stream and a name each), all or nothing; raises
    Invalid naming each wrong field (FieldConflict for a period outside the pilot's dates),
    or for the files UnsupportedFile (415) or TooLarge (413)."""
    _check_reporting(experiment, actor)
    checked, uploads = _checked(experiment, values, files)
    report = ExperimentReport(
        experiment_id=experiment.id, status=ReportStatus.SUBMITTED, submitted_by_id=actor.id
    )
    _fill(report, checked)
    db.session.add(report)
    db.session.flush()
    report_files.attach(experiment, report, actor, uploads, confidential=confidential)
    notifications.report_submitted(experiment, report)
    return report


def _checked(
    experiment: Experiment, values: Mapping[str, object], files: Files
) -> tuple[ReportValues, list[Upload]]:
    """The report's values and its files checked; a refusal names the fields and files."""
    uploads, refused = report_files.checked(files)
    try:
        checked = report_values(experiment, values)
    except Invalid as error:
        if refused is not None:  # every message at once: the form sends its files again
            error.errors.update(refused.errors)
        raise
    if refused is not None:
        raise refused
    return checked, uploads


def check_files(files: Files) -> None:
    """Raises what the files' check refuses (nothing is written)."""
    _uploads, refused = report_files.checked(files)
    if refused is not None:
        raise refused


@transactional
def resubmit_report(
    experiment: Experiment,
    report: ExperimentReport,
    actor: User,
    values: Mapping[str, object],
    files: Files = (),
    *,
    confidential: bool = False,
) -> ExperimentReport:
    """Correct a returned report, adding files if given, and send it for review again."""
    _check_reporting(experiment, actor)
    _lock(report)
    if report.status != ReportStatus.RETURNED:
        raise Conflict(_("Only a returned report can be corrected."))
    checked, uploads = _checked(experiment, values, files)
    _fill(report, checked)
    report_files.attach(experiment, report, actor, uploads, confidential=confidential)
    report.status = ReportStatus.SUBMITTED
    report.submitted_by_id = actor.id
    report.submitted_at = utcnow()
    report.reviewed_by_id = None
    report.reviewed_at = None
    report.review_comment = None
    notifications.report_submitted(experiment, report)
    return report


def may_add_files(experiment: Experiment, report: ExperimentReport, actor: User | None) -> bool:
    """Whether the actor may add files to the report now (not once it is accepted)."""
    return report.status != ReportStatus.ACCEPTED and may_report(experiment, actor)


@transactional
def add_report_file(
    experiment: Experiment,
    report: ExperimentReport,
    actor: User,
    stream: IO[bytes],
    filename: str | None,
    *,
    confidential: bool = False,
) -> Attachment:
    """Add a file to a report not yet accepted; raises as a proposal's upload does."""
    _check_reporting(experiment, actor)
    upload = checked_upload(stream, filename)
    _lock(report)
    if report.status == ReportStatus.ACCEPTED:
        raise Conflict(_("The report is accepted: files can no longer be added to it."))
    (attachment,) = report_files.attach(
        experiment, report, actor, [upload], confidential=confidential, field="file"
    )
    return attachment


def _fill(report: ExperimentReport, values: ReportValues) -> None:
    report.period_start = values.period_start
    report.period_end = values.period_end
    report.summary = values.summary
    report.problems = values.problems
    existing = {c.category: c for c in report.counts}
    for category, count in values.counts.items():
        if category in existing:
            existing[category].count = count
        else:
            report.counts.append(ReportCount(category=category, count=count))


def report_values(experiment: Experiment, values: Mapping[str, object]) -> ReportValues:
    """The report's checked values; raises Invalid (or FieldConflict) naming each field."""
    fields = Fields()
    start = fields.date("period_start", values.get("period_start"))
    end = fields.date("period_end", values.get("period_end"))
    if start is not None and end is not None and end < start:
        fields.fail("period_end", _("The period cannot end before it starts."))
    last = experiment.actual_end_date or experiment.planned_end_date
    if start is not None and start < experiment.start_date:
        fields.conflict(
            "period_start",
            _(
                "The period starts before the pilot started (%(start)s).",
                start=format_date(experiment.start_date),
            ),
        )
    if end is not None and end > last:
        fields.conflict(
            "period_end",
            _("The period ends after the pilot's end (%(end)s).", end=format_date(last)),
        )
    summary = fields.text(
        "summary",
        values.get("summary"),
        max_length=REPORT_TEXT_MAX,
        required=True,
        message=_("Tell what was done in the period."),
    )
    problems = fields.text("problems", values.get("problems"), max_length=REPORT_TEXT_MAX)
    counts = _counts(values.get("participation"), fields)
    fields.raise_if_any()
    assert start is not None and end is not None  # raise_if_any refused a missing one
    return ReportValues(start, end, summary, problems, counts)


def _counts(rows: object, fields: Fields) -> dict[ParticipationCategory, int]:
    """Each category's count (zero for one not given); each category at most once."""
    counts = {category: 0 for category in ParticipationCategory}
    if rows is None:
        return counts
    if not isinstance(rows, list | tuple) or len(rows) > len(ParticipationCategory):
        fields.fail("participation", _("Give each category's count at most once, as a list."))
        return counts
    seen: set[ParticipationCategory] = set()
    for index, row in enumerate(rows):
        name = f"participation.{index}"
        if not isinstance(row, Mapping):
            fields.fail(name, _("Give a category and a count."))
            continue
        category = fields.choice(f"{name}.category", row.get("category"), ParticipationCategory)
        count = fields.integer(
            f"{name}.count",
            row.get("count"),
            0,
            COUNT_MAX,
            _("Enter a whole number from 0 to %(max)s.", max=number(COUNT_MAX)),
        )
        if category is not None and category in seen:
            fields.fail(f"{name}.category", _("Each category may be given once."))
        elif category is not None and count is not None:
            seen.add(category)
            counts[category] = count
    return counts


@transactional
def review_report(
    experiment: Experiment,
    report: ExperimentReport,
    actor: User,
    decision: object,
    comment: object = None,
) -> ExperimentReport:
    """Accept a submitted report (its counts become participation records) or return it
    with a comment; Conflict for one already reviewed, also when two reviews race."""
    if actor is None or not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only city staff and programme managers review reports."))
    fields = Fields()
    chosen = fields.choice("decision", decision, (ACCEPT, RETURN))
    text = fields.text("comment", comment, max_length=REPORT_TEXT_MAX)
    if chosen == RETURN and not text and "comment" not in fields.errors:
        fields.fail("comment", _("Tell the team what to correct."))
    fields.raise_if_any()
    _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise Conflict(_("This report has already been reviewed."))
    report.status = ReportStatus.ACCEPTED if chosen == ACCEPT else ReportStatus.RETURNED
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    report.review_comment = text or None
    try:  # the review first: a second one racing it fails here, before any record is added
        db.session.flush()
    except StaleDataError as error:
        raise Conflict(_("This report has already been reviewed.")) from error
    if report.status == ReportStatus.ACCEPTED:
        db.session.add_all(
            Participation(
                experiment_id=experiment.id,
                date=report.period_end,
                category=c.category,
                count=c.count,
                report_id=report.id,
                language=report.language,
            )
            for c in report.counts
            if c.count > 0
        )
    notifications.report_reviewed(experiment, report)
    if report.status == ReportStatus.ACCEPTED:
        subscriptions.report_accepted(experiment, report)
    return report


def _lock(report: ExperimentReport) -> None:
    """Read the report again under a row lock (PostgreSQL; SQLite writes one at a time)."""
    db.session.execute(
        select(ExperimentReport)
        .where(ExperimentReport.id == report.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def reports_of(experiment: Experiment) -> Sequence[ExperimentReport]:
    """The experiment's reports, newest period first, with their counts and people."""
    return db.session.scalars(
        select(ExperimentReport)
        .where(ExperimentReport.experiment_id == experiment.id)
        .options(
            selectinload(ExperimentReport.counts),
            selectinload(ExperimentReport.submitted_by),
            selectinload(ExperimentReport.reviewed_by),
            selectinload(ExperimentReport.attachments),
        )
        .order_by(ExperimentReport.period_end.desc(), ExperimentReport.id.desc())
    ).all()


def report_or_404(experiment: Experiment, report_id: int) -> ExperimentReport:
    """The experiment's report, or 404 (also for another experiment's)."""
    report = db.session.get(ExperimentReport, report_id)
    if report is None or report.experiment_id != experiment.id:
        abort(404)
    return report
