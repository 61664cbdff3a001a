"""Read results cached per data generation: never a stale figure after a write.

Every commit that writes to a table the statistics may read replaces the token in
statistics_generation, in the same transaction. The writes are noticed on the engine (ORM
flushes, Core and driver-level statements alike), so no service has to remember it.
Results (programme statistics, counts for pagination) are cached in each process by
(token, arguments); the token is read before computing, so a request that starts after a
commit sees the new token and recomputes, and a process never needs another's cache
(several workers and hosts stay correct). Only reads that do not depend on the UNCOUNTED
tables may be cached.
"""

from __future__ import annotations

import copy
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from sqlalchemy import Connection, Select, Table, event, func, inspect, select, update
from sqlalchemy.engine import Engine, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.pool import ConnectionPoolEntry, Pool, PoolResetState

from .extensions import db
from .models.statistics_generation import StatisticsGeneration, new_token

# Declarative types __table__ as any FROM clause; a mapped class's own is a Table.
_TABLE = cast(Table, StatisticsGeneration.__table__)
# Writes to these tables never change a statistic; any other table's writes (today's or a
# future one's) replace the token: a needless recomputation is cheap, a stale figure is not.
UNCOUNTED = frozenset({_TABLE.name, "user", "api_token", "alembic_version"})
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE
)
_DIRTY = "statistics_dirty"
_HAS_TABLE = "statistics_generation_table"
SIZE = 256


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(
    conn: Connection,
    cursor: DBAPICursor,
    statement: str,
    parameters: object,
    context: ExecutionContext | None,
    executemany: bool,
) -> None:
    match = _WRITE.match(statement)
    if match and match.group(1).lower() not in UNCOUNTED:
        conn.info[_DIRTY] = True


@event.listens_for(Engine, "commit")
def _replace_token(conn: Connection) -> None:
    """The last statement of a transaction that wrote: a new token, committed with the data."""
    if not conn.info.pop(_DIRTY, False):
        return
    if _HAS_TABLE not in conn.info:  # a database migrated up to before this table
        conn.info[_HAS_TABLE] = inspect(conn).has_table(_TABLE.name)
    if conn.info[_HAS_TABLE]:
        conn.execute(update(_TABLE).where(_TABLE.c.id == 1).values(token=new_token()))


@event.listens_for(Engine, "rollback")
def _forget_write(conn: Connection) -> None:
    conn.info.pop(_DIRTY, None)


@event.listens_for(Pool, "reset")
def _forget_write_on_reset(
    dbapi_connection: DBAPIConnection,
    connection_record: ConnectionPoolEntry,
    reset_state: PoolResetState,
) -> None:
    connection_record.info.pop(_DIRTY, None)


def current_token() -> int | None:
    return db.session.scalar(select(_TABLE.c.token).where(_TABLE.c.id == 1))


def _writing() -> bool:
    """This transaction has changes of its own (pending or flushed, not yet committed)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return True
    return bool(session.connection().info.get(_DIRTY))


P = ParamSpec("P")
R = TypeVar("R")

# (database, token, what was computed and with which arguments) → its result.
_cache: OrderedDict[tuple[object, ...], object] = OrderedDict()
_lock = threading.Lock()
_MISS = object()


def _through_cache(key: tuple[object, ...], compute: Callable[[], R]) -> R:
    """compute() once per token and key in this process; callers get their own copy."""
    if _writing():
        return compute()
    token = current_token()
    if token is None:  # no generation row (a truncated test database): never cache
        return compute()
    key = (str(db.engine.url), token, *key)
    with _lock:
        result = _cache.get(key, _MISS)
        if result is not _MISS:
            _cache.move_to_end(key)
    if result is _MISS:
        result = compute()
        with _lock:
            _cache[key] = result
            while len(_cache) > SIZE:
                _cache.popitem(last=False)
    # The key names what was computed, so a value found under it is what compute returns.
    return cast(R, copy.deepcopy(result))


class Cached(Protocol[P, R]):
    """A function cached by cached(); uncached is the function itself."""

    uncached: Callable[P, R]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...


def cached(function: Callable[P, R]) -> Cached[P, R]:
    """Cache a read-only function of the database by token and arguments."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (function.__module__, function.__qualname__, repr(args), repr(sorted(kwargs.items())))
        return _through_cache(key, lambda: function(*args, **kwargs))

    # A function object with one attribute more: what the Protocol describes.
    cached_function = cast(Cached[P, R], wrapper)
    cached_function.uncached = function
    return cached_function


# Any: a count does not depend on the types of the columns selected.
def cached_count(statement: Select[*tuple[Any, ...]]) -> int:
    """The number of rows of a select, counted once per token (pagination counts the world
    once per write, not on every page view)."""
    counting = select(func.count()).select_from(statement.order_by(None).subquery())
    # SQLAlchemy's own cache key of the statement (its shape) and the values bound to it:
    # a tenth of the cost of compiling it to SQL.
    cache_key = counting._generate_cache_key()
    key: tuple[object, ...]
    if cache_key is None:  # a statement SQLAlchemy cannot cache: key by its SQL instead
        compiled = counting.compile(dialect=db.engine.dialect)
        key = ("count", str(compiled), repr(sorted(compiled.params.items())))
    else:
        key = (
            "count",
            cache_key.key,
            repr([bind.effective_value for bind in cache_key.bindparams]),
        )
    # A count has exactly one row.
    return _through_cache(key, lambda: db.session.execute(counting).scalar_one())
