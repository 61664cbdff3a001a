"""Milestones that staff set for an experiment: public, planned and then reached."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .types import UTCDateTime, utcnow
from .written import WrittenIn


class ExperimentMilestone(WrittenIn, Model):
    """A step of the experiment the public may follow: planned for a day, done on another
    (None while it is still ahead). Its title and description are published."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    planned_date: Mapped[date]
    done_date: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
