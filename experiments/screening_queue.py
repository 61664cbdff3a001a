"""Read queries of the staff's screening queue: its sorts and what each row says beyond the
proposal (how long it has waited, whether it came back answered, whether the reader reviewed it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import UnaryExpression, func, select

from .extensions import db
from .models import Proposal, Review, StatusChange
from .queries import SORTS, review_count
from .questions import came_back_answered, last_moves

# The moment of the proposal's last move (its submission when no move is recorded): what it
# has waited since, shown and sorted by. Correlated, over the index on the history's
# proposal_id, for the proposals the filters let through.
_last_change = func.coalesce(
    select(func.max(StatusChange.at))
    .where(StatusChange.proposal_id == Proposal.id)
    .correlate(Proposal)
    .scalar_subquery(),
    Proposal.submitted_at,
)

# The queue's columns sort both ways; these are its own, so the API's documented sorts stay.
# "-waiting" is the longest wait first.
QUEUE_SORTS: dict[str, tuple[UnaryExpression[Any], ...]] = {
    **SORTS,
    "-title": (Proposal.title.desc(), Proposal.id.desc()),
    "waiting": (_last_change.desc(), Proposal.id.desc()),
    "-waiting": (_last_change.asc(), Proposal.id.asc()),
    "reviews": (review_count.asc(), Proposal.id.asc()),
    "-reviews": (review_count.desc(), Proposal.id.asc()),
}


@dataclass(frozen=True)
class RowFacts:
    """What the queue says about one proposal besides its own columns."""

    waiting_since: datetime | None
    answered: bool  # the applicant answered the city's question and resubmitted
    reviewed_by_reader: bool


def row_facts(proposals: Sequence[Proposal], reader_id: int) -> dict[int, RowFacts]:
    """The facts of a page of proposals, in two statements however long the page."""
    ids = [p.id for p in proposals]
    if not ids:
        return {}
    last = last_moves(ids)
    latest = {
        proposal_id: (since, bool(answered))
        for proposal_id, since, answered in db.session.execute(
            select(Proposal.id, _last_change, came_back_answered(last))
            .outerjoin(last, last.c.proposal_id == Proposal.id)
            .where(Proposal.id.in_(ids))
        )
    }
    reviewed = set(
        db.session.scalars(
            select(Review.proposal_id).where(
                Review.proposal_id.in_(ids), Review.reviewer_id == reader_id
            )
        )
    )
    facts = {}
    for p in proposals:
        since, answered = latest.get(p.id, (p.submitted_at, False))
        facts[p.id] = RowFacts(
            waiting_since=since,
            answered=answered,
            reviewed_by_reader=p.id in reviewed,
        )
    return facts
