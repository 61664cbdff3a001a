"""The second factor: who needs one, one-time codes and wrong ones, enrolment links."""

import secrets

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import audit, throttling
from ..errors import Invalid, NotAllowed, TooManyAttempts
from ..extensions import db
from ..lifecycle import Role
from ..models import User
from ..models.types import utcnow
from ..secrets_at_rest import reseal, seal, unseal
from ..security import fingerprint, new_totp_secret, sign, totp_step, unsign, verify_password
from . import account_mail
from .sign_in import user_of_link
from .transaction import unit_of_work

# Roles that must use a second factor when REQUIRE_TOTP is on (production).
PRIVILEGED_ROLES = frozenset({Role.STAFF, Role.MANAGER, Role.ADMIN})
# This many wrong one-time codes in a row end the sign-ins waiting for a code (the person
# starts again from the password), and the owner is told by e-mail.
WRONG_CODES_IN_A_ROW = 5
# What staff, managers and admins without a second factor hear when REQUIRE_TOTP is on.
ENROL_BY_LINK = _l(
    "Your role signs in with a one-time code, and your account has not set it up yet. Use "
    "the enrolment link we sent you by e-mail; if it has expired, ask an administrator to "
    "send a new one."
)


def second_factor_mandatory(user: User) -> bool:
    """Whether the user's role must use a second factor (REQUIRE_TOTP, staff and above)."""
    return bool(current_app.config.get("REQUIRE_TOTP")) and user.role in PRIVILEGED_ROLES


def second_factor_required(user: User) -> bool:
    """Whether signing in (or getting an API token) needs a one-time code from this user."""
    return user.has_totp or second_factor_mandatory(user)


def code_series(user: User) -> int:
    """The run of wrong one-time codes under way; a sign-in waiting for a code ends with it."""
    # A sign-in waiting for its code belongs to the run it began in, and
    # WRONG_CODES_IN_A_ROW wrong codes close that run.
    return user.totp_failures // WRONG_CODES_IN_A_ROW


def verify_second_factor(user: User, code: str | None) -> bool:
    """True if no code is needed or `code` is the current one (used up); raises TooManyAttempts."""
    if not second_factor_required(user):
        return True
    secret = user.totp_secret
    if not user.has_totp or secret is None or not code:
        return False  # required but not enrolled: the enrolment link comes first
    # After too many wrong codes in the last hour even the right one waits, so that codes
    # cannot be guessed at speed across many sign-ins.
    wait = throttling.code_wait(user.id)
    if wait is not None:
        raise TooManyAttempts(_("Too many wrong codes. Wait a while and try again."), wait)
    step = totp_step(unseal(secret), code, user.totp_last_step)
    if step is None:
        _count_wrong_code(user)
        return False
    with unit_of_work(counted=False):
        user.totp_last_step = step
        user.totp_failures = 0
        user.totp_secret = reseal(secret)  # onto the newest key: old ones can retire
    return True


def _count_wrong_code(user: User) -> None:
    throttling.code_failed(user.id)
    # Counted in the database in one statement: wrong codes sent at once each get their own
    # number, so exactly one of them is the fifth and sends the mail.
    with unit_of_work(counted=False):
        failures = db.session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(totp_failures=User.totp_failures + 1)
            .returning(User.totp_failures)
        ).scalar_one()
        audit.record_changes("user", user.id, {"totp_failures": [failures - 1, failures]})
        if failures % WRONG_CODES_IN_A_ROW == 0:
            account_mail.send(account_mail.Kind.WRONG_CODES, user, n=WRONG_CODES_IN_A_ROW)


def start_totp(user: User) -> str:
    """A new secret awaiting its first code (kept on reload), in clear to show; not on yet."""
    if user.totp_secret is None or user.has_totp:
        secret = new_totp_secret()
        with unit_of_work(counted=False):
            user.totp_secret = seal(secret)  # encrypted at rest (secrets_at_rest)
            user.totp_enabled_at = None
            user.totp_last_step = None
            user.totp_failures = 0
        return secret
    return unseal(user.totp_secret)


