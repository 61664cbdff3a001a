"""Bulk writing for the demo: compiled Core INSERTs straight to the driver's executemany.

Millions of rows at scale: values are converted as the column types would convert them,
and new ids are reserved first, so that children can point at their parents.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from enum import Enum
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy import func, insert, select

from ..models import Organisation
from ..models.types import UTCDateTime

BATCH = 50_000


class BulkWriter:
    """Inserts rows on one connection, the transaction of the session it came from."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        if self.sqlite:
            # Room for the indexes that a scale run grows (the default cache is 2 MB).
            connection.exec_driver_sql("PRAGMA cache_size = -262144")

    def insert(
        self,
        model_or_table,
        rows: list[dict] | None = None,
        *,
        columns: dict[str, list] | None = None,
        returning: bool = False,
    ) -> list[int]:
        """Insert rows (dicts alike) or columns (key → values); with returning, the new ids."""
        table = getattr(model_or_table, "__table__", model_or_table)
        if columns is None:
            if not rows:
                return []
            columns = {key: [row[key] for row in rows] for key in rows[0]}
        count = len(next(iter(columns.values())))
        if not count:
            return []
        ids = []
        if returning:
            ids = self._reserve_ids(table, count)
            columns = {"id": ids, **columns}
        compiled = insert(table).compile(dialect=self.connection.dialect, column_keys=list(columns))
        params = self._parameters(compiled, table, columns, count)
        for start in range(0, count, BATCH):
            self.connection.exec_driver_sql(str(compiled), params[start : start + BATCH])
        return ids

    def _parameters(self, compiled, table, columns: dict[str, list], count: int) -> list:
        """The driver's parameters for each row, in the compiled statement's order."""
        keys = compiled.positiontup if compiled.positional else list(compiled.params)
        values = []
        for key in keys:
            convert = _converter(table.c[key].type, self.sqlite)
            if key not in columns:  # a column given by its default
                value = _default(table.c[key])
                values.append([convert(value) if convert else value] * count)
            else:
                values.append([convert(v) for v in columns[key]] if convert else columns[key])
        params = list(zip(*values, strict=True))
        if not compiled.positional:
            params = [dict(zip(keys, row, strict=True)) for row in params]
        return params

    def _reserve_ids(self, table, n: int) -> list[int]:
        """n new primary keys of the table that no concurrent insert can take."""
        if self.connection.dialect.name == "postgresql":
            return list(
                self.connection.execute(
                    select(func.nextval(func.pg_get_serial_sequence(table.name, "id"))).select_from(
                        func.generate_series(1, n)
                    )
                ).scalars()
            )
        # SQLite: this transaction has written already, so it holds the database's write
        # lock; nobody else inserts until it commits.
        first = self.connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
        return list(range(first + 1, first + 1 + n))

    def organisations(self, rows: list[dict]) -> list[int]:
        """Ids of the organisations, reusing any that exist with the same business ID."""
        wanted = [row["business_id"] for row in rows if row["business_id"]]
        existing = (
            dict(
                self.connection.execute(
                    select(Organisation.business_id, Organisation.id).where(
                        Organisation.business_id.in_(wanted)
                    )
                ).all()
            )
            if wanted
            else {}
        )
        new = [row for row in rows if row["business_id"] not in existing or not row["business_id"]]
        new_ids = iter(self.insert(Organisation, new, returning=True))
        return [
            existing[row["business_id"]] if row["business_id"] in existing else next(new_ids)
            for row in rows
        ]


def child_columns(parents: list[tuple], key: str, names: tuple[str, ...], items_of) -> dict:
    """Columns of child rows: the parent's id under key, then each item's fields by name."""
    columns: dict[str, list] = {key: [], **{name: [] for name in names}}
    parent_ids = columns[key]
    fields = [columns[name] for name in names]
    for parent_id, parent in parents:
        items = items_of(parent)
        if items:
            parent_ids.extend([parent_id] * len(items))
            for column, values in zip(fields, zip(*items, strict=True), strict=True):
                column.extend(values)
    return columns


def _default(column):
    """The value a column's Python-side default gives (None without one)."""
    default = column.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def _converter(column_type, sqlite: bool):
    """How the column's type would send its values to the driver (None: as they are)."""
    # Code lists as their codes; in SQLite dates as text, UTC times naive.
    if isinstance(column_type, sa.Enum):
        return _code
    if not sqlite:
        return None
    if isinstance(column_type, UTCDateTime):
        return _sqlite_timestamp
    if isinstance(column_type, sa.Date):
        return _sqlite_date
    if isinstance(column_type, sa.Numeric) and not isinstance(column_type, sa.Float):
        return _sqlite_number
    if isinstance(column_type, sa.Boolean):
        return _sqlite_bool
    return None


def _code(value):
    return value.value if isinstance(value, Enum) else value


@lru_cache(maxsize=1 << 16)  # the same dates and times recur by the thousand
def _sqlite_timestamp(value):
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@lru_cache(maxsize=1 << 14)
def _sqlite_date(value):
    return None if value is None else value.isoformat()


def _sqlite_number(value):
    """A Decimal as its exact text; SQLite's NUMERIC affinity stores it as a number."""
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise TypeError(f"money is a Decimal, not {type(value).__name__}")
    return format(value, "f")


def _sqlite_bool(value):
    return None if value is None else int(value)
