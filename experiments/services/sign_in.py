"""Signing in: an account found by address or signed link, its password checked, sessions ended."""

from sqlalchemy import func, select

from .. import audit
from ..extensions import db
from ..models import User
from ..models.types import utcnow
from ..security import burn_verification, hash_password, password_needs_rehash, verify_password
from .inputs import Fields
from .transaction import transactional, unit_of_work


def normalise_email(email: str) -> str:
    """The canonical form of an address; raises Invalid when it is not one."""
    fields = Fields()
    address = fields.email("email", email, required=True)
    fields.raise_if_any()
    return (address or "").lower()


def find_user(email: str) -> User | None:
    """The user with this e-mail address, in any letter case, or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def user_of_link(payload: object) -> User | None:
    """The user whose id a signed link's payload carries, or None."""
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        return None
    return db.session.get(User, payload["id"])


def authenticate(email: str, password: str, *, confirmed_only: bool = True) -> User | None:
    """The active user with this e-mail and password, confirmed unless told otherwise, or None."""
    user = find_user(email.strip())
    if user is None or not user.active:
        # The same work as checking a password: timing does not tell who has an account.
        burn_verification(password)
        _failed(user)
        return None
    if not verify_password(user.password_hash, password):
        _failed(user)
        return None
    if confirmed_only and user.email_confirmed_at is None:
        return None
    if password_needs_rehash(user.password_hash):  # hashed with older parameters
        with unit_of_work(counted=False):
            user.password_hash = hash_password(password)
    return user


@transactional(counted=False)
def end_other_sessions(user: User) -> None:
    """Invalidate every session of the user (logout everywhere, password change)."""
    user.session_epoch += 1


def _failed(user: User | None) -> None:
    """A failed sign-in in the trail; the address typed is not kept (it may be a password)."""
    with unit_of_work(counted=False):
        identity = user.id if user is not None else None
        audit.record_event(audit.SIGN_IN_FAILED, "user", identity)


@transactional(counted=False)
def record_sign_in(user: User) -> None:
    """Note when the user last signed in (the administrators' user page shows it)."""
    with audit.acting(user.id):
        user.last_sign_in_at = utcnow()
        audit.record_event(audit.SIGNED_IN, "user", user.id, actor=user.id)
        db.session.flush()
