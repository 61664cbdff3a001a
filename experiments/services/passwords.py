"""Passwords: choosing a new one, changing it, and resetting a forgotten one by a mailed link."""

from flask import current_app, url_for
from flask_babel import gettext as _

from ..errors import Conflict, Invalid
from ..models import User
from ..models.types import utcnow
from ..security import fingerprint, hash_password, password_problems, sign, unsign, verify_password
from . import account_mail
from .inputs import Fields
from .sign_in import find_user, normalise_email, user_of_link
from .transaction import unit_of_work


def check_new_password(fields: Fields, password: str, email: str) -> None:
    """Note on fields what makes a new password too weak for the account with this address."""
    for problem in password_problems(password, email):
        fields.fail("password", problem)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password; every other session of the user ends. Raises Invalid naming every
    wrong field."""
    checked = Fields()
    right = verify_password(user.password_hash, current)
    if not right:
        checked.fail("current", _("Your current password is wrong."))
    check_new_password(checked, new, user.email)
    # Compared only once the current one is right: else the form would tell a guess.
    if right and not checked.errors and verify_password(user.password_hash, new):
        checked.fail("password", _("Choose a password different from the current one."))
    checked.raise_if_any()
    with unit_of_work(counted=False):
        _set_password(user, new)
        account_mail.send(account_mail.Kind.PASSWORD_CHANGED, user)


def request_password_reset(email: str) -> None:
    """E-mail a reset link if an active account has this address; silent either way."""
    try:
        email = normalise_email(email)
    except Invalid:
        return
    user = find_user(email)
    if user is None or not user.active:
        return
    token = sign("password-reset", {"id": user.id, "pw": fingerprint(user.password_hash)})
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = _reset_link_seconds() // 60
    account_mail.send(account_mail.Kind.RESET_LINK, user, link, n=minutes)


def user_for_reset(token: str) -> User | None:
    """The user a reset link was made for, if it is unexpired and its password is unchanged."""
    payload = unsign("password-reset", token, _reset_link_seconds())
    user = user_of_link(payload)
    # Bound to the password hash: once the password changes, the link is used up.
    if user is None or not user.active or payload.get("pw") != fingerprint(user.password_hash):
        return None
    return user


def reset_password(token: str, new: str) -> User:
    """Set the password from a reset link; sessions end. Raises Conflict (bad link), Invalid."""
    user = user_for_reset(token)
    if user is None:
        raise Conflict(_("This link has expired or was used already. Ask for a new one."))
    checked = Fields()
    check_new_password(checked, new, user.email)
    checked.raise_if_any()
    with unit_of_work(counted=False):
        _set_password(user, new)
        if user.email_confirmed_at is None:
            user.email_confirmed_at = utcnow()  # the link proved the address
        account_mail.send(account_mail.Kind.PASSWORD_CHANGED, user)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_epoch += 1


def _reset_link_seconds() -> int:
    return int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
