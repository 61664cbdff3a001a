"""Allocating a programme year's budget without ever over-allocating it."""

from decimal import Decimal
from typing import cast

from blinker import Namespace
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, update
from sqlalchemy.exc import OperationalError
from werkzeug.local import LocalProxy

from ..errors import Conflict, FieldConflict
from ..extensions import db
from ..i18n import money
from ..models import Programme, ProgrammeYear
from ..statistics import BudgetYear, year_budget

_signals = Namespace()
# Sent by allocate, the app as sender, once the year is locked and the amount found to fit,
# before the caller writes and commits: the race tests hold the transaction open here.
allocation_checked = _signals.signal("allocation-checked")


def allocate(programme: Programme, year: int, amount: Decimal) -> None:
    """Take the year's lock, then check that amount fits what remains; raises FieldConflict.

    The UPDATE takes a row lock on PostgreSQL and the write lock on SQLite, so a
    second allocation for the same year waits until the first commits, then sees it.
    The counter it bumps is the lock, not data: the audit trail leaves it out (audit.LOCKS);
    the allocation itself is recorded where the caller writes it.
    Called inside the caller's unit of work, which commits or rolls back what this opens.
    """
    try:
        # Session.execute is typed Result for any statement; an UPDATE's is a CursorResult
        # (no rows, a row count).
        locking = cast(
            CursorResult[()],
            db.session.execute(
                update(ProgrammeYear)
                .where(ProgrammeYear.programme_id == programme.id, ProgrammeYear.year == year)
                .values(allocation_serial=ProgrammeYear.allocation_serial + 1)
                .execution_options(synchronize_session=False)
            ),
        )
        summary = year_budget(programme.id, year) if locking.rowcount else None
    except OperationalError as error:
        # SQLite gave up waiting for the lock ("database is locked"), or PostgreSQL under
        # a stricter isolation refused a concurrent update: refuse cleanly (the caller's unit
        # of work rolls back).
        raise Conflict(
            _("Someone else is allocating this year's budget right now. Please try again.")
        ) from error
    refusal = _shortfall(summary, year, amount)
    if refusal:
        raise FieldConflict(refusal)
    # current_app is typed as the app it stands for, but is its proxy: the signal's sender
    # is the app itself.
    app = cast(LocalProxy[Flask], current_app)._get_current_object()
    allocation_checked.send(app, programme_id=programme.id, year=year, amount=amount)


def lock_years(programme: Programme) -> None:
    """Take the lock of every year of the programme at once, as allocate takes one year's:
    for work that allocates several pilots and must see no other allocation meanwhile."""
    try:
        db.session.execute(
            update(ProgrammeYear)
            .where(ProgrammeYear.programme_id == programme.id)
            .values(allocation_serial=ProgrammeYear.allocation_serial + 1)
            .execution_options(synchronize_session=False)
        )
    except OperationalError as error:
        raise Conflict(
            _("Someone else is allocating this year's budget right now. Please try again.")
        ) from error


def shortfall(programme: Programme, year: int, amount: Decimal) -> dict[str, list[str]]:
    """Why the amount does not fit the year's remaining budget (field → messages), or {}.

    Read without the lock, to say it together with the other fields' messages before anyone
    confirms; allocate checks again under the lock.
    """
    return _shortfall(year_budget(programme.id, year), year, amount)


def _shortfall(summary: BudgetYear | None, year: int, amount: Decimal) -> dict[str, list[str]]:
    if summary is None:
        return {"start_date": [_("The programme has no budget for %(year)d.", year=year)]}
    if amount > summary.remaining:
        return {
            "allocated_budget": [
                _(
                    "Only %(remaining)s of the %(year)d budget remains.",
                    remaining=money(summary.remaining),
                    year=year,
                )
            ]
        }
    return {}
