"""Proposals, their status history and the staff's screening reviews."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..lifecycle import Status
from ..vocabulary import CityCentre, ProposerType, ServiceArea
from .programmes import CRITERIA, Call, Programme
from .types import Money, Score, UTCDateTime, code_enum, utcnow
from .users import Organisation, User
from .written import WrittenIn

if TYPE_CHECKING:
    from .attachments import Attachment
    from .experiment import Experiment

proposal_partner = sa.Table(
    "proposal_partner",
    Model.metadata,
    sa.Column("proposal_id", sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id"), primary_key=True),
)


class Proposal(WrittenIn, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call.id"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # A draft may be incomplete: content columns are nullable and the submit move
    # enforces what is required.
    title: Mapped[str | None] = mapped_column(sa.String(200))
    summary: Mapped[str | None] = mapped_column(sa.Text)
    need: Mapped[str | None] = mapped_column(sa.Text)
    proposer_type: Mapped[ProposerType | None] = mapped_column(
        code_enum(ProposerType, "proposer_type"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    service_area: Mapped[ServiceArea | None] = mapped_column(
        code_enum(ServiceArea, "service_area"), index=True
    )
    requested_budget: Mapped[Decimal | None] = mapped_column(Money)
    planned_duration_months: Mapped[int | None]
    # The applicant marks a section as containing business secrets: then it is shown only
    # to the applicant and city staff, never on public pages, in open data or the public API.
    confidential_summary: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    confidential_need: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[Status] = mapped_column(code_enum(Status, "status"), default=Status.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Derived from the reviews, never written by a person: the score (queries.REVIEW_AVERAGE,
    # None without a weighted score) and the number of reviews, kept by review_scores so that
    # lists sort and show them without aggregating reviews.
    review_score: Mapped[Decimal | float | None] = mapped_column(Score)
    review_count: Mapped[int] = mapped_column(default=0, server_default="0")

    programme: Mapped[Programme] = relationship()
    call: Mapped[Call | None] = relationship()
    owner: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    partners: Mapped[list[Organisation]] = relationship(
        secondary=proposal_partner, order_by=Organisation.name
    )
    centre_rows: Mapped[list[ProposalCentre]] = relationship(
        cascade="all, delete-orphan", order_by="ProposalCentre.centre"
    )
    sdg_rows: Mapped[list[ProposalSdg]] = relationship(
        cascade="all, delete-orphan", order_by="ProposalSdg.sdg"
    )
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="proposal", order_by="StatusChange.id"
    )
    reviews: Mapped[list[Review]] = relationship(back_populates="proposal")
    experiment: Mapped[Experiment | None] = relationship(back_populates="proposal")
    # The files staff published on the experiment's public page (never a confidential one).
    public_attachments: Mapped[list[Attachment]] = relationship(
        primaryjoin="and_(Attachment.proposal_id == Proposal.id, Attachment.public, "
        "~Attachment.confidential, Attachment.deleted_at.is_(None))",
        viewonly=True,
        order_by="Attachment.id",
    )

    # Optimistic locking: every UPDATE checks and bumps version (stale → StaleDataError).
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_proposal_programme_status", "programme_id", "status"),
        sa.CheckConstraint("requested_budget >= 0", name="requested_budget_not_negative"),
    )

    @property
    def city_centres(self) -> list[CityCentre]:
        return [row.centre for row in self.centre_rows]

    @city_centres.setter
    def city_centres(self, centres: Iterable[CityCentre | str]) -> None:
        wanted = [CityCentre(c) for c in dict.fromkeys(centres)]
        kept = [row for row in self.centre_rows if row.centre in wanted]
        have = {row.centre for row in kept}
        self.centre_rows = kept + [ProposalCentre(centre=c) for c in wanted if c not in have]

    @property
    def sdgs(self) -> list[int]:
        return [row.sdg for row in self.sdg_rows]

    @sdgs.setter
    def sdgs(self, goals: Iterable[int | str]) -> None:
        wanted = list(dict.fromkeys(int(g) for g in goals))
        kept = [row for row in self.sdg_rows if row.sdg in wanted]
        have = {row.sdg for row in kept}
        self.sdg_rows = kept + [ProposalSdg(sdg=g) for g in wanted if g not in have]


class ProposalCentre(Model):
    """A city centre a proposal concerns; rows so statistics can GROUP BY them."""

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    centre: Mapped[CityCentre] = mapped_column(
        code_enum(CityCentre, "city_centre"), primary_key=True
    )


class ProposalSdg(Model):
    """A UN Sustainable Development Goal (1–17) a proposal supports."""

    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    sdg: Mapped[int] = mapped_column(primary_key=True)

    __table_args__ = (sa.CheckConstraint("sdg BETWEEN 1 AND 17", name="sdg_range"),)


class StatusChange(WrittenIn, Model):
    """One move in a proposal's history; appended with the move, never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"))
    from_status: Mapped[Status] = mapped_column(code_enum(Status, "from_status"))
    to_status: Mapped[Status] = mapped_column(code_enum(Status, "to_status"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The reason, question or answer that the move required.
    reason: Mapped[str | None] = mapped_column(sa.Text)

    proposal: Mapped[Proposal] = relationship(back_populates="history")
    actor: Mapped[User] = relationship()

    __table_args__ = (sa.Index("ix_status_change_proposal_to", "proposal_id", "to_status"),)


REVIEW_CRITERIA = CRITERIA


class Review(WrittenIn, Model):
    """One staff reviewer's screening scores (1–5, or None where they abstained)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    need: Mapped[int | None]
    benefit: Mapped[int | None]
    reusability: Mapped[int | None]
    feasibility: Mapped[int | None]
    cost_effectiveness: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "reviewer_id", name="uq_review_proposal_reviewer"),
        *(sa.CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_score") for c in REVIEW_CRITERIA),
    )

    @property
    def average(self) -> float | None:
        """The plain mean of the criteria scored (None if every one was abstained)."""
        scores: list[int] = [s for c in REVIEW_CRITERIA if (s := getattr(self, c)) is not None]
        return sum(scores) / len(scores) if scores else None
