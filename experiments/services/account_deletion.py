"""Deleting an account: the person is erased, the rows stay for history and statistics."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..lifecycle import Role
from ..models import ApiToken, Feedback, User
from ..models.types import utcnow
from ..security import verify_password
from . import experiment_feedback, mail_outbox
from .transaction import unit_of_work

DELETED_NAME = "Deleted user"


def delete_account(user: User, password: str) -> None:
    """Erase the person from their account; raises Invalid (password), Conflict (the last admin)."""
    if not verify_password(user.password_hash, password):
        raise Invalid({"password": [_("Your password is wrong.")]})
    if user.role == Role.ADMIN and _active_admins() <= 1:
        raise Conflict(_("The last active administrator cannot delete their account."))
    now = utcnow()
    email = user.email
    # The person acts, though from the erasure on the account no longer counts as signed in.
    with audit.acting(user.id), unit_of_work():
        # Mail to the person not sent yet is cancelled, and no stored message keeps them.
        mail_outbox.forget_person(user, email)
        _erase_person(user, now)
        _revoke_tokens(user, now)
        _forget_feedback_contacts(user)
        experiment_feedback.forget_contacts(user, email)


def _revoke_tokens(user: User, now: datetime) -> None:
    revoked = db.session.scalars(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(ApiToken.id)
    ).all()
    for token_id in revoked:
        audit.record_changes("api_token", token_id, {"revoked_at": [None, now]})


def _forget_feedback_contacts(user: User) -> None:
    # Contact details the person left with feedback go too; the feedback itself stays.
    forgotten = db.session.scalars(
        sa.update(Feedback)
        .where(Feedback.user_id == user.id)
        .values(name=None, email=None, user_id=None)
        .returning(Feedback.id)
    ).all()
    for feedback_id in forgotten:
        audit.record_changes(
            "feedback",
            feedback_id,
            {"name": [None, None], "email": [None, None], "user_id": [user.id, None]},
        )


def _erase_person(user: User, now: datetime) -> None:
    # Name and e-mail replaced, the password made unusable, the second factor removed, and
    # every session ended; the row stays, so what the person did still adds up.
    user.name = DELETED_NAME
    user.email = f"deleted-user-{user.id}"  # unique, and not an address
    user.password_hash = "!" + secrets.token_hex(16)  # no password verifies against it
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.totp_enrolment_nonce = None
    user.password_changed_at = None
    user.active = False
    user.deleted_at = now
    user.session_epoch += 1


def _active_admins() -> int:
    return db.session.execute(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    ).scalar_one()
