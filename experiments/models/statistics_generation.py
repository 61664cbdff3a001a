"""The statistics generation: one row whose token changes with every commit that writes data."""

import secrets
import time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class StatisticsGeneration(Model):
    """A random token, replaced in the same transaction as any write that statistics count.

    Cached statistics and public pages are kept per token (experiments/statistics_cache.py,
    experiments/page_cache.py), so a cached figure or page is never served once the data
    under it has changed.
    """

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(sa.BigInteger)
    # When the token was replaced, in Unix seconds: the public pages' Last-Modified. Each
    # generation's is at least a second after the one before, so that HTTP's whole-second
    # dates tell any two generations apart (If-Modified-Since is never answered from an
    # older one).
    changed_at: Mapped[int] = mapped_column(sa.BigInteger)


def new_token() -> int:
    """Random, so that no two databases or rolled-back writes ever share a token."""
    return secrets.randbits(62)


def first_generation() -> dict[str, int]:
    """The values of the one row of a new database."""
    return {"id": 1, "token": new_token(), "changed_at": int(time.time())}


@sa.event.listens_for(StatisticsGeneration.__table__, "after_create")
def _first_row(table: sa.Table, connection: sa.Connection, **kw: object) -> None:
    """The one row exists wherever the table does (the migration inserts it too)."""
    connection.execute(table.insert().values(**first_generation()))
