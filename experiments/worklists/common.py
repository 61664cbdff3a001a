"""What the worklists share: since when a proposal is in its state, days since, and a
shortlist (a home page shows the first few of a list and says how many there are)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, select

from ..models import Proposal, StatusChange
from ..models.types import utcnow
from ..services import clock

T = TypeVar("T")
# How many of a list a home page shows; the rest are one link away.
LIST_LENGTH = 10


@dataclass(frozen=True)
class Shortlist(Generic[T]):
    """The first items of a list, and how many the whole list has: a home page stays the
    same size however much waits."""

    items: list[T]
    total: int

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


def entered_at() -> ColumnElement[Any]:
    """When the proposal last moved into its present state, else its submission: looked up
    per row through the history's (proposal_id, to_status) index, so a short list costs
    what its rows cost, not a pass over the whole history."""
    moved = (
        select(func.max(StatusChange.at))
        .where(StatusChange.proposal_id == Proposal.id, StatusChange.to_status == Proposal.status)
        .correlate(Proposal)
        .scalar_subquery()
    )
    return func.coalesce(moved, Proposal.submitted_at)


def days_since(moment: datetime | date | None, today: date | None = None) -> int | None:
    """Whole days from the moment to now (0 on the same day); None without a moment."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return max(0, (utcnow() - moment).days)
    return max(0, ((today or clock.today()) - moment).days)