def confirm_totp(user: User, code: str, enrolment: str | None = None) -> None:
    """Turn the second factor on with a first valid code; raises NotAllowed (no link), Invalid."""
    # Knowing the password alone must not let anyone set up the second factor of a role
    # that requires one: that takes the account's own valid enrolment link.
    if second_factor_mandatory(user) and not may_enrol(user, enrolment):
        raise NotAllowed(str(ENROL_BY_LINK))
    step = totp_step(unseal(user.totp_secret), code or "", None) if user.totp_secret else None
    if step is None:
        raise Invalid({"code": [_("The code is wrong or too old. Enter the current code.")]})
    with unit_of_work(counted=False):
        user.totp_enabled_at = utcnow()
        user.totp_last_step = step
        user.totp_enrolment_nonce = None  # the enrolment link is used up
        user.session_epoch += 1  # sessions signed in without the code end


def disable_totp(user: User, password: str) -> None:
    """Turn the second factor off; refused where it is required. Raises Invalid."""
    if second_factor_mandatory(user):
        raise Invalid({"password": [_("Your role must use a second factor.")]})
    if not verify_password(user.password_hash, password):
        raise Invalid({"password": [_("Your password is wrong.")]})
    with unit_of_work(counted=False):
        user.totp_secret = None
        user.totp_enabled_at = None
        user.totp_last_step = None
        user.totp_failures = 0


def needs_enrolment_link(user: User) -> bool:
    """Whether the account (active, staff and above, no second factor) enrols by a link."""
    return user.active and user.role in PRIVILEGED_ROLES and not user.has_totp


def awaits_enrolment(user: User) -> bool:
    """Whether the user owes a one-time code but has no second factor: only their link helps."""
    return second_factor_mandatory(user) and not user.has_totp


def prepare_enrolment(user: User) -> None:
    """Make a new enrolment link possible and the earlier ones stop working; the caller commits."""
    # The caller then mails the link (mail_enrolment_link, in the same unit of work) or shows
    # it (enrolment_link) after the commit.
    user.totp_enrolment_nonce = secrets.token_urlsafe(32)


def enrolment_link(user: User) -> str:
    """The user's signed enrolment link: absolute where the site's address is known, else a path."""
    # Valid for TOTP_ENROLMENT_MAX_AGE from now, and only until the second factor is set
    # up or a newer link is prepared: it names the nonce (user_for_enrolment checks). The
    # command line knows the site's address only from SERVER_NAME; otherwise it prints a path.
    nonce = user.totp_enrolment_nonce
    if nonce is None:  # the caller prepares the enrolment first (prepare_enrolment)
        raise ValueError("no enrolment link was prepared for this user")
    token = sign("totp-enrol", {"id": user.id, "n": fingerprint(nonce)})
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("auth.enrol", token=token, _external=True)
    return current_app.url_map.bind("localhost").build("auth.enrol", {"token": token})


def user_for_enrolment(token: str | None) -> User | None:
    """The user an enrolment link was made for, while it is unexpired and not used up."""
    if not token:
        return None
    payload = unsign("totp-enrol", token, _enrolment_link_seconds())
    user = user_of_link(payload)
    if (
        user is None
        or not user.active
        or user.has_totp
        or user.totp_enrolment_nonce is None
        or payload.get("n") != fingerprint(user.totp_enrolment_nonce)
    ):
        return None
    return user


def may_enrol(user: User, enrolment: str | None) -> bool:
    """Whether the user may set up a second factor now: where the role needs one, by their link."""
    if not second_factor_mandatory(user):
        return True
    linked = user_for_enrolment(enrolment)
    return linked is not None and linked.id == user.id


def mail_enrolment_link(user: User) -> None:
    """Mail the user their enrolment link, in the unit of work that prepared it."""
    link = enrolment_link(user)
    hours = _enrolment_link_seconds() // 3600
    account_mail.send(account_mail.Kind.ENROLMENT_LINK, user, link, hours=hours)


def _enrolment_link_seconds() -> int:
    return int(current_app.config["TOTP_ENROLMENT_MAX_AGE"].total_seconds())
