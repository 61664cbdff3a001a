"""Programme statistics: read-only SQL aggregates returning small dataclasses.

The dashboard, the API and the exports all call these; nothing else counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import extract, func, select

from .extensions import db
from .models import Experiment, ProgrammeYear, Proposal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class YearBudget:
    year: int
    annual: Decimal
    allocated: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.annual - self.allocated


def year_budget(programme_id: int, year: int) -> YearBudget:
    """Annual budget and allocation (pilots starting that year) of one programme year."""
    annual = db.session.scalar(
        select(ProgrammeYear.annual_budget).where(
            ProgrammeYear.programme_id == programme_id, ProgrammeYear.year == year
        )
    )
    allocated = db.session.scalar(
        select(func.coalesce(func.sum(Experiment.allocated_budget), 0))
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(
            Proposal.programme_id == programme_id,
            extract("year", Experiment.start_date) == year,
        )
    )
    return YearBudget(year, Decimal(annual or 0), Decimal(allocated or 0))
