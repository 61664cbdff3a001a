"""Read queries of the pilots' pages: the list of pilots with their figures, and one page of
an experiment's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import SQLColumnExpression, case, func, select
from sqlalchemy.orm import contains_eager

from . import search
from .extensions import db
from .lifecycle import EXPERIMENT_STATES, Status
from .models import Expense, Experiment, Participation, Proposal, User
from .queries import Page

T = TypeVar("T")


@dataclass(frozen=True)
class PilotRow:
    """A pilot in the list: its experiment (with proposal and owner), what it has spent, the
    date of its latest expense or participation record, and whether it is past its planned
    end while still running."""

    experiment: Experiment
    spent: Decimal
    last_record: date | None
    overdue: bool

    @property
    def over(self) -> bool:
        return self.spent > self.experiment.allocated_budget


_spent = (
    select(
        Expense.experiment_id.label("experiment_id"),
        func.sum(Expense.amount).label("amount"),
        func.max(Expense.date).label("last"),
    )
    .group_by(Expense.experiment_id)
    .subquery()
)
_took_part = (
    select(
        Participation.experiment_id.label("experiment_id"),
        func.max(Participation.date).label("last"),
    )
    .group_by(Participation.experiment_id)
    .subquery()
)
# The later of the two dates, either of which may be missing (SQLite has no GREATEST).
_last_record = func.coalesce(
    case((_spent.c.last >= _took_part.c.last, _spent.c.last), else_=_took_part.c.last),
    _spent.c.last,
    _took_part.c.last,
)
_spent_amount = func.coalesce(_spent.c.amount, 0)

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
    sort: str = DEFAULT_SORT, descending: bool = False, *, today: date, q: str | None = None
) -> list[PilotRow]:
    """Every experiment from pilot on, in one query with its spending and latest record;
    with q, those that the search finds (staff read the business secrets too)."""
    query = select(Experiment, _spent_amount, _last_record)
    column = PILOT_SORTS.get(sort, PILOT_SORTS[DEFAULT_SORT])
    words = search.parse(q)
    if words:
        found = search.hits(words, secrets=True)
        query = query.join(found, found.c.proposal_id == Experiment.proposal_id)
        if sort == RELEVANCE:
            column = found.c.rank
            descending = not descending
    order = column.desc() if descending else column.asc()
    rows = db.session.execute(
        query.join(Experiment.proposal)
        .join(Experiment.owner)
        .outerjoin(_spent, _spent.c.experiment_id == Experiment.id)
        .outerjoin(_took_part, _took_part.c.experiment_id == Experiment.id)
        .where(Proposal.status.in_(EXPERIMENT_STATES))
        .options(contains_eager(Experiment.proposal), contains_eager(Experiment.owner))
        .order_by(order.nulls_last(), Experiment.id)
    ).all()
    return [
        PilotRow(
            experiment,
            Decimal(spent or 0).quantize(Decimal("0.01")),
            _as_date(last),
            experiment.proposal.status == Status.PILOT and experiment.planned_end_date < today,
        )
        for experiment, spent, last in rows
    ]


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
