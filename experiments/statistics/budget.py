"""The programme's budget per year: one computation for the statistics, the programme
settings, starting a pilot and the allocation check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, SQLColumnExpression, func, select

from ..extensions import db
from ..models import Expense, Experiment, ProgrammeYear, Proposal
from .sql import money, year_of_date


@dataclass(frozen=True)
class BudgetYear:
    """A programme year: annual budget, allocated to the pilots starting that year (and how
    many pilots), spent (expenses dated that year)."""

    year: int
    annual: Decimal
    allocated: Decimal
    spent: Decimal
    pilots: int

    @property
    def remaining(self) -> Decimal:
        return self.annual - self.allocated

    @property
    def over_allocated(self) -> bool:
        """More allocated to the year's pilots than the year's budget."""
        return self.allocated > self.annual

    @property
    def overspent(self) -> bool:
        """More spent in the year than the year's budget."""
        return self.spent > self.annual


@dataclass(frozen=True)
class PilotSpending:
    """A pilot that has spent more than was allocated to it."""

    experiment_id: int
    title: str
    allocated: Decimal
    spent: Decimal

    @property
    def over(self) -> Decimal:
        return self.spent - self.allocated


def budget_years(programme_id: int, year: int | None = None) -> tuple[BudgetYear, ...]:
    """The programme's budget years (or just this one) in order, in one aggregate query.

    Never cached: the allocation check reads it under the year's lock (services/budget.py).
    """
    start_year = year_of_date(Experiment.start_date)
    allocated = (
        select(
            start_year.label("year"),
            func.sum(Experiment.allocated_budget).label("amount"),
            func.count(Experiment.id).label("pilots"),
        )
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Proposal.programme_id == programme_id, *_within(Experiment.start_date, year))
        .group_by(start_year)
        .subquery()
    )
    expense_year = year_of_date(Expense.date)
    spent = (
        select(expense_year.label("year"), func.sum(Expense.amount).label("amount"))
        .join(Experiment, Experiment.id == Expense.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Proposal.programme_id == programme_id, *_within(Expense.date, year))
        .group_by(expense_year)
        .subquery()
    )
    rows = db.session.execute(
        select(
            ProgrammeYear.year,
            ProgrammeYear.annual_budget,
            allocated.c.amount,
            spent.c.amount,
            allocated.c.pilots,
        )
        .outerjoin(allocated, allocated.c.year == ProgrammeYear.year)
        .outerjoin(spent, spent.c.year == ProgrammeYear.year)
        .where(
            ProgrammeYear.programme_id == programme_id,
            *([ProgrammeYear.year == year] if year is not None else []),
        )
        .order_by(ProgrammeYear.year)
    ).all()
    return tuple(
        BudgetYear(y, money(annual), money(allocated_), money(spent_), int(pilots or 0))
        for y, annual, allocated_, spent_, pilots in rows
    )


def overspent_pilots(programme_id: int, year: int | None = None) -> tuple[PilotSpending, ...]:
    """The programme's pilots (those starting in the year, if one is given) whose expenses
    add up to more than their allocated budget, most over first; one aggregate query."""
    spent = func.sum(Expense.amount)
    rows = db.session.execute(
        select(Experiment.id, Proposal.title, Experiment.allocated_budget, spent)
        .join(Experiment, Experiment.proposal_id == Proposal.id)
        .join(Expense, Expense.experiment_id == Experiment.id)
        .where(Proposal.programme_id == programme_id, *_within(Experiment.start_date, year))
        .group_by(Experiment.id, Proposal.title, Experiment.allocated_budget)
        .having(spent > Experiment.allocated_budget)
    ).all()
    pilots = (
        PilotSpending(id_, title or "", money(allocated), money(total))
        for id_, title, allocated, total in rows
    )
    return tuple(sorted(pilots, key=lambda p: (-p.over, p.experiment_id)))


def year_budget(programme_id: int, year: int) -> BudgetYear | None:
    """One year of the programme's budget; None if the programme has no budget that year."""
    rows = budget_years(programme_id, year)
    return rows[0] if rows else None


def _within(column: SQLColumnExpression[date], year: int | None) -> list[ColumnElement[bool]]:
    """A date column within the year: a range, which an index on the column can serve."""
    if year is None:
        return []
    return [column >= date(year, 1, 1), column < date(year + 1, 1, 1)]
