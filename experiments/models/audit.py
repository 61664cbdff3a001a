"""The audit trail: who changed which stored object, when, and which fields from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, utcnow
from .users import User


class AuditEntry(Model):
    """One change (or security event); appended in the transaction that made it, never edited."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None: the system (the command line, the demo loader, scheduled work).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int | None]
    # {field: [old, new]}; a secret's field is present with both values None.
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()
