"""E-mail subscriptions to one experiment's updates (double opt-in)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow


class ExperimentSubscription(Model):
    """A person's wish to hear of one experiment's milestones by e-mail: pending until its
    link is confirmed; the address is erased when they unsubscribe (the row stays, so that a
    used unsubscribe link is still understood)."""

    __tablename__ = "experiment_subscription"
    __table_args__ = (
        # NULL addresses (unsubscribed) never clash, on SQLite and PostgreSQL alike; its
        # index also finds an experiment's subscribers.
        sa.UniqueConstraint("experiment_id", "email", name="uq_experiment_subscription_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # The language the person subscribed in: every mail to them is in it.
    locale: Mapped[str] = mapped_column(sa.String(5))
    # The newest confirmation link's secret, hashed; cleared once confirmed.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
