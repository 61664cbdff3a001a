"""A pilot team's progress reports, their participation counts, and the reminders sent."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..vocabulary import ParticipationCategory
from .attachments import Attachment
from .types import UTCDateTime, code_enum, utcnow
from .users import User
from .written import WrittenIn


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ExperimentReport(WrittenIn, Model):
    """What the team did in a period; staff accept it (its counts become participation
    records) or return it with a comment, and the team corrects and resubmits it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    summary: Mapped[str] = mapped_column(sa.Text)
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReportStatus] = mapped_column(code_enum(ReportStatus, "report_status"))
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    # Optimistic locking: two reviews at once cannot both change a report (SQLite has no
    # row locks; the second UPDATE finds the version gone).
    version: Mapped[int] = mapped_column(default=1)

    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    counts: Mapped[list[ReportCount]] = relationship(
        cascade="all, delete-orphan", order_by="ReportCount.category"
    )
    # The files sent with the report, deleted ones left out (they keep no bytes).
    attachments: Mapped[list[Attachment]] = relationship(
        primaryjoin="and_(Attachment.report_id == ExperimentReport.id, "
        "Attachment.deleted_at.is_(None))",
        order_by="Attachment.id",
        viewonly=True,
    )

    __table_args__ = (sa.CheckConstraint("period_end >= period_start", name="report_period_order"),)
    __mapper_args__ = {"version_id_col": version}


class ReportCount(Model):
    """How many people of a category took part in the report's period (zero allowed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("experiment_report.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[ParticipationCategory] = mapped_column(
        code_enum(ParticipationCategory, "report_participation_category")
    )
    count: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("report_id", "category", name="uq_report_count_category"),
        sa.CheckConstraint("count >= 0", name="report_count_not_negative"),
    )


class ReminderKind(StrEnum):
    DUE = "due"  # to the team, before the due date
    OVERDUE = "overdue"  # to the team, after it
    OWNER_OVERDUE = "owner_overdue"  # to the pilot's owner at the city


class ReportReminder(Model):
    """A reminder sent: its unique key makes every run after the first send nothing again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"))
    due_date: Mapped[date]
    kind: Mapped[ReminderKind] = mapped_column(code_enum(ReminderKind, "reminder_kind"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("experiment_id", "due_date", "kind", name="uq_report_reminder"),
    )


class TeamMember(Model):
    """A co-worker the pilot's owner invited from their organisation: the same rights on the
    pilot as the owner, until the owner removes them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint("experiment_id", "user_id", name="uq_team_member_user"),)
