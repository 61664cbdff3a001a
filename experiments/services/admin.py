"""Administration of accounts: roles and whether an account may sign in."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import Invalid, NotAllowed
from ..extensions import db
from ..lifecycle import Role
from ..models import User


def change_account(admin: User, user: User, *, role: Role | str, active: bool) -> User:
    """Set a user's role and active flag; an admin cannot lock out the last active admin."""
    if admin.role != Role.ADMIN:
        raise NotAllowed(_("Only administrators manage accounts."))
    role = Role(role)
    losing_admin = user.role == Role.ADMIN and (role != Role.ADMIN or not active)
    if losing_admin and _active_admins() <= 1:
        raise Invalid({"role": [_("The last active administrator must stay an administrator.")]})
    if user.role != role or user.active != active:
        user.role = role
        user.active = active
        user.session_epoch += 1  # a changed role takes effect at once: sign in again
    db.session.commit()
    return user


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    )
