"""Read results cached per data generation: never a stale figure after a write.

Every unit of work that may change a figure replaces the token in statistics_generation,
in the same transaction, as it commits (services.transaction.unit_of_work; the bulk demo
loader calls replace_token itself). Results (programme statistics, counts for pagination)
are cached in each process by (token, arguments); the token is read before computing, so a
request that starts after a commit sees the new token and recomputes, and a process never
needs another's cache (several workers and hosts stay correct). Only reads of what counted
work writes may be cached: not of accounts or tokens, which are written uncounted.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from sqlalchemy import Connection, Select, Table, case, event, func, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from .extensions import db
from .models.statistics_generation import StatisticsGeneration, new_token

# Declarative types __table__ as any FROM clause; a mapped class's own is a Table.
_TABLE = cast(Table, StatisticsGeneration.__table__)
_COLUMNS = "statistics_generation_columns"
_OWN_WRITES = "statistics_own_writes"
_TOKEN_READ = "statistics_token_read"
SIZE = 256


def replace_token() -> None:
    """Write a new token in the session's transaction: every cached figure is then stale.

    Its time is now, or a second after the previous generation's if that is not earlier
    (two writes in one second, or a clock behind another server's).
    """
    connection = db.session.connection()
    if _COLUMNS not in connection.info:  # a database migrated up to before the table or column
        connection.info[_COLUMNS] = _columns(connection)
    columns = connection.info[_COLUMNS]
    if not columns:
        return
    values: dict[str, object] = {"token": new_token()}
    if "changed_at" in columns:
        now, before = int(time.time()), _TABLE.c.changed_at
        values["changed_at"] = case((before >= now, before + 1), else_=now)
    db.session.execute(update(_TABLE).where(_TABLE.c.id == 1).values(values))


def _columns(connection: Connection) -> frozenset[str]:
    """The generation table's columns (none: no table yet) in the migrated database."""
    inspector = inspect(connection)
    if not inspector.has_table(_TABLE.name):
        return frozenset()
    return frozenset(column["name"] for column in inspector.get_columns(_TABLE.name))


# A transaction that has written (flushed ORM changes, or DML through the session) reads
# its own uncommitted data: such reads bypass the cache (they must neither be served from
# it nor fill it).
@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush_context: UOWTransaction) -> None:
    session.info[_OWN_WRITES] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_OWN_WRITES] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writes(session: Session) -> None:
    session.info.pop(_OWN_WRITES, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_token(session: Session, transaction: object) -> None:
    session.info.pop(_TOKEN_READ, None)


_TOKEN = select(_TABLE.c.token).where(_TABLE.c.id == 1)


def current_token() -> int | None:
    """The generation's token, read once per transaction (a page with several cached lists
    reads it once; a transaction sees one generation, as it sees one state of the data)."""
    info = db.session.info
    if _TOKEN_READ not in info:
        info[_TOKEN_READ] = db.session.connection().execute(_TOKEN).scalar()
    return cast("int | None", info[_TOKEN_READ])


_GENERATION = select(_TABLE.c.token, _TABLE.c.changed_at).where(_TABLE.c.id == 1)


def current_generation() -> tuple[int, int] | None:
    """The token and when it was replaced (Unix seconds); None without the row.

    Read on the session's connection (its transaction, which the page's reads share), without
    the ORM: it is all a kept public page costs (page_cache.py).
    """
    row = db.session.connection().execute(_GENERATION).first()
    return None if row is None else (row.token, row.changed_at)


def _writing() -> bool:
    """This transaction has changes of its own (pending or flushed, not yet committed)."""
    session = db.session
    return bool(session.new or session.dirty or session.deleted or session.info.get(_OWN_WRITES))


P = ParamSpec("P")
R = TypeVar("R")

_MISS = object()


class Kept:
    """The most recently used results by key, up to a number of them, in this process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._results: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> object:
        """The result kept under key, or _MISS."""
        with self._lock:
            result = self._results.get(key, _MISS)
            if result is not _MISS:
                self._results.move_to_end(key)
            return result

    def put(self, key: tuple[object, ...], result: object) -> None:
        with self._lock:
            self._results[key] = result
            while len(self._results) > self.size:
                self._results.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._results.clear()


# (database, token, what was computed and with which arguments) → its result.
_results = Kept(SIZE)


def _generation() -> tuple[str, int] | None:
    """The database and token that this transaction's reads are kept under; None when they
    must not be kept: the transaction has written, or there is no generation row (a
    truncated test database)."""
    if _writing():
        return None
    token = current_token()
    return None if token is None else (str(db.engine.url), token)


def through_cache(
    key: tuple[object, ...],
    compute: Callable[[], R],
    *,
    kept: Kept = _results,
    immutable: bool = False,
) -> R:
    """compute() once per token and key in this process.

    Callers get their own copy, unless the result is immutable (a string, a tuple of
    numbers): then the one kept is shared.
    """
    generation = _generation()
    if generation is None:
        return compute()
    key = (*generation, *key)
    result = kept.get(key)
    if result is _MISS:
        result = compute()
        kept.put(key, result)
    # The key names what was computed, so a value found under it is what compute returns.
    return cast(R, result if immutable else copy.deepcopy(result))


def kept_each(
    kind: tuple[object, ...],
    ids: Sequence[int],
    compute: Callable[[Sequence[int]], Mapping[int, R]],
    *,
    kept: Kept,
) -> list[R]:
    """Per id, in order, compute's result kept per token in this process: those not kept are
    computed together (one load for a page's misses). Results are shared, never changed."""
    generation = _generation()
    if generation is None:
        found = compute(ids)
        return [found[item] for item in ids]
    place = (*generation, *kind)
    results = {item: kept.get((*place, item)) for item in ids}
    missing = [item for item, result in results.items() if result is _MISS]
    if missing:
        for item, result in compute(missing).items():
            kept.put((*place, item), result)
            results[item] = result
    return [cast(R, results[item]) for item in ids]


class Cached(Protocol[P, R]):
    """A function cached by cached(); uncached is the function itself."""

    uncached: Callable[P, R]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...


def cached(function: Callable[P, R]) -> Cached[P, R]:
    """Cache a read-only function of the database by token and arguments."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key = (function.__module__, function.__qualname__, repr(args), repr(sorted(kwargs.items())))
        return through_cache(key, lambda: function(*args, **kwargs))

    # A function object with one attribute more: what the Protocol describes.
    cached_function = cast(Cached[P, R], wrapper)
    cached_function.uncached = function
    return cached_function


def _statement_key(kind: str, statement: Select[*tuple[Any, ...]]) -> tuple[object, ...]:
    """A statement's shape and the values bound to it (SQLAlchemy's own cache key: a tenth
    of the cost of compiling it to SQL)."""
    cache_key = statement._generate_cache_key()
    if cache_key is None:  # a statement SQLAlchemy cannot cache: key by its SQL instead
        compiled = statement.compile(dialect=db.engine.dialect)
        return (kind, str(compiled), repr(sorted(compiled.params.items())))
    return (kind, cache_key.key, repr([bind.effective_value for bind in cache_key.bindparams]))


# Any: a count does not depend on the types of the columns selected.
def cached_count(statement: Select[*tuple[Any, ...]]) -> int:
    """The number of rows of a select, counted once per token (pagination counts the world
    once per write, not on every page view)."""
    counting = select(func.count()).select_from(statement.order_by(None).subquery())
    # A count has exactly one row.
    return through_cache(
        _statement_key("count", counting), lambda: db.session.execute(counting).scalar_one()
    )


def read_rows(statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a select of plain values, as tuples (what cached_rows keeps)."""
    return [tuple(row) for row in db.session.execute(statement)]


def cached_rows(statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a select of plain values (a page's ids and sort keys, not ORM objects),
    read once per token: a list's page is chosen from every match once per write."""
    return through_cache(_statement_key("rows", statement), lambda: read_rows(statement))
