"""Read queries for lists of proposals, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    UnaryExpression,
    case,
    exists,
    extract,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import joinedload

from . import search
from .extensions import db
from .models import REVIEW_CRITERIA, Call, Proposal, Review, ReviewerAssignment
from .statistics_cache import cached, cached_count, cached_rows


# The score of a proposal: the mean of its reviews' scores weighted by its call's weight of
# each criterion (1 without a call); a criterion a reviewer abstained on counts in neither the
# numerator nor the denominator. NULL without a weighted score. An aggregate over review rows
# joined to their proposal's call (with_weights). Times 1.0 so that neither database divides
# whole numbers (a Decimal on PostgreSQL, a float on SQLite). Each proposal's is kept on its
# row (Proposal.review_score, by review_scores.py), which lists read and sort by.
def _weight(criterion: str) -> ColumnElement[int]:
    return func.coalesce(getattr(Call, f"weight_{criterion}"), 1)


_weighted_sum = sum(
    (func.coalesce(func.sum(_weight(c) * getattr(Review, c)), 0) for c in REVIEW_CRITERIA),
    literal(0),
)
_weights_scored = sum(
    (
        func.sum(case((getattr(Review, c).is_not(None), _weight(c)), else_=0))
        for c in REVIEW_CRITERIA
    ),
    literal(0),
)
_Columns = TypeVarTuple("_Columns")
REVIEW_AVERAGE = _weighted_sum * literal_column("1.0") / func.nullif(_weights_scored, 0)


def with_weights(query: Select[*_Columns]) -> Select[*_Columns]:
    """The query over reviews joined to their proposal's call, as REVIEW_AVERAGE reads it."""
    return query.join(Proposal, Proposal.id == Review.proposal_id).outerjoin(
        Call, Call.id == Proposal.call_id
    )


# The criteria on which a proposal's mean score is below its call's minimum, per proposal;
# once per generation (reviews are counted writes).
@cached
def criteria_below_minimum(proposal_ids: Sequence[int]) -> dict[int, list[str]]:
    """Per proposal (of those given, with reviews), the criteria whose mean score over the
    reviews that scored it is below the call's minimum; one statement."""
    if not proposal_ids:
        return {}
    below = [
        case((func.avg(getattr(Review, c)) < func.max(getattr(Call, f"minimum_{c}")), 1), else_=0)
        for c in REVIEW_CRITERIA
    ]
    rows = db.session.execute(
        with_weights(select(Review.proposal_id, *below))
        .where(Review.proposal_id.in_(proposal_ids))
        .group_by(Review.proposal_id)
    )
    return {
        proposal_id: [c for c, flag in zip(REVIEW_CRITERIA, flags, strict=True) if flag]
        for proposal_id, *flags in rows
    }


# Per proposal, correlated to its row: its score (REVIEW_AVERAGE over its reviews) and its
# number of reviews. review_scores keeps them on the row (Proposal.review_score and
# review_count), which the lists read and sort by.
live_score = (
    select(REVIEW_AVERAGE)
    .select_from(Review)
    .outerjoin(Call, Call.id == Proposal.call_id)
    .where(Review.proposal_id == Proposal.id)
    .correlate(Proposal)
    .scalar_subquery()
)
live_review_count = (
    select(func.count(Review.id))
    .where(Review.proposal_id == Proposal.id)
    .correlate(Proposal)
    .scalar_subquery()
)

# Each sort: ORDER BY terms of several column types (hence Any), the id last as tie-break.
SORTS: dict[str, tuple[UnaryExpression[Any], ...]] = {
    "submitted_at": (Proposal.submitted_at.asc(), Proposal.id.asc()),
    "-submitted_at": (Proposal.submitted_at.desc(), Proposal.id.desc()),
    "title": (Proposal.title.asc(), Proposal.id.asc()),
    "requested_budget": (Proposal.requested_budget.asc(), Proposal.id.asc()),
    "-requested_budget": (Proposal.requested_budget.desc(), Proposal.id.desc()),
    "score": (Proposal.review_score.asc().nulls_last(), Proposal.id.asc()),
    "-score": (Proposal.review_score.desc().nulls_last(), Proposal.id.asc()),
}
# Best match first: only with words to search for (search.hits gives the rank).
RELEVANCE = "relevance"
DEFAULT_SORT = "-submitted_at"


def default_sort(q: str | None) -> str:
    """Relevance when there are words to search for, else the newest first."""
    return RELEVANCE if search.parse(q) else DEFAULT_SORT


