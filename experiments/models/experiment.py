"""A proposal from pilot on: its budget, partners, participants, expenses, risks, evaluation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..vocabulary import ParticipationCategory, PartnerRole, Recommendation, RiskStatus
from .proposals import Proposal
from .risk import RiskAssessment, RiskVersion
from .types import Money, UTCDateTime, code_enum, utcnow
from .users import Organisation, User
from .written import WrittenIn


class Experiment(WrittenIn, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), unique=True)
    allocated_budget: Mapped[Decimal] = mapped_column(Money)
    start_date: Mapped[date] = mapped_column(index=True)
    planned_end_date: Mapped[date]
    actual_end_date: Mapped[date | None]
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    city_unit: Mapped[str] = mapped_column(sa.String(200), default="")
    decision: Mapped[str | None] = mapped_column(sa.Text)
    lessons_learned: Mapped[str | None] = mapped_column(sa.Text)
    # Months between the team's reports, set when the pilot starts (None: the default for
    # its planned length, see services/report_schedule).
    report_interval_months: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="experiment")
    owner: Mapped[User] = relationship()
    partners: Mapped[list[ExperimentPartner]] = relationship(
        back_populates="experiment", order_by="ExperimentPartner.id"
    )
    participation: Mapped[list[Participation]] = relationship(
        order_by="(Participation.date, Participation.id)"
    )
    expenses: Mapped[list[Expense]] = relationship(order_by="(Expense.date, Expense.id)")
    risks: Mapped[list[Risk]] = relationship(order_by="Risk.id")
    evaluation: Mapped[Evaluation | None] = relationship(back_populates="experiment")

    __table_args__ = (
        sa.CheckConstraint("allocated_budget > 0", name="allocated_budget_positive"),
        sa.CheckConstraint("planned_end_date > start_date", name="planned_after_start"),
    )


class ExperimentPartner(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    role: Mapped[PartnerRole] = mapped_column(code_enum(PartnerRole, "partner_role"))

    experiment: Mapped[Experiment] = relationship(back_populates="partners")
    # A partner is always shown by its organisation's name: loaded with it, never one by one.
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint(
            "experiment_id", "organisation_id", name="uq_experiment_partner_organisation"
        ),
    )


class Participation(WrittenIn, Model):
    """How many people of a category took part on a date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), index=True)
    date: Mapped[date]
    category: Mapped[ParticipationCategory] = mapped_column(
        code_enum(ParticipationCategory, "participation_category")
    )
    count: Mapped[int]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # The accepted report the record came from (None for records staff entered).
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("experiment_report.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("count >= 1", name="count_positive"),)


class Expense(WrittenIn, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), index=True)
    date: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class Risk(RiskAssessment, Model):
    """A risk of one experiment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), index=True)
    status: Mapped[RiskStatus] = mapped_column(code_enum(RiskStatus, "risk_status"))

    # Every assessment made, the first one included; the columns above are the latest.
    assessments: Mapped[list[RiskVersion]] = relationship(
        order_by="(RiskVersion.assessed_at, RiskVersion.id)", cascade="all, delete-orphan"
    )


class Evaluation(WrittenIn, Model):
    """The evaluation of an experiment; revised until the decision."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), unique=True)
    got_users: Mapped[bool]
    users_count: Mapped[int | None]
    part_of_services: Mapped[bool]
    benefits_city: Mapped[str] = mapped_column(sa.Text, default="")
    benefits_customers: Mapped[str] = mapped_column(sa.Text, default="")
    research_value: Mapped[bool]
    research_link: Mapped[str] = mapped_column(sa.String(500), default="")
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    recommendation: Mapped[Recommendation] = mapped_column(
        code_enum(Recommendation, "recommendation")
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    experiment: Mapped[Experiment] = relationship(back_populates="evaluation")
    author: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("users_count IS NULL OR users_count >= 0", name="users_count"),
    )


class RecordKind(StrEnum):
    """The records of an experiment that can be corrected and removed."""

    EXPENSE = "expense"
    PARTICIPATION = "participation"


class RecordAction(StrEnum):
    CORRECTED = "corrected"
    REMOVED = "removed"


class RecordChange(Model):
    """A correction or removal of one of an experiment's records; appended with the change,
    never edited, so that the history keeps what a record said before."""

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(sa.ForeignKey("experiment.id"), index=True)
    kind: Mapped[RecordKind] = mapped_column(code_enum(RecordKind, "record_kind"))
    # No foreign key: a removed record's row is gone, its id and values stay here.
    record_id: Mapped[int]
    action: Mapped[RecordAction] = mapped_column(code_enum(RecordAction, "record_action"))
    # Each changed field's [before, after] as JSON values (after is null for a removal).
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User] = relationship()
