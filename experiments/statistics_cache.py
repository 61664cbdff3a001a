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
from collections import OrderedDict
from functools import wraps

from sqlalchemy import Select, event, func, inspect, select, update
from sqlalchemy.orm import Session

from .extensions import db
from .models.statistics_generation import StatisticsGeneration, new_token

_TABLE = StatisticsGeneration.__table__
_HAS_TABLE = "statistics_generation_table"
_OWN_WRITES = "statistics_own_writes"
SIZE = 256


def replace_token() -> None:
    """Write a new token in the session's transaction: every cached figure is then stale."""
    connection = db.session.connection()
    if _HAS_TABLE not in connection.info:  # a database migrated up to before this table
        connection.info[_HAS_TABLE] = inspect(connection).has_table(_TABLE.name)
    if connection.info[_HAS_TABLE]:
        db.session.execute(update(_TABLE).where(_TABLE.c.id == 1).values(token=new_token()))


# A transaction that has written (flushed ORM changes, or DML through the session) reads
# its own uncommitted data: such reads bypass the cache (they must neither be served from
# it nor fill it).
@event.listens_for(Session, "after_flush")
def _note_flush(session, flush_context):
    session.info[_OWN_WRITES] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_OWN_WRITES] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_writes(session):
    session.info.pop(_OWN_WRITES, None)


def current_token() -> int | None:
    return db.session.scalar(select(_TABLE.c.token).where(_TABLE.c.id == 1))


def _writing() -> bool:
    """This transaction has changes of its own (pending or flushed, not yet committed)."""
    session = db.session
    return bool(session.new or session.dirty or session.deleted or session.info.get(_OWN_WRITES))


_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()
_MISS = object()


def _through_cache(key: tuple, compute):
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
    return copy.deepcopy(result)


def cached(function):
    """Cache a read-only function of the database by token and arguments."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        key = (function.__module__, function.__qualname__, repr(args), repr(sorted(kwargs.items())))
        return _through_cache(key, lambda: function(*args, **kwargs))

    wrapper.uncached = function
    return wrapper


def cached_count(statement: Select) -> int:
    """The number of rows of a select, counted once per token (pagination counts the world
    once per write, not on every page view)."""
    counting = select(func.count()).select_from(statement.order_by(None).subquery())
    # SQLAlchemy's own cache key of the statement (its shape) and the values bound to it:
    # a tenth of the cost of compiling it to SQL.
    cache_key = counting._generate_cache_key()
    if cache_key is None:  # a statement SQLAlchemy cannot cache: key by its SQL instead
        compiled = counting.compile(dialect=db.engine.dialect)
        key = ("count", str(compiled), repr(sorted(compiled.params.items())))
    else:
        key = (
            "count",
            cache_key.key,
            repr([bind.effective_value for bind in cache_key.bindparams]),
        )
    return _through_cache(key, lambda: db.session.scalar(counting))
