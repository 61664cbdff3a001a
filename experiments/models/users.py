"""People who sign in, and the organisations that propose and partner."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..lifecycle import STAFF_ROLES, Role
from ..vocabulary import OrganisationType, ProposerType
from .types import UTCDateTime, code_enum, utcnow


class Organisation(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    type: Mapped[OrganisationType] = mapped_column(code_enum(OrganisationType, "org_type"))
    # Y-tunnus; unique so that a partner is never entered twice.
    business_id: Mapped[str | None] = mapped_column(sa.String(9), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def default_language() -> str:
    """The configured default language (BABEL_DEFAULT_LOCALE), for a user made without one."""
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


# A stored hash starting with this opens with no password (deleted accounts, generated people).
NO_PASSWORD_MARK = "!"


def has_usable_password(password_hash: str) -> bool:
    return not password_hash.startswith(NO_PASSWORD_MARK)


# flask_login has no type information, so UserMixin is Any to the type checker.
class User(UserMixin, Model):  # type: ignore[misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(code_enum(Role, "role"), default=Role.APPLICANT)
    locale: Mapped[str] = mapped_column(sa.String(5), default=default_language)
    proposer_type: Mapped[ProposerType | None] = mapped_column(
        code_enum(ProposerType, "user_proposer_type")
    )
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    # Bumped on logout and password change: sessions carrying an older value end.
    session_epoch: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None while a self-registered address awaits its confirmation link; users made by
    # staff, the CLI or the demo are confirmed when created.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The base32 TOTP secret as a Fernet token (services.second_factor seals and opens it with
    # secrets_at_rest); the second factor is asked for once totp_enabled_at is set.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last accepted code: each code works once (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Wrong one-time codes since the last right one (services.second_factor ends sign-ins and
    # tells the owner at every fifth).
    totp_failures: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    # Random, set when an enrolment link is sent to a staff, manager or admin account and
    # cleared when the second factor is set up: the link is bound to it, so it works once,
    # and a newer link replaces the older ones.
    totp_enrolment_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    # Set when the person deleted their account: the row stays, pseudonymised, so that
    # proposals, history and statistics keep their author.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def display_name(self) -> str:
        """The name others see: a deleted account's is erased, so it is shown as "Deleted
        user" in the reader's language."""
        return gettext("Deleted user") if self.deleted_at is not None else self.name

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def is_staff(self) -> bool:
        """Staff or manager: may screen and run pilots."""
        return self.role in STAFF_ROLES

    @property
    def is_applicant(self) -> bool:
        return self.role == Role.APPLICANT

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def has_password(self) -> bool:
        """False for an account no password opens ("!": deleted accounts, generated people)."""
        return has_usable_password(self.password_hash)

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None
