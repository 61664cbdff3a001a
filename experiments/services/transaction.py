"""One unit of work per use case: it commits once, or rolls everything back and re-raises."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar, overload

from ..extensions import db
from ..statistics_cache import replace_token

P = ParamSpec("P")
T = TypeVar("T")
_DEPTH = "unit_of_work_depth"
_COUNTED = "unit_of_work_counted"
# Set by the mail outbox when the unit of work stored a message to send.
MAIL_QUEUED = "unit_of_work_mail_queued"


@contextmanager
def unit_of_work(*, counted: bool = True) -> Iterator[None]:
    """Commit what the block did; on any exception (a refusal too) roll back and re-raise.

    counted: the work may change what the statistics count, so the statistics generation is
    replaced in the same commit and no worker serves a cached figure from before it. Only
    work that writes nothing but accounts and tokens passes False.
    A unit of work inside another (a service calling a service) joins the outer one.
    Mail it stored is delivered after the commit where the configuration says so
    (development and tests), else by `flask mail deliver`.
    """
    session = db.session
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    if counted:
        session.info[_COUNTED] = True
    mail_committed = False
    try:
        yield
        if depth == 0:
            if session.info.get(_COUNTED):
                replace_token()
            session.commit()
            mail_committed = bool(session.info.get(MAIL_QUEUED))
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth
        if depth == 0:
            session.info.pop(_COUNTED, None)
            session.info.pop(MAIL_QUEUED, None)
    if mail_committed:
        from .mail_outbox import deliver_after_commit  # the outbox builds on this module

        deliver_after_commit()


@overload
def transactional(function: Callable[P, T], *, counted: bool = True) -> Callable[P, T]: ...


@overload
def transactional(
    function: None = None, *, counted: bool = True
) -> Callable[[Callable[P, T]], Callable[P, T]]: ...


def transactional(
    function: Callable[P, T] | None = None, *, counted: bool = True
) -> Callable[P, T] | Callable[[Callable[P, T]], Callable[P, T]]:
    """The service function as one unit of work (see unit_of_work)."""

    def wrap(service: Callable[P, T]) -> Callable[P, T]:
        @wraps(service)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            with unit_of_work(counted=counted):
                return service(*args, **kwargs)

        return run

    return wrap(function) if function is not None else wrap
