"""SQL expressions the aggregates share, some of which differ between SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Integer, and_, case, cast, exists, extract, func, select

from ..extensions import db
from ..lifecycle import Status
from ..models import Proposal, StatusChange

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def year_of_timestamp(column):
    """The UTC calendar year of a stored timestamp, as an integer."""
    if _dialect() == "postgresql":
        return cast(extract("year", func.timezone("UTC", column)), Integer)
    return cast(extract("year", column), Integer)


def year_of_date(column):
    return cast(extract("year", column), Integer)


def days_between(later, earlier, *, dates: bool = False):
    """Days from earlier to later (fractional for timestamps)."""
    if _dialect() == "postgresql":
        if dates:
            return later - earlier
        return extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def median(values):
    """The median of a one-column select (column `days`), by row numbers; NULL if empty."""
    rows = values.subquery()
    ranked = select(
        rows.c.days,
        func.row_number().over(order_by=rows.c.days).label("rn"),
        func.count().over().label("n"),
    ).subquery()
    # The middle row for an odd count, the two middle rows for an even one.
    middle = and_(2 * ranked.c.rn >= ranked.c.n, 2 * ranked.c.rn <= ranked.c.n + 2)
    return select(func.avg(ranked.c.days)).where(middle).scalar_subquery()


def count_if(condition):
    return func.count(case((condition, 1)))


def reached(status: Status):
    """The proposal's history shows a move into this state."""
    return exists().where(StatusChange.proposal_id == Proposal.id, StatusChange.to_status == status)


def money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT)


def days(value) -> float | None:
    return None if value is None else round(float(value), 1)
