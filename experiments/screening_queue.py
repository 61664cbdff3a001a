"""Read queries of the staff's screening queue: its sorts and what each row says beyond the
proposal (how long it has waited, whether it came back answered, whether the reader reviewed it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import UnaryExpression, case, exists, func, select

from .extensions import db
from .models import Proposal, Review, ReviewerAssignment, StatusChange
from .queries import SORTS, criteria_below_minimum
from .questions import came_back_answered, last_moves
from .statistics_cache import through_cache

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
    "reviews": (Proposal.review_count.asc(), Proposal.id.asc()),
    "-reviews": (Proposal.review_count.desc(), Proposal.id.asc()),
}


@dataclass(frozen=True)
class RowFacts:
    """What the queue says about one proposal besides its own columns."""

    waiting_since: datetime | None
    answered: bool  # the applicant answered the city's question and resubmitted
    reviewed_by_reader: bool
    assigned: int = 0  # reviewers assigned
    assigned_to_reader: bool = False
    below_minimum: tuple[str, ...] = ()  # criteria whose mean is below the call's minimum


def row_facts(ids: Sequence[int], reader_id: int) -> Mapping[int, RowFacts]:
    """The facts of a page of proposals, read once per generation (reviews and assignments
    are counted writes, so a new one replaces it)."""
    page = tuple(ids)
    return through_cache(
        ("queue-row-facts", page, reader_id),
        lambda: MappingProxyType(_read_row_facts(page, reader_id)),
        immutable=True,  # read-only: frozen facts in a mapping proxy
    )


def _read_row_facts(ids: tuple[int, ...], reader_id: int) -> dict[int, RowFacts]:
    """The facts of a page of proposals, in four statements however long the page."""
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
    assigned, mine = _assignments(ids, reader_id)
    below = criteria_below_minimum(ids)
    facts = {}
    for proposal_id in ids:
        since, answered = latest.get(proposal_id, (None, False))
        facts[proposal_id] = RowFacts(
            waiting_since=since,
            answered=answered,
            reviewed_by_reader=proposal_id in reviewed,
            assigned=assigned.get(proposal_id, 0),
            assigned_to_reader=proposal_id in mine,
            below_minimum=tuple(below.get(proposal_id, ())),
        )
    return facts


def _assignments(ids: tuple[int, ...], reader_id: int) -> tuple[dict[int, int], set[int]]:
    """Per proposal its number of assigned reviewers, and those the reader is assigned to."""
    assigned: dict[int, int] = {}
    mine: set[int] = set()
    for proposal_id, count, reader in db.session.execute(
        select(
            ReviewerAssignment.proposal_id,
            func.count(),
            func.max(case((ReviewerAssignment.reviewer_id == reader_id, 1), else_=0)),
        )
        .where(ReviewerAssignment.proposal_id.in_(ids))
        .group_by(ReviewerAssignment.proposal_id)
    ):
        assigned[proposal_id] = count
        if reader:
            mine.add(proposal_id)
    return assigned, mine


def has_assignments(reader_id: int) -> bool:
    """Whether anyone is assigned to the reader: then their queue starts with those."""
    return bool(
        db.session.scalar(select(exists().where(ReviewerAssignment.reviewer_id == reader_id)))
    )
