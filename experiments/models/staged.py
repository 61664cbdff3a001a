"""A manager's staged decision on a screened proposal: made later, with the call's others."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .programmes import Call
from .proposals import Proposal
from .types import Money, UTCDateTime, code_enum, utcnow
from .users import User


class StagedMove(StrEnum):
    """The moves a manager may stage: the workflow's states they lead to."""

    PILOT = "pilot"
    REJECTED = "rejected"


class StagedDecision(Model):
    """The fields of one workflow move from screening, kept until a manager applies it.

    proposal_version is the version the manager saw: a proposal changed since is refused
    at application, as a stale form would be.
    """

    __tablename__ = "staged_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), unique=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    to_status: Mapped[StagedMove] = mapped_column(code_enum(StagedMove, "staged_move"))
    allocated_budget: Mapped[Decimal | None] = mapped_column(Money)
    start_date: Mapped[date | None]
    planned_end_date: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    city_unit: Mapped[str] = mapped_column(sa.String(200), default="")
    reason: Mapped[str | None] = mapped_column(sa.Text)
    proposal_version: Mapped[int]
    staged_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    staged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    call: Mapped[Call] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    staged_by: Mapped[User] = relationship(foreign_keys=[staged_by_id])

    __table_args__ = (
        sa.CheckConstraint(
            "(to_status = 'pilot' AND allocated_budget IS NOT NULL AND start_date IS NOT NULL"
            " AND planned_end_date IS NOT NULL AND owner_id IS NOT NULL)"
            " OR (to_status = 'rejected' AND reason IS NOT NULL)",
            name="fields_of_the_move",
        ),
    )
