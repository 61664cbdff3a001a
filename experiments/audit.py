"""The audit trail, recorded in one place: every flush of the ORM session appends an entry
for each audited object it inserted, updated or deleted, in the same transaction (a rollback
takes the entries with it). A many-to-many collection (a proposal's partners) is recorded on
its owner as a field whose values are the lists of ids before and after; rows that only hold
one value of their owner (a proposal's city centres) likewise, as lists of the values.

A Core UPDATE or DELETE is not seen by the listener: the service that issues one records its
entries with record_changes in the same unit of work. Bulk loads through Core (the demo's
--scale loader) are not recorded.
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
    ProposalCentre,
    ProposalSdg,
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
# Rows that are one value of their owner (a proposal's city centres and SDGs): recorded on the
# owner, as its field (name, the row's column holding the value), not as rows of their own.
VALUE_ROWS: dict[type, tuple[str, str]] = {
    ProposalCentre: ("city_centres", "centre"),
    ProposalSdg: ("sdgs", "sdg"),
}
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
        "experiment_subscription.email",
        "experiment_feedback.name",
        "experiment_feedback.email",
    }
)
# Not data: a counter bumped only to take a row lock (services/budget.allocate).
LOCKS = frozenset({"programme_year.allocation_serial"})
# Not a person's change: figures derived from other rows, which are recorded themselves (the
# score kept from the reviews, review_scores.py, written past the ORM).
DERIVED = frozenset({"proposal.review_score", "proposal.review_count"})
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


def _key(obj: object) -> int | None:
    """An object's primary key as the flush left it (new objects have no identity yet)."""
    state = sa.inspect(obj)
    keys = [state.mapper.get_property_by_column(c).key for c in state.mapper.primary_key]
    found = state.dict.get(keys[0]) if len(keys) == 1 else None
    return found if isinstance(found, int) else None


def _value(value: object) -> object:
    value = plain(value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _changes(state: InstanceState[Any], table: str, action: str) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    for attribute in state.mapper.column_attrs:
        key = attribute.key
        if f"{table}.{key}" in LOCKS or f"{table}.{key}" in DERIVED:
            continue
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
    changes.update(_collections(state, action))
    return changes


def _collections(state: InstanceState[Any], action: str) -> dict[str, list[object]]:
    """The collections that changed: many-to-many as [old ids, new ids], value rows as [old
    values, new values] under their owner's field name (each list sorted)."""
    changes: dict[str, list[object]] = {}
    for relationship in state.mapper.relationships:
        target = relationship.mapper.class_
        if relationship.secondary is not None:
            key, read = relationship.key, _key
        elif target in VALUE_ROWS:
            key, column = VALUE_ROWS[target]
            read = _reader(column)
        else:
            continue
        history = state.attrs[relationship.key].history
        if action == UPDATED and not history.added and not history.deleted:
            continue
        kept = [read(o) for o in history.unchanged or ()]
        old = sorted(v for v in kept + [read(o) for o in history.deleted or ()] if v is not None)
        new = sorted(v for v in kept + [read(o) for o in history.added or ()] if v is not None)
        if action == CREATED:
            old = []
        elif action == DELETED:
            old, new = sorted(set(old) | set(new)), []
        if old != new:
            changes[key] = [old, new]
    return changes


def _reader(column: str):
    def read(obj: object) -> Any:
        return _value(getattr(obj, column))

    return read


def _entries(session: Session) -> list[dict[str, Any]]:
    at, actor = utcnow(), actor_id()
    rows = []
    for objects, action in (
        (session.new, CREATED),
        (session.dirty, UPDATED),
        (session.deleted, DELETED),
    ):
        for obj in objects:
            if isinstance(obj, UNAUDITED) or type(obj) in VALUE_ROWS:
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


def record_changes(
    object_type: str,
    object_id: int | None,
    changes: dict[str, list[object]],
    action: str = UPDATED,
) -> None:
    """An entry for a change the ORM did not see (a Core UPDATE), in the caller's unit of
    work; `changes` is {field: [old, new]}, a withheld field's values are not kept."""
    from .extensions import db

    db.session.add(
        AuditEntry(
            at=utcnow(),
            actor_id=actor_id(),
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes={
                key: [None, None]
                if key in WITHHELD or f"{object_type}.{key}" in WITHHELD
                else [_value(old), _value(new)]
                for key, (old, new) in changes.items()
            },
        )
    )


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
