"""The programme manager's home: decisions pending, this year's budget, overdue pilots."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from ..lifecycle import Status
from ..models import (
    Call,
    Evaluation,
    Experiment,
    Programme,
    ProgrammeYear,
    Proposal,
    StagedDecision,
)
from ..services import clock
from ..statistics import BudgetYear, year_budget
from ..statistics_cache import cached
from ..vocabulary import Recommendation
from .common import Shortlist
from .staff import PilotToWatch, pilots_to_watch

LIST_LENGTH = 20


@dataclass(frozen=True)
class ReadyForPilot:
    """A proposal in screening with reviews: ready for the decision on a pilot."""

    proposal_id: int
    title: str | None
    language: str
    requested_budget: Decimal | None
    reviews: int
    average: float


@dataclass(frozen=True)
class ReadyToDecide:
    """An experiment in evaluation whose evaluation is written: adopt or discontinue."""

    proposal_id: int
    title: str | None
    language: str
    recommendation: Recommendation


@dataclass(frozen=True)
class ProgrammeBudget:
    programme_id: int
    name: str
    language: str
    budget: BudgetYear


@dataclass(frozen=True)
class CallToDecide:
    """A call with proposals in screening: its decisions page, and how many are staged."""

    call_id: int
    title: str
    language: str
    screening: int
    staged: int


@dataclass(frozen=True)
class ManagerHome:
    ready_for_pilot: list[ReadyForPilot]
    calls_to_decide: list[CallToDecide]
    ready_to_decide: list[ReadyToDecide]
    budgets: list[ProgrammeBudget]
    year: int
    overdue: Shortlist[PilotToWatch]


def manager_home() -> ManagerHome:
    year = clock.today().year
    return ManagerHome(
        ready_for_pilot=_ready_for_pilot(),
        calls_to_decide=_calls_to_decide(),
        ready_to_decide=_ready_to_decide(),
        budgets=_budgets(year),
        year=year,
        overdue=pilots_to_watch(overdue_only=True),
    )


@cached  # by data generation, like the staff lists
def _ready_for_pilot() -> list[ReadyForPilot]:
    # The score as kept on the row: the index on (status, review_score) gives the best first.
    rows = db.session.execute(
        select(
            Proposal.id,
            Proposal.title,
            Proposal.language,
            Proposal.requested_budget,
            Proposal.review_count,
            Proposal.review_score,
        )
        .where(Proposal.status == Status.SCREENING, Proposal.review_score.is_not(None))
        .order_by(Proposal.review_score.desc(), Proposal.id)
        .limit(LIST_LENGTH)
    ).all()
    return [
        ReadyForPilot(pid, title, lang, budget, n, round(float(avg), 2))
        for pid, title, lang, budget, n, avg in rows
        if avg is not None  # never: the query leaves them out
    ]


@cached  # by data generation, like the staff lists
def _calls_to_decide() -> list[CallToDecide]:
    rows = db.session.execute(
        select(
            Call.id,
            Call.title,
            Call.language,
            func.count(Proposal.id),
            func.count(StagedDecision.id),
        )
        .join(Proposal, Proposal.call_id == Call.id)
        .outerjoin(StagedDecision, StagedDecision.proposal_id == Proposal.id)
        .where(Proposal.status == Status.SCREENING)
        .group_by(Call.id, Call.title, Call.language, Call.closes_on)
        .order_by(Call.closes_on, Call.id)
        .limit(LIST_LENGTH)
    ).all()
    return [CallToDecide(*row) for row in rows]


@cached  # by data generation, like the staff lists
def _ready_to_decide() -> list[ReadyToDecide]:
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.language, Evaluation.recommendation)
        .join(Experiment, Experiment.proposal_id == Proposal.id)
        .join(Evaluation, Evaluation.experiment_id == Experiment.id)
        .where(Proposal.status == Status.EVALUATION)
        .order_by(Evaluation.updated_at, Proposal.id)
        .limit(LIST_LENGTH)
    ).all()
    return [ReadyToDecide(*row) for row in rows]


def _budgets(year: int) -> list[ProgrammeBudget]:
    """This year's budget of each programme that has one (statistics' own computation)."""
    programmes = db.session.execute(
        select(Programme.id, Programme.name, Programme.language)
        .join(ProgrammeYear, ProgrammeYear.programme_id == Programme.id)
        .where(ProgrammeYear.year == year)
        .order_by(Programme.name)
    ).all()
    budgets = []
    for programme_id, name, language in programmes:  # a few programmes run in one year
        budget = year_budget(programme_id, year)
        if budget is not None:
            budgets.append(ProgrammeBudget(programme_id, name, language, budget))
    return budgets
