"""Read queries of the pilots' pages: the list of pilots with their figures, and one page of
an experiment's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import SQLColumnExpression, case, func, select

from . import search
from .extensions import db
from .lifecycle import Status
from .models import Expense, Experiment, Participation, Proposal, User
from .queries import Page, in_order_of
from .statistics_cache import cached_count, cached_rows, read_rows

T = TypeVar("T")


@dataclass(frozen=True)
class PilotRow:
    """A pilot in the list, as plain values (read once per generation): its experiment's
    title and owner, what it has spent of its allocation, the date of its latest expense or
    participation record, and whether it is past its planned end while still running."""

    experiment_id: int
    title: str | None
    language: str
    status: Status
    owner_name: str
    owner_deleted: bool  # shown as "Deleted user" in the reader's language
    planned_end: date
    allocated: Decimal
    spent: Decimal
    last_record: date | None
    overdue: bool

    @property
    def over(self) -> bool:
        return self.spent > self.allocated


# Per experiment, looked up by the records' experiment_id index: a page of pilots costs
# what its rows cost, not a pass over every record of every pilot.
_spent_amount = func.coalesce(
    select(func.sum(Expense.amount))
    .where(Expense.experiment_id == Experiment.id)
    .correlate(Experiment)
    .scalar_subquery(),
    0,
)
_last_expense = (
    select(func.max(Expense.date))
    .where(Expense.experiment_id == Experiment.id)
    .correlate(Experiment)
    .scalar_subquery()
)
_last_participation = (
    select(func.max(Participation.date))
    .where(Participation.experiment_id == Experiment.id)
    .correlate(Experiment)
    .scalar_subquery()
)
# The later of the two dates, either of which may be missing (SQLite has no GREATEST).
_last_record = func.coalesce(
    case((_last_expense >= _last_participation, _last_expense), else_=_last_participation),
    _last_expense,
    _last_participation,
)

# Each sort: the column a person sorts by (ascending), with a tie-break after it.
PILOT_SORTS: dict[str, SQLColumnExpression[Any]] = {
    "title": func.lower(Proposal.title),
    "owner": func.lower(User.name),
    "planned_end": Experiment.planned_end_date,
    "spent": _spent_amount,
    "last_record": _last_record,
}
DEFAULT_SORT = "planned_end"
RELEVANCE = "relevance"  # with words to search for: the best match first


def pilot_rows(
    states: Sequence[Status],
    page: int,
    per_page: int,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    *,
    today: date,
    q: str | None = None,
) -> Page[PilotRow]:
    """One page of the experiments in these states, each with its spending and latest
    record; with q, those that the search finds (staff read the business secrets too)."""
    query = (
        select(Experiment)
        .join(Experiment.proposal)
        .join(Experiment.owner)
        .where(Proposal.status.in_(states))
    )
    column = PILOT_SORTS.get(sort, PILOT_SORTS[DEFAULT_SORT])
    words = search.parse(q)
    if words:
        found = search.hits(words, secrets=True)
        query = query.join(found, found.c.proposal_id == Experiment.proposal_id)
        if sort == RELEVANCE:
            column = found.c.rank
            descending = not descending
    total = cached_count(query)
    page = _within(page, total, per_page)
    # The page's experiments first (ids only, chosen from every match once per write),
    # then their figures: spending and records are looked up for the rows shown only.
    # By owner, the order follows accounts, which are written without replacing the token.
    read = cached_rows if sort != "owner" else read_rows
    chosen = [
        experiment_id
        for (experiment_id,) in read(
            query.with_only_columns(Experiment.id)
            .order_by((column.desc() if descending else column.asc()).nulls_last(), Experiment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    ]
    rows = in_order_of(
        chosen,
        read(
            select(
                Experiment.id,
                Proposal.title,
                Proposal.language,
                Proposal.status,
                User.name,
                User.deleted_at.is_not(None),
                Experiment.planned_end_date,
                Experiment.allocated_budget,
                _spent_amount,
                _last_record,
            )
            .where(Experiment.id.in_(chosen))
            .join(Experiment.proposal)
            .join(Experiment.owner)
        ),
        lambda row: int(row[0]),
    )
    items = [
        PilotRow(
            experiment_id=experiment_id,
            title=title,
            language=language,
            status=status,
            owner_name=owner_name,
            owner_deleted=bool(deleted),
            planned_end=planned_end,
            allocated=allocated,
            spent=Decimal(spent or 0).quantize(Decimal("0.01")),
            last_record=_as_date(last),
            overdue=status == Status.PILOT and planned_end < today,
        )
        for (
            experiment_id,
            title,
            language,
            status,
            owner_name,
            deleted,
            planned_end,
            allocated,
            spent,
            last,
        ) in rows
    ]
    return Page(items=items, page=page, per_page=per_page, total=total)


def _as_date(value: object) -> date | None:
    """A date from the aggregate (SQLite answers an expression's date as ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def record_page(
    model: type[Expense] | type[Participation], experiment: Experiment, page: int, per_page: int
) -> Page[Any]:
    """One page of the experiment's expenses or participation records, newest first."""
    where = model.experiment_id == experiment.id
    total = db.session.scalar(select(func.count()).select_from(model).where(where)) or 0
    page = _within(page, total, per_page)
    items = db.session.scalars(
        select(model)
        .where(where)
        .order_by(model.date.desc(), model.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def list_page(items: Sequence[T], page: int, per_page: int) -> Page[tuple[int, T]]:
    """One page of a list already loaded, each item with its number in the whole list."""
    page = _within(page, len(items), per_page)
    start = (page - 1) * per_page
    numbered = list(enumerate(items, start=1))[start : start + per_page]
    return Page(items=numbered, page=page, per_page=per_page, total=len(items))


def _within(page: int, total: int, per_page: int) -> int:
    """The page number, at most the last page."""
    return min(max(page, 1), max(1, -(-total // per_page)))
