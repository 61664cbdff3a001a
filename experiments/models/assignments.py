"""Who reviews which proposal, and the conflicts of interest reviewers declare."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .proposals import Proposal
from .types import UTCDateTime, utcnow
from .users import Organisation, User
from .written import WrittenIn


class ReviewerAssignment(Model):
    """A staff or manager user asked to review a proposal."""

    __tablename__ = "reviewer_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"))
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id])

    __table_args__ = (
        sa.UniqueConstraint(
            "proposal_id", "reviewer_id", name="uq_reviewer_assignment_proposal_reviewer"
        ),
    )


class ConflictOfInterest(WrittenIn, Model):
    """A reviewer's declaration of a conflict with one proposal or with an organisation; kept
    as the record of why they did not review (never withdrawn)."""

    __tablename__ = "conflict_of_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviewer: Mapped[User] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(proposal_id IS NULL) <> (organisation_id IS NULL)", name="one_subject"
        ),
    )
