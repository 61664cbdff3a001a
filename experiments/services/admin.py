"""Administration of accounts: roles and whether an account may sign in."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..lifecycle import Role
from ..models import AccountChange, User
from . import second_factor
from .second_factor import PRIVILEGED_ROLES
from .transaction import unit_of_work


def change_account(admin: User, user: User, *, role: Role | str, active: bool) -> User:
    """Set a user's role and active flag; an admin cannot lock out the last active admin.

    An account that becomes staff, manager or admin without a second factor is mailed an
    enrolment link: only that link sets the second factor up, not the password alone.
    """
    _only_admins(admin)
    role = Role(role)
    losing_admin = user.role == Role.ADMIN and (role != Role.ADMIN or not active)
    if losing_admin and _active_admins() <= 1:
        raise Invalid({"role": [_("The last active administrator must stay an administrator.")]})
    promoted = role in PRIVILEGED_ROLES and user.role not in PRIVILEGED_ROLES
    # Counted: pages kept per data generation name people by their role (an applicant's
    # history says "staff"), so a new role must make them stale.
    with unit_of_work():
        if user.role != role or user.active != active:
            db.session.add(
                AccountChange(
                    user=user,
                    actor=admin,
                    old_role=user.role,
                    new_role=role,
                    old_active=user.active,
                    new_active=active,
                )
            )
            user.role = role
            user.active = active
            user.session_epoch += 1  # a changed role takes effect at once: sign in again
        link_due = promoted and second_factor.needs_enrolment_link(user)
        if link_due:
            second_factor.prepare_enrolment(user)
            second_factor.mail_enrolment_link(user)
    return user


def send_enrolment_link(admin: User, user: User) -> None:
    """Mail a staff, manager or admin account without a second factor a new enrolment link
    (the earlier ones stop working). Raises NotAllowed, or Conflict when it needs none."""
    _only_admins(admin)
    if not second_factor.needs_enrolment_link(user):
        raise Conflict(
            _(
                "Only an active staff, manager or administrator account that has not set up "
                "two-step sign-in gets an enrolment link."
            )
        )
    with unit_of_work(counted=False):
        second_factor.prepare_enrolment(user)
        second_factor.mail_enrolment_link(user)


def _only_admins(admin: User) -> None:
    if admin.role != Role.ADMIN:
        raise NotAllowed(_("Only administrators manage accounts."))


def _active_admins() -> int:
    return db.session.execute(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    ).scalar_one()
