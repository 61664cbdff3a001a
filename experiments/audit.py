"""The audit trail, recorded in one place: every flush of the ORM session appends an entry
for each audited object it inserted, updated or deleted, in the same transaction (a rollback
takes the entries with it).

Bulk loads through Core (the demo's --scale loader) are not seen here; what the ORM writes is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from .jsonable import plain
from .models import (
    AccountChange,
    AttachmentContent,
    AuditEntry,
    MailMessage,
    RecordChange,
    StatisticsGeneration,
    StatusChange,
)
from .models.types import utcnow

# The trail itself, the mail store, the statistics token, the tables that already are a
# history (appended once, never changed), and a file's bytes (its attachment row is
# recorded, with the size and the checksum).
UNAUDITED: tuple[type, ...] = (
    AttachmentContent,
    AuditEntry,
    MailMessage,
    StatisticsGeneration,
    StatusChange,
    RecordChange,
    AccountChange,
)
# Recorded as changed, never with their values: secrets, and the person's name and address
# (erased when they delete their account, which the trail must not undo).
WITHHELD = frozenset(
    {
        "password_hash",
        "totp_secret",
        "totp_enrolment_nonce",
        "totp_last_step",
        "token_hash",
        "user.name",
        "user.email",
        "feedback.name",
        "feedback.email",
    }
)
CREATED, UPDATED, DELETED = "created", "updated", "deleted"
SIGNED_IN, SIGN_IN_FAILED = "signed_in", "sign_in_failed"
# Who acts, where the request does not tell (a sign-in before the session knows the person).
_acting: ContextVar[int | None] = ContextVar("audit_actor", default=None)
# Set on a session to record nothing (tests' and loaders' own bulk setup may use it).
PAUSED = "audit_paused"


@contextmanager
def acting(user_id: int | None) -> Iterator[None]:
    """Record the changes made inside the block as this user's."""
    reset = _acting.set(user_id)
    try:
        yield
    finally:
        _acting.reset(reset)


def _identity(obj: object) -> int | None:
    """The primary key of a loaded object, read without querying."""
    if obj is None:
        return None
    identity = sa.inspect(obj).identity
    return identity[0] if identity and isinstance(identity[0], int) else None


def actor_id() -> int | None:
    """The person behind the current change: the one set by acting(), the API token's user,
    the signed-in user, or None for the system (the command line, the demo loader)."""
    chosen = _acting.get()
    if chosen is not None or not has_app_context():
        return chosen
    token = g.get("api_token")
    if token is not None:
        return _identity(token.user) if "user" in sa.inspect(token).dict else token.user_id
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return _identity(user)
    return None


def _value(value: object) -> object:
    value = plain(value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _changes(state: InstanceState[Any], table: str, action: str) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        withheld = key in WITHHELD or f"{table}.{key}" in WITHHELD
        if action == UPDATED:
            history = state.attrs[key].history
            if not history.added and not history.deleted:
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
        else:
            if key not in state.dict or state.dict[key] is None:
                continue
            old, new = (None, state.dict[key]) if action == CREATED else (state.dict[key], None)
        changes[key] = [None, None] if withheld else [_value(old), _value(new)]
    return changes


def _entries(session: Session) -> list[dict[str, Any]]:
    at, actor = utcnow(), actor_id()
    rows = []
    for objects, action in (
        (session.new, CREATED),
        (session.dirty, UPDATED),
        (session.deleted, DELETED),
    ):
        for obj in objects:
            if isinstance(obj, UNAUDITED):
                continue
            state = sa.inspect(obj)
            mapper = state.mapper
            table = mapper.local_table.name
            keys = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
            identity = [state.dict.get(key) for key in keys]
            changes = _changes(state, table, action)
            if action == UPDATED and not changes:
                continue
            rows.append(
                {
                    "at": at,
                    "actor_id": actor,
                    "action": action,
                    "object_type": table,
                    "object_id": identity[0] if len(identity) == 1 else None,
                    "changes": changes,
                }
            )
    return rows


@event.listens_for(Session, "after_flush")
def _record(session: Session, flush_context: UOWTransaction) -> None:
    if session.info.get(PAUSED):
        return
    rows = _entries(session)
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def record_event(
    action: str, object_type: str, object_id: int | None, actor: int | None = None
) -> None:
    """A security event (a sign-in, a failed one) as an entry, in the caller's unit of work."""
    from .extensions import db

    db.session.add(
        AuditEntry(
            at=utcnow(),
            actor_id=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes={},
        )
    )
