"""When a pilot team's reports are due: every interval from the start, and a final report at
the planned end. A period counts as reported once a report not returned reaches into it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..lifecycle import RECORDING_STATES
from ..models import Experiment, ExperimentReport, Proposal, ReportStatus, User
from ..rules import REPORT_INTERVAL_MAX, REPORT_INTERVAL_MIN, SHORT_PILOT_MONTHS
from .inputs import Fields, whole_number_message
from .transaction import transactional


@dataclass(frozen=True)
class DuePeriod:
    """One period to report on: its first and last day, and the day its report is due."""

    start: date
    end: date
    due: date
    final: bool


def default_interval(start: date, planned_end: date) -> int:
    """Monthly for a pilot planned for up to SHORT_PILOT_MONTHS months, else two months."""
    return 1 if planned_end <= start + relativedelta(months=SHORT_PILOT_MONTHS) else 2


def interval(experiment: Experiment) -> int:
    return experiment.report_interval_months or default_interval(
        experiment.start_date, experiment.planned_end_date
    )


def due_periods(experiment: Experiment) -> list[DuePeriod]:
    """Every period of the pilot in order; the last is the final report's, due at the end."""
    months = interval(experiment)
    start, end = experiment.start_date, experiment.planned_end_date
    periods: list[DuePeriod] = []
    first, k = start, 1
    while (due := start + relativedelta(months=months * k)) < end:
        periods.append(DuePeriod(first, due - timedelta(days=1), due, False))
        first, k = due, k + 1
    periods.append(DuePeriod(first, end, end, True))
    return periods


def unreported(experiment: Experiment, reported_until: date | None) -> list[DuePeriod]:
    """The periods no report (but a returned one) reaches into yet."""
    return [
        p for p in due_periods(experiment) if reported_until is None or reported_until < p.start
    ]


def reported_until() -> Select[int, date]:
    """Per experiment, the latest end of a report not returned (one aggregate)."""
    return (
        select(ExperimentReport.experiment_id, func.max(ExperimentReport.period_end))
        .where(ExperimentReport.status != ReportStatus.RETURNED)
        .group_by(ExperimentReport.experiment_id)
    )


@dataclass(frozen=True)
class DueReport:
    """A report due soon or overdue, for lists and reminders."""

    experiment: Experiment
    period: DuePeriod
    # How many reports of the pilot are due by then (in lists showing only the earliest).
    missing: int = 1

    def overdue(self, today: date) -> bool:
        return self.period.due < today


def due_reports(
    today: date, *, within_days: int, owner_id: int | None = None, earliest_only: bool = False
) -> list[DueReport]:
    """The reports of running pilots due within the days ahead or overdue, soonest first (or
    each pilot's earliest, with how many are missing); in one statement (the pilots with how
    far they have reported)."""
    latest = reported_until().subquery()
    query = (
        select(Experiment, latest.c[1])
        .join(Experiment.proposal)
        .outerjoin(latest, latest.c.experiment_id == Experiment.id)
        .where(Proposal.status.in_(RECORDING_STATES))
        .options(contains_eager(Experiment.proposal))
    )
    if owner_id is not None:
        query = query.where(Experiment.owner_id == owner_id)
    horizon = today + timedelta(days=within_days)
    found: list[DueReport] = []
    for experiment, until in db.session.execute(query).all():
        due = [p for p in unreported(experiment, _as_date(until)) if p.due <= horizon]
        if earliest_only and due:
            found.append(DueReport(experiment, due[0], len(due)))
        else:
            found.extend(DueReport(experiment, period) for period in due)
    return sorted(found, key=lambda d: (d.period.due, d.experiment.id))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def reported_until_for(experiment: Experiment) -> date | None:
    row = db.session.execute(
        reported_until().where(ExperimentReport.experiment_id == experiment.id)
    ).first()
    return _as_date(row[1]) if row else None


@transactional
def set_interval(experiment: Experiment, actor: User, months: object) -> None:
    """Staff change how often the team reports while the pilot runs."""
    if actor is None or not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only city staff and programme managers run pilots."))
    if experiment.proposal.status not in RECORDING_STATES:
        raise Conflict(_("The reporting interval can be changed only while the pilot runs."))
    fields = Fields()
    value = fields.integer(
        "report_interval_months",
        months,
        REPORT_INTERVAL_MIN,
        REPORT_INTERVAL_MAX,
        whole_number_message(REPORT_INTERVAL_MIN, REPORT_INTERVAL_MAX),
    )
    fields.raise_if_any()
    experiment.report_interval_months = value
