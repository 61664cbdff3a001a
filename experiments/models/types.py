"""Column types shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; store times in UTC")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def code_enum(vocabulary: type[StrEnum], name: str) -> sa.Enum:
    """A code list stored as its string codes, checked by the database."""
    return sa.Enum(
        vocabulary,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda enum: [member.value for member in enum],
        validate_strings=True,
    )


Money = sa.Numeric(12, 2, asdecimal=True)
# A computed average kept as the database computes it: numeric on PostgreSQL (read as a
# Decimal), a double on SQLite (read as a float), so the stored value and the live aggregate
# are equal and sort alike.
Score = sa.Float().with_variant(sa.Numeric(), "postgresql")
