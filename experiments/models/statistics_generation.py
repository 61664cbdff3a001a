"""The statistics generation: one row whose token changes with every commit that writes data."""

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class StatisticsGeneration(Model):
    """A random token, replaced in the same transaction as any write that statistics count.

    Cached statistics are kept per token (experiments/statistics_cache.py), so a cached
    figure is never served once the data under it has changed.
    """

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(sa.BigInteger)


def new_token() -> int:
    """Random, so that no two databases or rolled-back writes ever share a token."""
    return secrets.randbits(62)


@sa.event.listens_for(StatisticsGeneration.__table__, "after_create")
def _first_row(table: sa.Table, connection: sa.Connection, **kw: object) -> None:
    """The one row exists wherever the table does (the migration inserts it too)."""
    connection.execute(table.insert().values(id=1, token=new_token()))
