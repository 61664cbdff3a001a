"""The staff member's home: what waits on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, Exists, Select, and_, exists, func, select

from ..extensions import db
from ..lifecycle import Status
from ..models import (
    Evaluation,
    Expense,
    Experiment,
    ExperimentReport,
    Participation,
    Proposal,
    ReportStatus,
    Review,
    ReviewerAssignment,
    User,
)
from ..questions import answered_back
from ..rules import REMIND_DAYS_BEFORE
from ..services import clock
from ..services.clock import today
from ..services.report_schedule import DuePeriod, due_reports
from ..statistics_cache import cached
from .common import LIST_LENGTH, Shortlist, days_since, entered_at

# Proposals staff screen: new ones and those in screening.
SCREENING_STATES = (Status.SUBMITTED, Status.SCREENING)
# A running pilot with no expense or participation dated within this many days is flagged.
QUIET_DAYS = 30


@dataclass(frozen=True)
class Waiting:
    """A proposal waiting on staff."""

    proposal_id: int
    title: str | None
    language: str
    status: Status
    since: datetime | None
    reviews: int
    answered: bool  # back from the applicant with an answer, not new
    answered_at: datetime | None = None

    @property
    def days(self) -> int | None:
        return days_since(self.since)

    @property
    def new(self) -> bool:
        """Submitted for the first time, not back with an answer."""
        return self.status == Status.SUBMITTED and not self.answered


@dataclass(frozen=True)
class PilotToWatch:
    experiment_id: int
    proposal_id: int
    title: str | None
    language: str
    planned_end: date
    last_record: date | None
    owner_name: str

    @property
    def overdue_days(self) -> int:
        return max(0, (clock.today() - self.planned_end).days)

    @property
    def quiet(self) -> bool:
        cutoff = clock.today() - timedelta(days=QUIET_DAYS)
        return self.last_record is None or self.last_record < cutoff


@dataclass(frozen=True)
class EvaluationDue:
    experiment_id: int
    title: str | None
    language: str
    ended: date | None


@dataclass(frozen=True)
class ReportToReview:
    report_id: int
    experiment_id: int
    title: str | None
    language: str
    period_start: date
    period_end: date


@dataclass(frozen=True)
class ReportDue:
    """A pilot's earliest report due soon or overdue, and how many are missing by then."""

    experiment_id: int
    title: str | None
    language: str
    period: DuePeriod
    missing: int

    def overdue(self, today: date) -> bool:
        return self.period.due < today


@dataclass(frozen=True)
class StaffHome:
    to_review: list[Waiting]
    to_review_total: int
    answered: list[Waiting]
    reviewed: list[Waiting]  # reviewed by this user, still waiting for the decision
    pilots: Shortlist[PilotToWatch]
    evaluations: Shortlist[EvaluationDue]
    reports_due: Shortlist[ReportDue]
    reports_to_review: list[ReportToReview]
    today: date
    assigned: list[Waiting] = field(default_factory=list)  # assigned to this user, not reviewed


def staff_home(user_id: int) -> StaffHome:
    """What waits on this member of staff; a statement per list whatever the data. Each
    list is cached by data generation (statistics_cache.py): recomputed after any write,
    so a home opened again and again costs its rendering, not its queries."""
    day = today()
    to_review, total = _to_review(user_id)
    return StaffHome(
        to_review=to_review,
        to_review_total=total,
        answered=_answered(),
        reviewed=_reviewed(user_id),
        pilots=pilots_to_watch(owner_id=user_id),
        evaluations=_evaluations_due(user_id),
        assigned=_assigned(user_id),
        reports_due=_reports_due(user_id, day),
        reports_to_review=_reports_to_review(user_id),
        today=day,
    )


@cached
def _reports_due(user_id: int, day: date) -> Shortlist[ReportDue]:
    """Each of this user's pilots with a report due within the reminder days or overdue:
    its earliest, soonest first."""
    found = due_reports(day, within_days=REMIND_DAYS_BEFORE, owner_id=user_id, earliest_only=True)
    return Shortlist(
        [
            ReportDue(
                d.experiment.id,
                d.experiment.proposal.title,
                d.experiment.proposal.language,
                d.period,
                d.missing,
            )
            for d in found[:LIST_LENGTH]
        ],
        len(found),
    )


def _waiting_query(
    *conditions: ColumnElement[bool],
) -> tuple[Select[Any], ColumnElement[bool]]:
    """Screening's proposals (and these conditions), waiting longest first; and the test of
    having come back with the applicant's answer. The history is read per row, by index: the
    lists are short, the history is not."""
    moment = entered_at()
    came_back = answered_back()
    return (
        select(
            Proposal.id,
            Proposal.title,
            Proposal.language,
            Proposal.status,
            moment,
            Proposal.review_count,
            came_back,
            moment,  # the answer's moment when it came back: its move into submitted
        )
        .where(Proposal.status.in_(SCREENING_STATES), *conditions)
        .order_by(moment.asc(), Proposal.id)
    ), came_back


def _rows(query: Select[Any]) -> list[Waiting]:
    return [
        Waiting(pid, title, lang, status, at, n, bool(ans), ans_at if ans else None)
        for pid, title, lang, status, at, n, ans, ans_at in db.session.execute(query)
    ]


