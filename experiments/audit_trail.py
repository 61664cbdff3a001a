"""Reading the audit trail: filtered, newest first, a page at a time or whole for the export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload

from .audit import UNAUDITED
from .extensions import Model, db
from .lifecycle import N_
from .models import Attachment, AuditEntry, User
from .queries import Page

# What the page calls each action (the API and the CSV keep the codes).
ACTION_LABELS = {
    "created": N_("Created"),
    "updated": N_("Changed"),
    "deleted": N_("Deleted"),
    "signed_in": N_("Signed in"),
    "sign_in_failed": N_("Failed sign-in"),
}

# The pages an object type has, as (endpoint, its id argument).
OBJECT_PAGES = {
    "proposal": ("proposals.show", "proposal_id"),
    "programme": ("programmes.show", "programme_id"),
    "experiment": ("pilots.show", "experiment_id"),
    "user": ("admin.user", "user_id"),
}


def object_types() -> list[str]:
    """Every audited kind of object, by its table name."""
    unaudited = {model.__table__.name for model in UNAUDITED}  # type: ignore[attr-defined]
    tables = {mapper.local_table.name for mapper in Model.registry.mappers}
    return sorted(tables - unaudited)


@dataclass(frozen=True)
class AuditFilter:
    object_type: str | None = None
    object_id: int | None = None
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _query(f: AuditFilter) -> Select[tuple[AuditEntry]]:
    query = select(AuditEntry)
    if f.object_type:
        query = query.where(AuditEntry.object_type == f.object_type)
    if f.object_id is not None:
        query = query.where(AuditEntry.object_id == f.object_id)
    if f.actor_id is not None:
        query = query.where(AuditEntry.actor_id == f.actor_id)
    if f.since is not None:
        query = query.where(AuditEntry.at >= _start(f.since))
    if f.until is not None:  # the whole day named
        query = query.where(AuditEntry.at < _start(f.until + timedelta(days=1)))
    return query


def audit_page(f: AuditFilter, page: int, per_page: int) -> Page[AuditEntry]:
    query = _query(f)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = db.session.scalars(
        query.options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(items), page, per_page, total)


def all_entries(f: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry matching, newest first, read in batches."""
    query = (
        _query(f)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .execution_options(yield_per=500)
    )
    yield from db.session.scalars(query)


def actor_of(entry: AuditEntry) -> dict[str, Any] | None:
    """The actor as the trail shows them: a deleted account as "Deleted user"."""
    user: User | None = entry.actor
    return None if user is None else {"id": user.id, "name": user.display_name}


# How many of an object's latest changes its own page shows; /audit has them all.
OWN_CHANGES = 20


def latest_changes(object_type: str, object_id: int) -> list[AuditEntry]:
    """The object's latest changes, newest first, with their actors (one statement)."""
    query = _query(AuditFilter(object_type, object_id))
    return list(
        db.session.scalars(
            query.options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(OWN_CHANGES)
        )
    )


def proposal_changes(proposal_id: int) -> list[AuditEntry]:
    """The latest changes of the proposal and of its files (added, published, deleted),
    newest first, with their actors (one statement)."""
    files = select(Attachment.id).where(Attachment.proposal_id == proposal_id)
    query = select(AuditEntry).where(
        or_(
            and_(AuditEntry.object_type == "proposal", AuditEntry.object_id == proposal_id),
            and_(AuditEntry.object_type == "attachment", AuditEntry.object_id.in_(files)),
        )
    )
    return list(
        db.session.scalars(
            query.options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(OWN_CHANGES)
        )
    )
