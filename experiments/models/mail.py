"""The mail outbox: each message is a row written with the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its next try (next_attempt_at)
    SENDING = "sending"  # claimed by a delivery process until lease_until
    SENT = "sent"
    FAILED = "failed"  # every try failed; last_error says why
    CANCELLED = "cancelled"  # no longer to be sent (the recipient deleted their account)


class MailMessage(Model):
    """One e-mail to one recipient, stored complete so that delivery needs nothing else."""

    __tablename__ = "mail_message"
    __table_args__ = (sa.Index("ix_mail_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    # The person the message is about and to, when it is a user (account deletion finds it).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str] = mapped_column(sa.String(254))
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)
    # Further headers to send ({name: value}), such as a list's one-click unsubscribe.
    headers: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(12), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The claim of the delivery process that holds the message: only it may mark it sent.
    claim: Mapped[str | None] = mapped_column(sa.String(32))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
