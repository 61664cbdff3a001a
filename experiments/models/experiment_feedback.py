"""Residents' feedback on an experiment, sent from its public page without an account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .experiment import Experiment
from .types import UTCDateTime, code_enum, utcnow
from .users import User
from .written import WrittenIn


class FeedbackStatus(StrEnum):
    PENDING = "pending"  # counted; its comment waits for staff to read it
    APPROVED = "approved"  # counted; its comment is public
    REJECTED = "rejected"  # neither counted nor shown


class ExperimentFeedback(WrittenIn, Model):
    """One resident's answer: did they use it, how useful, a comment; contact details only
    if they left them (the only personal data here, never public)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"))
    used: Mapped[bool]
    usefulness: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # The sender, when signed in: their data download and erasure find it by this.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[FeedbackStatus] = mapped_column(
        code_enum(FeedbackStatus, "feedback_status"), default=FeedbackStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    experiment: Mapped[Experiment] = relationship()
    moderated_by: Mapped[User | None] = relationship(foreign_keys=[moderated_by_id])

    __table_args__ = (
        sa.CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_scale"),
        sa.Index("ix_experiment_feedback_experiment_status", "experiment_id", "status"),
    )
