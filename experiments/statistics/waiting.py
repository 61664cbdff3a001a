"""How long a proposal typically waits for the city's screening decision, told to applicants
when they submit: the programme's own median, by the statistics' definition."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..statistics_cache import cached
from .aggregates import cohort_of, screening_decision_days
from .sql import days, median

# Fewer decisions than this make a median too chancy to promise anyone.
ENOUGH_DECISIONS = 5


@dataclass(frozen=True)
class ScreeningWait:
    """The median days from submission to a screening decision, and how many decisions."""

    median_days: float | None
    decisions: int

    @property
    def known(self) -> bool:
        return self.median_days is not None and self.decisions >= ENOUGH_DECISIONS

    @property
    def days(self) -> int:
        return round(self.median_days or 0)

    @property
    def weeks(self) -> int:
        """The median in whole weeks, at least one."""
        return max(1, round((self.median_days or 0) / 7))


@cached  # by data generation, like the programme statistics
def screening_wait(programme_id: int) -> ScreeningWait:
    """The programme's median wait until the screening decision (pilot or rejected)."""
    waits = screening_decision_days(cohort_of(programme_id, None, None))
    counted = select(func.count()).select_from(waits.subquery()).scalar_subquery()
    row = db.session.execute(select(median(waits), counted)).one()
    return ScreeningWait(days(row[0]), int(row[1] or 0))
