"""The applicant's home: their proposals as a list of tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..extensions import db
from ..lifecycle import TERMINAL, Role, Status
from ..models import Experiment, Proposal, StatusChange, User
from .common import days_since, entered_at


@dataclass(frozen=True)
class Question:
    """The city's question that a proposal waits on the applicant to answer."""

    proposal_id: int
    title: str | None
    language: str
    question: str | None  # None only for a proposal put in the state without its history
    question_language: str | None
    asked_by: Role | None  # the applicant sees the asker's role, not the person
    asked_at: datetime | None


@dataclass(frozen=True)
class Item:
    proposal_id: int
    title: str | None
    language: str
    status: Status
    since: datetime | None  # entered its state (drafts: last changed)
    planned_end: date | None = None
    experiment_id: int | None = None

    @property
    def days(self) -> int | None:
        return days_since(self.since)


@dataclass(frozen=True)
class ApplicantHome:
    questions: list[Question]
    drafts: list[Item]
    waiting: list[Item]  # on the city: submitted or in screening
    pilots: list[Item]  # running or being evaluated
    others: int  # closed ones: rejected, withdrawn, decided

    @property
    def empty(self) -> bool:
        return not (self.questions or self.drafts or self.waiting or self.pilots or self.others)


def applicant_home(user_id: int) -> ApplicantHome:
    """The applicant's proposals by what they need, a statement per list whatever their number."""
    return ApplicantHome(
        questions=_questions(user_id),
        drafts=_items(user_id, (Status.DRAFT,)),
        waiting=_items(user_id, (Status.SUBMITTED, Status.SCREENING)),
        pilots=_items(user_id, (Status.PILOT, Status.EVALUATION)),
        others=_closed(user_id),
    )


def _questions(user_id: int) -> list[Question]:
    # Each proposal's latest question, looked up per row through the history's index: the
    # applicant's few proposals cost what they cost, not a pass over everyone's history.
    latest = (
        select(func.max(StatusChange.id))
        .where(StatusChange.proposal_id == Proposal.id, StatusChange.to_status == Status.MORE_INFO)
        .correlate(Proposal)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Proposal.id,
            Proposal.title,
            Proposal.language,
            StatusChange.reason,
            StatusChange.language,
            User.role,
            StatusChange.at,
        )
        .outerjoin(StatusChange, StatusChange.id == latest)
        .outerjoin(User, User.id == StatusChange.actor_id)
        .where(Proposal.owner_id == user_id, Proposal.status == Status.MORE_INFO)
        .order_by(StatusChange.at, Proposal.id)
    ).all()
    return [Question(*row) for row in rows]


def _items(user_id: int, states: tuple[Status, ...]) -> list[Item]:
    """The applicant's proposals in these states, waiting longest first (drafts: newest)."""
    drafts = states == (Status.DRAFT,)
    moment = Proposal.updated_at if drafts else entered_at()
    rows = db.session.execute(
        select(
            Proposal.id,
            Proposal.title,
            Proposal.language,
            Proposal.status,
            moment,
            Experiment.planned_end_date,
            Experiment.id,
        )
        .outerjoin(Experiment, Experiment.proposal_id == Proposal.id)
        .where(Proposal.owner_id == user_id, Proposal.status.in_(states))
        .order_by(moment.desc() if drafts else moment.asc(), Proposal.id)
    ).all()
    return [Item(*row) for row in rows]


def _closed(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.owner_id == user_id, Proposal.status.in_(TERMINAL))
        )
        or 0
    )