def _mine(user_id: int) -> Exists:
    return exists().where(Review.proposal_id == Proposal.id, Review.reviewer_id == user_id)


@cached
def _to_review(user_id: int) -> tuple[list[Waiting], int]:
    """Screening's proposals this user has not reviewed, waiting longest first."""
    query, _ = _waiting_query(~_mine(user_id))
    total = db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.status.in_(SCREENING_STATES), ~_mine(user_id))
    )
    return _rows(query.limit(LIST_LENGTH)), total or 0


@cached
def _assigned(user_id: int) -> list[Waiting]:
    """Screening's proposals this user is assigned to and has not reviewed, longest first."""
    assigned = exists().where(
        ReviewerAssignment.proposal_id == Proposal.id, ReviewerAssignment.reviewer_id == user_id
    )
    query, _ = _waiting_query(assigned, ~_mine(user_id))
    return _rows(query.limit(LIST_LENGTH))


@cached
def _reviewed(user_id: int) -> list[Waiting]:
    """Screening's proposals this user has reviewed that still wait, longest first."""
    query, _ = _waiting_query(_mine(user_id))
    return _rows(query.limit(LIST_LENGTH))


@cached
def _answered() -> list[Waiting]:
    """Proposals back from the applicant with an answer, waiting longest first."""
    query, came_back = _waiting_query()
    return _rows(query.where(came_back).limit(LIST_LENGTH))


def pilots_to_watch(
    owner_id: int | None = None, overdue_only: bool = False
) -> Shortlist[PilotToWatch]:
    """Running pilots past their planned end or without recent records (of one owner): the
    first LIST_LENGTH by planned end, and how many there are."""
    return _pilots_to_watch(clock.today(), owner_id, overdue_only)


@cached
def _pilots_to_watch(
    today: date, owner_id: int | None, overdue_only: bool
) -> Shortlist[PilotToWatch]:
    # The latest records of each running pilot, looked up per pilot by the experiment_id
    # index: running pilots are few, the records of all pilots ever are many.
    spent = (
        select(func.max(Expense.date))
        .where(Expense.experiment_id == Experiment.id)
        .correlate(Experiment)
        .scalar_subquery()
    )
    took = (
        select(func.max(Participation.date))
        .where(Participation.experiment_id == Experiment.id)
        .correlate(Experiment)
        .scalar_subquery()
    )
    overdue = Experiment.planned_end_date < today
    quiet_since = today - timedelta(days=QUIET_DAYS)
    last_expense = func.coalesce(spent, date.min)
    last_taking_part = func.coalesce(took, date.min)
    # Quiet: started more than QUIET_DAYS ago and nothing recorded since.
    quiet = and_(
        Experiment.start_date < quiet_since,
        last_expense < quiet_since,
        last_taking_part < quiet_since,
    )
    query = (
        select(
            Experiment.id,
            Proposal.id,
            Proposal.title,
            Proposal.language,
            Experiment.planned_end_date,
            spent,
            took,
            User.name,
            User.deleted_at,
        )
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .join(User, User.id == Experiment.owner_id)
        .where(Proposal.status == Status.PILOT, overdue if overdue_only else overdue | quiet)
        .order_by(Experiment.planned_end_date, Experiment.id)
    )
    if owner_id is not None:
        query = query.where(Experiment.owner_id == owner_id)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    shown = [
        PilotToWatch(
            eid,
            pid,
            title,
            lang,
            end,
            max(filter(None, (spent, took)), default=None),
            gettext("Deleted user") if deleted else owner,
        )
        for eid, pid, title, lang, end, spent, took, owner, deleted in db.session.execute(
            query.limit(LIST_LENGTH)
        )
    ]
    return Shortlist(shown, total or 0)


@cached
def _evaluations_due(user_id: int) -> Shortlist[EvaluationDue]:
    """This user's pilots in evaluation that have no evaluation yet, ended first first."""
    query = (
        select(Experiment.id, Proposal.title, Proposal.language, Experiment.actual_end_date)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .outerjoin(Evaluation, Evaluation.experiment_id == Experiment.id)
        .where(
            Experiment.owner_id == user_id,
            Proposal.status == Status.EVALUATION,
            Evaluation.id.is_(None),
        )
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.execute(
        query.order_by(Experiment.actual_end_date, Experiment.id).limit(LIST_LENGTH)
    ).all()
    return Shortlist([EvaluationDue(*row) for row in rows], total or 0)


@cached
def _reports_to_review(user_id: int) -> list[ReportToReview]:
    """Reports on this user's pilots waiting for review, oldest sent first."""
    rows = db.session.execute(
        select(
            ExperimentReport.id,
            Experiment.id,
            Proposal.title,
            Proposal.language,
            ExperimentReport.period_start,
            ExperimentReport.period_end,
        )
        .join(Experiment, Experiment.id == ExperimentReport.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Experiment.owner_id == user_id, ExperimentReport.status == ReportStatus.SUBMITTED)
        .order_by(ExperimentReport.submitted_at, ExperimentReport.id)
        .limit(LIST_LENGTH)
    ).all()
    return [ReportToReview(*row) for row in rows]