@dataclass
class ProposalFilter:
    status: list[str] = field(default_factory=list)
    proposer_type: str | None = None
    service_area: str | None = None
    call_id: int | None = None
    programme_id: int | None = None
    year: int | None = None
    # Full-text search (search.parse): every word, in any field, the secrets included (the
    # lists that filter with it show proposals to people who may read them).
    q: str | None = None
    sort: str = DEFAULT_SORT
    assigned_to: int | None = None  # only the proposals this reviewer is assigned to


# A row of a proposal list: the proposal, its review average and its number of reviews, as
# stored on the proposal (both None without reviews; the average is a Decimal on PostgreSQL,
# a float on SQLite).
ProposalRow = tuple[Proposal, Decimal | float | None, int | None]

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _filtered(
    base: Select[Proposal], f: ProposalFilter
) -> tuple[Select[Proposal], ColumnElement[Any] | None]:
    """The filtered query, and the search's rank of each proposal (None without words)."""
    query = base
    if f.status:
        query = query.where(Proposal.status.in_(f.status))
    if f.proposer_type:
        query = query.where(Proposal.proposer_type == f.proposer_type)
    if f.service_area:
        query = query.where(Proposal.service_area == f.service_area)
    if f.call_id:
        query = query.where(Proposal.call_id == f.call_id)
    if f.programme_id:
        query = query.where(Proposal.programme_id == f.programme_id)
    if f.year:
        query = query.where(extract("year", Proposal.submitted_at) == f.year)
    if f.assigned_to:
        query = query.where(
            exists().where(
                ReviewerAssignment.proposal_id == Proposal.id,
                ReviewerAssignment.reviewer_id == f.assigned_to,
            )
        )
    words = search.parse(f.q)
    if not words:
        return query, None
    found = search.hits(words, secrets=True)
    return query.join(found, found.c.proposal_id == Proposal.id), found.c.rank


def proposal_page(
    visible: Select[Proposal],
    f: ProposalFilter,
    page: int,
    per_page: int,
    sorts: Mapping[str, tuple[UnaryExpression[Any], ...]] = SORTS,
) -> Page[ProposalRow]:
    """One page of the visible proposals, filtered and sorted, each with its review average
    (as stored on the row: no statement over the reviews).

    Items are (proposal, average, reviews) rows; average and reviews are None without reviews.
    f.sort names one of sorts (a page may offer more than the API's), or RELEVANCE (which
    without words to search for is the newest first).
    """
    chosen = proposal_page_ids(visible, f, page, per_page, sorts)
    proposals = _in_order(visible, chosen.items)
    items = [(p, p.review_score, p.review_count or None) for p in proposals]
    return Page(items=items, page=page, per_page=per_page, total=chosen.total)


def proposal_page_ids(
    visible: Select[Proposal],
    f: ProposalFilter,
    page: int,
    per_page: int,
    sorts: Mapping[str, tuple[UnaryExpression[Any], ...]] = SORTS,
) -> Page[int]:
    """The ids of one page of the visible proposals, filtered and sorted as proposal_page
    says; chosen from every match once per write (a deep page costs what the first does)."""
    filtered, rank = _filtered(visible, f)
    total = cached_count(filtered)
    if f.sort == RELEVANCE and rank is not None:
        order: tuple[Any, ...] = (rank.desc(), Proposal.id.asc())  # the best match first
    else:
        order = sorts[DEFAULT_SORT if f.sort == RELEVANCE else f.sort]
    # Sorted and skipped over ids alone (small rows for the sorter).
    chosen = cached_rows(
        filtered.with_only_columns(Proposal.id)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(
        items=[proposal_id for (proposal_id,) in chosen], page=page, per_page=per_page, total=total
    )


def _in_order(visible: Select[Proposal], ids: list[int]) -> list[Proposal]:
    """The visible proposals of these ids (a page's, chosen by the filters), in that order."""
    found = db.session.scalars(
        visible.where(Proposal.id.in_(ids)).options(joinedload(Proposal.call))
    ).all()
    return in_order_of(ids, found, lambda proposal: proposal.id)


def in_order_of(ids: Sequence[int], found: Iterable[T], id_of: Callable[[T], int]) -> list[T]:
    """Rows loaded by id (a page chosen first), put back in the order of the chosen ids."""
    place = {row_id: n for n, row_id in enumerate(ids)}
    return sorted(found, key=lambda row: place[id_of(row)])
