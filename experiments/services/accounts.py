"""Signing up, signing in and creating users."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import Invalid
from ..extensions import db
from ..lifecycle import Role
from ..models import User
from ..rules import PASSWORD_MIN
from ..security import burn_verification, hash_password, verify_password


def normalise_email(email: str) -> str:
    """The canonical form of an address; raises Invalid when it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid({"email": [_("Enter a valid e-mail address.")]}) from error


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def create_user(email, name, password, role=Role.APPLICANT, **fields) -> User:
    """Create and commit a user; raises Invalid for a taken address or a weak password."""
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if find_user(email) is not None:
        errors["email"] = [_("An account with this e-mail address already exists.")]
    if len(password) < PASSWORD_MIN:
        errors["password"] = [_("Use at least %(n)d characters.", n=PASSWORD_MIN)]
    if not name.strip():
        errors["name"] = [_("Enter your name.")]
    if errors:
        raise Invalid(errors)
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password),
        role=Role(role), **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same work either way)."""
    user = find_user(email.strip())
    if user is None or not user.active:
        burn_verification(password)
        return None
    return user if verify_password(user.password_hash, password) else None


def end_other_sessions(user: User) -> None:
    """Invalidate every session of the user (logout everywhere, password change)."""
    user.session_epoch += 1
    db.session.commit()
