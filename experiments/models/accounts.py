"""What happened to an account: its changes of role and access, kept for the administrators."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..lifecycle import Role
from .types import UTCDateTime, code_enum, utcnow
from .users import User


class AccountChange(Model):
    """One change of an account's role or of whether it may sign in; appended, never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    old_role: Mapped[Role] = mapped_column(code_enum(Role, "old_role"))
    new_role: Mapped[Role] = mapped_column(code_enum(Role, "new_role"))
    old_active: Mapped[bool]
    new_active: Mapped[bool]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])

    @property
    def role_changed(self) -> bool:
        return self.old_role != self.new_role

    @property
    def access_changed(self) -> bool:
        return self.old_active != self.new_active
