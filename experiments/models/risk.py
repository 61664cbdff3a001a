"""What every risk card holds, an experiment's or the programme's."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..extensions import Model
from ..vocabulary import RiskStatus
from .types import UTCDateTime, code_enum, utcnow
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


class RiskVersion(WrittenIn, Model):
    """One assessment of a risk, an experiment's or the programme's, as it was made: a
    reassessment appends a version, so the trend stays when the risk's own values change."""

    __tablename__ = "risk_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("risk.id"), index=True)
    programme_risk_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_risk.id"), index=True
    )
    probability: Mapped[int]
    impact: Mapped[int]
    mitigation: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RiskStatus] = mapped_column(code_enum(RiskStatus, "assessed_status"))
    # None: assessed before versions were kept (the migration's copy), or by the system.
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("probability BETWEEN 1 AND 4", name="probability_range"),
        sa.CheckConstraint("impact BETWEEN 1 AND 4", name="impact_range"),
        sa.CheckConstraint("(risk_id IS NULL) <> (programme_risk_id IS NULL)", name="one_risk"),
    )

    @property
    def score(self) -> int:
        return self.probability * self.impact
