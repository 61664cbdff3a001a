"""Files added to a proposal: a pitch, a budget, letters of support, a contract, a report."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..rules import FILENAME_MAX
from .proposals import Proposal
from .types import UTCDateTime, utcnow
from .users import User

if TYPE_CHECKING:
    from .reports import ExperimentReport


class Attachment(Model):
    """A file's description; its bytes are a row of their own, so that lists never load them.

    A deleted file keeps this row (its name, who deleted it and when) and loses its bytes.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    # A file sent with a pilot's progress report: the pilot's team may read it too.
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("experiment_report.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(FILENAME_MAX))
    # The type recognised from the content, never the one the uploader's browser claimed.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # A business secret: never public, whatever happens later.
    confidential: Mapped[bool] = mapped_column(default=False)
    # Shown on the experiment's public page and in its open data.
    public: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    proposal: Mapped[Proposal] = relationship()
    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    report: Mapped[ExperimentReport | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("NOT (confidential AND public)", name="confidential_never_public"),
        sa.CheckConstraint("size > 0", name="size_positive"),
        sa.CheckConstraint("deleted_at IS NULL OR NOT public", name="deleted_not_public"),
    )

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class AttachmentContent(Model):
    """The bytes of a file, stored in the database so that every app server serves them."""

    __tablename__ = "attachment_content"

    attachment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
