"""Feedback on the site's accessibility, sent from the accessibility statement."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import UTCDateTime, utcnow
from .users import User


class Feedback(Model):
    """One message; name, e-mail and the signed-in user are optional (anonymous is fine)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    message: Mapped[str] = mapped_column(sa.Text)
    page_url: Mapped[str | None] = mapped_column(sa.String(500))
    # The language the sender used, so that the answer can be in it.
    locale: Mapped[str] = mapped_column(sa.String(5))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()
