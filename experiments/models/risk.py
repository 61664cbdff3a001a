"""What every risk card holds, an experiment's or the programme's."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .types import UTCDateTime, utcnow
from .written import WrittenIn


class RiskAssessment(WrittenIn):
    """A risk as on the city's risk cards: probability × impact, 1–4 each."""

    description: Mapped[str] = mapped_column(sa.Text)
    probability: Mapped[int]
    impact: Mapped[int]
    mitigation: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[sa.CheckConstraint, ...]:
        return (
            sa.CheckConstraint("probability BETWEEN 1 AND 4", name="probability_range"),
            sa.CheckConstraint("impact BETWEEN 1 AND 4", name="impact_range"),
        )

    @property
    def score(self) -> int:
        return self.probability * self.impact
