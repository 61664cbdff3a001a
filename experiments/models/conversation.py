"""Messages on a proposal: the applicant and city staff talk, and staff among themselves."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..vocabulary import MessageVisibility
from .proposals import Proposal
from .types import UTCDateTime, code_enum, utcnow
from .users import User
from .written import WrittenIn


class ProposalMessage(WrittenIn, Model):
    """One message in a proposal's thread; an internal one is never shown to the applicant."""

    __tablename__ = "proposal_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    visibility: Mapped[MessageVisibility] = mapped_column(
        code_enum(MessageVisibility, "message_visibility")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User] = relationship()

    # The thread is read per proposal, oldest first.
    __table_args__ = (sa.Index("ix_proposal_message_thread", "proposal_id", "created_at"),)
