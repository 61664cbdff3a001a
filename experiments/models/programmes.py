"""Programmes, their yearly budgets and their calls for proposals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import Money, UTCDateTime, utcnow
from .written import WrittenIn

# The screening review's criteria, in the order pages show them.
CRITERIA = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


class Programme(WrittenIn, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    start_year: Mapped[int]
    end_year: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking, as on proposals: two managers editing at once cannot overwrite
    # each other unseen (every UPDATE checks and bumps it).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    years: Mapped[list[ProgrammeYear]] = relationship(
        back_populates="programme", order_by="ProgrammeYear.year", cascade="all, delete-orphan"
    )
    calls: Mapped[list[Call]] = relationship(back_populates="programme", order_by="Call.opens_on")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.CheckConstraint("end_year >= start_year", name="period"),)


class ProgrammeYear(Model):
    """A programme year's annual budget; its row is also the lock for allocating it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    year: Mapped[int]
    annual_budget: Mapped[Decimal] = mapped_column(Money)
    # Touched by every allocation so that concurrent allocations serialise on this row.
    allocation_serial: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship(back_populates="years")

    __table_args__ = (
        sa.UniqueConstraint("programme_id", "year", name="uq_programme_year_programme_year"),
        sa.CheckConstraint("annual_budget >= 0", name="annual_budget_not_negative"),
    )


class Call(WrittenIn, Model):
    """A themed, public call for proposals within a programme."""

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    # The weight of each review criterion in the call's score (0–10), and the lowest mean
    # score a proposal may have on it before the queue flags it (1–5, or none).
    weight_need: Mapped[int] = mapped_column(default=1, server_default="1")
    weight_benefit: Mapped[int] = mapped_column(default=1, server_default="1")
    weight_reusability: Mapped[int] = mapped_column(default=1, server_default="1")
    weight_feasibility: Mapped[int] = mapped_column(default=1, server_default="1")
    weight_cost_effectiveness: Mapped[int] = mapped_column(default=1, server_default="1")
    minimum_need: Mapped[int | None]
    minimum_benefit: Mapped[int | None]
    minimum_reusability: Mapped[int | None]
    minimum_feasibility: Mapped[int | None]
    minimum_cost_effectiveness: Mapped[int | None]

    programme: Mapped[Programme] = relationship(back_populates="calls")

    __table_args__ = (
        sa.CheckConstraint("closes_on >= opens_on", name="dates"),
        *(
            sa.CheckConstraint(f"weight_{c} BETWEEN 0 AND 10", name=f"weight_{c}_range")
            for c in CRITERIA
        ),
        *(
            sa.CheckConstraint(f"minimum_{c} BETWEEN 1 AND 5", name=f"minimum_{c}_range")
            for c in CRITERIA
        ),
    )

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on
