"""A programme's scorecard (tuloskortti): goals, dated follow-ups and programme risks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..vocabulary import RiskStatus
from .programmes import Programme
from .risk import RiskAssessment, RiskVersion
from .types import UTCDateTime, code_enum, utcnow
from .users import User
from .written import WrittenIn

# Targets and values: counts, euros, days and percentages, exact to two decimals.
Figure = sa.Numeric(14, 2, asdecimal=True)

# The metric of a goal whose value is entered with each follow-up.
MANUAL_METRIC = "manual"


class GoalDirection(StrEnum):
    AT_LEAST = "at_least"  # higher is better: reach the target
    AT_MOST = "at_most"  # lower is better: stay under the target


class ProgrammeGoal(Model):
    """A goal of the programme: text, the metric that evaluates it, target and period."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text_fi: Mapped[str] = mapped_column(sa.String(500))
    text_sv: Mapped[str] = mapped_column(sa.String(500), default="")
    text_en: Mapped[str] = mapped_column(sa.String(500), default="")
    # A code of the metric registry (experiments/scorecard.py) or MANUAL_METRIC.
    metric: Mapped[str] = mapped_column(sa.String(40))
    direction: Mapped[GoalDirection] = mapped_column(
        code_enum(GoalDirection, "goal_direction"), default=GoalDirection.AT_LEAST
    )
    target: Mapped[Decimal] = mapped_column(Figure)
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    period_start: Mapped[date]
    period_end: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A goal is retired, never deleted: its follow-ups stay with it, out of the current card.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    programme: Mapped[Programme] = relationship()
    follow_ups: Mapped[list[GoalFollowUp]] = relationship(
        back_populates="goal",
        order_by="(GoalFollowUp.date, GoalFollowUp.id)",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period"),
        sa.CheckConstraint("target >= 0", name="target_not_negative"),
    )

    def text(self, locale: str) -> str:
        """The goal in the given language, or in Finnish when it has no translation."""
        return getattr(self, f"text_{locale}", "") or self.text_fi


class GoalFollowUp(WrittenIn, Model):
    """The goal's state on a date; metric, value and target are copied so it never changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_goal.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[date]
    metric: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Decimal | None] = mapped_column(Figure)
    target: Mapped[Decimal] = mapped_column(Figure)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RiskStatus] = mapped_column(code_enum(RiskStatus, "follow_up_status"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[ProgrammeGoal] = relationship(back_populates="follow_ups")
    author: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("goal_id", "date", name="uq_goal_follow_up_goal_id_date"),
    )


class ProgrammeRisk(RiskAssessment, Model):
    """A programme-level risk, reassessed over the programme's life."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    status: Mapped[RiskStatus] = mapped_column(code_enum(RiskStatus, "programme_risk_status"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    # Every assessment made, the first one included; the columns above are the latest.
    assessments: Mapped[list[RiskVersion]] = relationship(
        order_by="(RiskVersion.assessed_at, RiskVersion.id)", cascade="all, delete-orphan"
    )
