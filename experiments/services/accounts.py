"""Accounts: signing up and in, passwords, the second factor, and a person's own data."""

import logging
import secrets
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage
from sqlalchemy import func, select

from .. import throttling
from ..errors import Conflict, Invalid, NotAllowed, TooManyAttempts
from ..extensions import db
from ..i18n import role_label
from ..lifecycle import Role
from ..models import ApiToken, Feedback, User
from ..models.types import utcnow
from ..secrets_at_rest import reseal, seal, unseal
from ..security import (
    burn_verification,
    fingerprint,
    hash_password,
    new_totp_secret,
    password_needs_rehash,
    password_problems,
    sign,
    totp_step,
    unsign,
    verify_password,
)
from . import organisations

log = logging.getLogger(__name__)

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
DELETED_NAME = "Deleted user"
# Columns of the user row that are secrets or bookkeeping, never exported.
_NOT_EXPORTED = {
    "password_hash",
    "totp_secret",
    "totp_last_step",
    "totp_failures",
    "totp_enrolment_nonce",
    "session_epoch",
    "token_hash",
}


def normalise_email(email: str) -> str:
    """The canonical form of an address; raises Invalid when it is not one."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid({"email": [_("Enter a valid e-mail address.")]}) from error


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _check_new_password(password: str, email: str, field: str = "password") -> None:
    problems = password_problems(password, email)
    if problems:
        raise Invalid({field: problems})


def create_user(email, name, password, role=Role.APPLICANT, **fields) -> User:
    """Create and commit a confirmed user (CLI, admin); raises Invalid (taken, weak).

    A staff, manager or admin account can then set up its second factor only with
    enrolment_link(user): show it to the person, or mail_enrolment_link(user).
    """
    email = normalise_email(email)
    errors: dict[str, list[str]] = {}
    if find_user(email) is not None:
        errors["email"] = [_("An account with this e-mail address already exists.")]
    problems = password_problems(password, email)
    if problems:
        errors["password"] = problems
    if not name.strip():
        errors["name"] = [_("Enter your name.")]
    if errors:
        raise Invalid(errors)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role(role),
        **fields,
    )
    if user.role in PRIVILEGED_ROLES:
        prepare_enrolment(user)
    db.session.add(user)
    db.session.commit()
    return user


def register(
    email: str,
    name: str,
    password: str,
    *,
    proposer_type,
    locale: str,
    organisation_name: str | None = None,
    organisation_type: str | None = None,
    business_id: str | None = None,
) -> None:
    """Sign an applicant up: a confirmation link to a new address, a notice to a taken one.

    Raises Invalid for bad fields; otherwise the outcome looks the same whether or not the
    address had an account (no account enumeration, ASVS 2.2 / 3.x).
    """
    email = normalise_email(email)
    if not name.strip():
        raise Invalid({"name": [_("Enter your name.")]})
    _check_new_password(password, email)
    organisation = None
    if organisation_name and organisation_name.strip():
        organisation = organisations.find_or_create(
            organisation_name, organisation_type, business_id
        )
    existing = find_user(email)
    if existing is not None:
        db.session.rollback()  # nothing of this attempt is kept
        burn_verification(password)  # as long as hashing a new password
        _mail_account_exists(existing)
        return
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=Role.APPLICANT,
        proposer_type=proposer_type,
        locale=locale,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.flush()
    # The column's default confirms users made otherwise; None is taken as "use it".
    user.email_confirmed_at = None
    db.session.commit()
    _mail_confirmation(user)


def confirm_email(token: str) -> User | None:
    """Confirm the address that a registration link was sent to; None if the link is bad."""
    max_age = int(current_app.config["EMAIL_CONFIRM_MAX_AGE"].total_seconds())
    payload = unsign("confirm-email", token, max_age)
    user = _user_of(payload)
    if user is None or payload.get("email") != fingerprint(user.email):
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def resend_confirmation(user: User) -> None:
    """Send a new confirmation link to an account that has not confirmed its address."""
    if user.email_confirmed_at is None:
        _mail_confirmation(user)


def authenticate(email: str, password: str, *, confirmed_only: bool = True) -> User | None:
    """The active user with this e-mail and password (and a confirmed address unless told
    otherwise), or None; the same work either way."""
    user = find_user(email.strip())
    if user is None or not user.active:
        burn_verification(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if confirmed_only and user.email_confirmed_at is None:
        return None
    if password_needs_rehash(user.password_hash):  # hashed with older parameters
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def end_other_sessions(user: User) -> None:
    """Invalidate every session of the user (logout everywhere, password change)."""
    user.session_epoch += 1
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password; every other session of the user ends. Raises Invalid."""
    if not verify_password(user.password_hash, current):
        raise Invalid({"current": [_("Your current password is wrong.")]})
    _check_new_password(new, user.email, field="password")
    if verify_password(user.password_hash, new):
        raise Invalid({"password": [_("Choose a password different from the current one.")]})
    _set_password(user, new)
    db.session.commit()
    _mail_password_changed(user)


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
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    with force_locale(user.locale or "fi"):
        _send(
            user.email,
            _("Reset your Kokeilu password"),
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _(
                    "Someone (hopefully you) asked to reset the password of your Kokeilu account. "
                    "Choose a new password here within %(n)d minutes:",
                    n=minutes,
                ),
                link,
                "",
                _("If it was not you, ignore this message: your password stays as it is."),
            ],
        )


def user_for_reset(token: str) -> User | None:
    """The user a reset link was made for, if it is unexpired and its password is unchanged."""
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    payload = unsign("password-reset", token, max_age)
    user = _user_of(payload)
    # Bound to the password hash: once the password changes, the link is used up.
    if user is None or not user.active or payload.get("pw") != fingerprint(user.password_hash):
        return None
    return user


def reset_password(token: str, new: str) -> User:
    """Set the password from a reset link; ends every session. Raises Conflict for a bad
    link, Invalid for a weak password."""
    user = user_for_reset(token)
    if user is None:
        raise Conflict(_("This link has expired or was used already. Ask for a new one."))
    _check_new_password(new, user.email)
    _set_password(user, new)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # the link proved the address
    db.session.commit()
    _mail_password_changed(user)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.session_epoch += 1


def second_factor_mandatory(user: User) -> bool:
    """Whether the user's role must use a second factor (REQUIRE_TOTP, staff and above)."""
    return bool(current_app.config.get("REQUIRE_TOTP")) and user.role in PRIVILEGED_ROLES


def second_factor_required(user: User) -> bool:
    """Whether signing in (or getting an API token) needs a one-time code from this user."""
    return user.has_totp or second_factor_mandatory(user)


def code_series(user: User) -> int:
    """The run of wrong one-time codes under way. A sign-in waiting for its code belongs to
    the run it began in, and ends when WRONG_CODES_IN_A_ROW wrong codes close that run."""
    return user.totp_failures // WRONG_CODES_IN_A_ROW


def verify_second_factor(user: User, code: str | None) -> bool:
    """True if the user needs no code, or `code` is their current one-time code (used up).

    Every WRONG_CODES_IN_A_ROW wrong codes in a row end the sign-ins waiting for a code
    (code_series) and tell the owner by e-mail. Raises TooManyAttempts while the account has
    had too many wrong codes in the last hour, even for the right code.
    """
    if not second_factor_required(user):
        return True
    if not user.has_totp or not code:
        return False  # required but not enrolled: the enrolment link comes first
    wait = throttling.code_wait(user.id)
    if wait is not None:
        raise TooManyAttempts(_("Too many wrong codes. Wait a while and try again."), wait)
    step = totp_step(unseal(user.totp_secret), code, user.totp_last_step)
    if step is None:
        _count_wrong_code(user)
        return False
    user.totp_last_step = step
    user.totp_failures = 0
    user.totp_secret = reseal(user.totp_secret)  # onto the newest key: old ones can retire
    db.session.commit()
    return True


def _count_wrong_code(user: User) -> None:
    throttling.code_failed(user.id)
    # Counted in the database in one statement: wrong codes sent at once each get their own
    # number, so exactly one of them is the fifth and sends the mail.
    failures = db.session.execute(
        sa.update(User)
        .where(User.id == user.id)
        .values(totp_failures=User.totp_failures + 1)
        .returning(User.totp_failures)
    ).scalar_one()
    db.session.commit()
    if failures % WRONG_CODES_IN_A_ROW == 0:
        _mail_wrong_codes(user)


def start_totp(user: User) -> str:
    """A new secret awaiting its first code (kept on reload); the second factor is not on yet.

    The secret is stored encrypted (secrets_at_rest); the clear one is returned to show.
    """
    if user.totp_secret is None or user.has_totp:
        secret = new_totp_secret()
        user.totp_secret = seal(secret)
        user.totp_enabled_at = None
        user.totp_last_step = None
        user.totp_failures = 0
        db.session.commit()
        return secret
    return unseal(user.totp_secret)


def confirm_totp(user: User, code: str, enrolment: str | None = None) -> None:
    """Turn the second factor on with a first valid code; the enrolment link is used up.

    Where the role requires a second factor, only with `enrolment`, the account's valid
    enrolment link: knowing the password alone must not let anyone set it up. Raises
    NotAllowed without that link, Invalid for a wrong code.
    """
    if second_factor_mandatory(user) and not may_enrol(user, enrolment):
        raise NotAllowed(str(ENROL_BY_LINK))
    step = totp_step(unseal(user.totp_secret), code or "", None) if user.totp_secret else None
    if step is None:
        raise Invalid({"code": [_("The code is wrong or too old. Enter the current code.")]})
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    user.totp_enrolment_nonce = None
    user.session_epoch += 1  # sessions signed in without the code end
    db.session.commit()


def needs_enrolment_link(user: User) -> bool:
    """Whether the account (active staff, manager or admin without a second factor) sets up
    its second factor with an enrolment link."""
    return user.active and user.role in PRIVILEGED_ROLES and not user.has_totp


def awaits_enrolment(user: User) -> bool:
    """Whether the user must give a one-time code but has not set up the second factor: only
    their enrolment link lets them."""
    return second_factor_mandatory(user) and not user.has_totp


def prepare_enrolment(user: User) -> None:
    """Make a new enrolment link possible and the earlier ones stop working; the caller
    commits, then sends it (mail_enrolment_link) or shows it (enrolment_link)."""
    user.totp_enrolment_nonce = secrets.token_urlsafe(32)


def enrolment_link(user: User) -> str:
    """The user's enrolment link: signed, valid for TOTP_ENROLMENT_MAX_AGE from now, and only
    until the second factor is set up or a newer link is prepared. Absolute when the site's
    address is known (a request, SERVER_NAME), else the path (the command line)."""
    token = sign("totp-enrol", {"id": user.id, "n": fingerprint(user.totp_enrolment_nonce)})
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("auth.enrol", token=token, _external=True)
    return current_app.url_map.bind("localhost").build("auth.enrol", {"token": token})


def user_for_enrolment(token: str | None) -> User | None:
    """The user an enrolment link was made for, while it is unexpired and not used up."""
    if not token:
        return None
    max_age = int(current_app.config["TOTP_ENROLMENT_MAX_AGE"].total_seconds())
    payload = unsign("totp-enrol", token, max_age)
    user = _user_of(payload)
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
    """Whether the user may set up a second factor now: anyone whose role does not require
    one; otherwise only with their own valid enrolment link."""
    if not second_factor_mandatory(user):
        return True
    linked = user_for_enrolment(enrolment)
    return linked is not None and linked.id == user.id


def mail_enrolment_link(user: User) -> None:
    """Send the user their enrolment link, in their language (after the commit that
    prepared it)."""
    link = enrolment_link(user)
    hours = int(current_app.config["TOTP_ENROLMENT_MAX_AGE"].total_seconds() // 3600)
    with force_locale(user.locale or "fi"):
        _send(
            user.email,
            _("Set up two-step sign-in for Kokeilu"),
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _(
                    "Your Kokeilu account has the role %(role)s. It signs in with a password "
                    "and a one-time code from an authenticator app.",
                    role=role_label(user.role),
                ),
                "",
                _(
                    "Set up the app with this link within %(hours)d hours. The link works once "
                    "and asks for your password first:",
                    hours=hours,
                ),
                link,
                "",
                _(
                    "If the link has expired, ask an administrator to send a new one. If you "
                    "did not expect this message, tell the city's experiment team."
                ),
            ],
        )


def disable_totp(user: User, password: str) -> None:
    """Turn the second factor off; refused where it is required. Raises Invalid."""
    if second_factor_mandatory(user):
        raise Invalid({"password": [_("Your role must use a second factor.")]})
    if not verify_password(user.password_hash, password):
        raise Invalid({"password": [_("Your password is wrong.")]})
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.totp_failures = 0
    db.session.commit()


def choose_language(user: User, language: str | None) -> None:
    """Save the language of the user's pages and e-mail; raises Invalid for one not offered."""
    if language not in current_app.config["LANGUAGES"]:
        raise Invalid({"lang": [_("Unknown value.")]})
    if user.locale != language:
        user.locale = language
        db.session.commit()


def personal_data(user: User) -> dict:
    """Everything stored about the user, as JSON-ready data (GDPR art. 15 and 20).

    The account itself, then every row of every table that refers to the user (their
    proposals, the history entries they made, reviews, evaluations, tokens …), found
    from the schema so that new tables are included without changes here.
    """
    data = {
        "exported_at": _plain(utcnow()),
        "account": _row(user),
        "organisation": _row(user.organisation) if user.organisation else None,
        "second_factor_enabled": user.has_totp,
    }
    records: dict[str, list] = {}
    for table in db.metadata.sorted_tables:
        columns = [fk.parent for fk in table.foreign_keys if fk.column.table.name == "user"]
        if not columns or table.name == "user":
            continue
        rows = db.session.execute(
            select(table)
            .where(sa.or_(*(column == user.id for column in columns)))
            .order_by(*table.primary_key.columns)
        ).mappings()
        found = [
            {key: _plain(value) for key, value in row.items() if key not in _NOT_EXPORTED}
            for row in rows
        ]
        if found:
            records[table.name] = found
    data["records"] = records
    return data


def delete_account(user: User, password: str) -> None:
    """Erase the person from their account, keeping its rows for history and statistics.

    Name and e-mail are replaced, the password made unusable, the second factor and API
    tokens removed, contact details left with feedback erased, sessions ended. Raises
    Invalid for a wrong password, Conflict for the last active administrator.
    """
    if not verify_password(user.password_hash, password):
        raise Invalid({"password": [_("Your password is wrong.")]})
    if user.role == Role.ADMIN:
        admins = db.session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
        )
        if admins <= 1:
            raise Conflict(_("The last active administrator cannot delete their account."))
    now = utcnow()
    user.name = DELETED_NAME
    user.email = f"deleted-user-{user.id}"  # unique, and not an address
    user.password_hash = "!" + secrets.token_hex(16)  # no password verifies against it
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.totp_enrolment_nonce = None
    user.password_changed_at = None
    user.active = False
    user.deleted_at = now
    user.session_epoch += 1
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    # Contact details the person left with feedback go too; the feedback itself stays.
    db.session.execute(
        sa.update(Feedback)
        .where(Feedback.user_id == user.id)
        .values(name=None, email=None, user_id=None)
    )
    db.session.commit()


def _row(obj) -> dict:
    mapper = sa.inspect(obj).mapper
    return {
        column.key: _plain(getattr(obj, column.key))
        for column in mapper.column_attrs
        if column.key not in _NOT_EXPORTED
    }


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Enum):
        return value.value
    return value


def _user_of(payload) -> User | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        return None
    return db.session.get(User, payload["id"])


def _mail_confirmation(user: User) -> None:
    token = sign("confirm-email", {"id": user.id, "email": fingerprint(user.email)})
    link = url_for("auth.confirm_email", token=token, _external=True)
    with force_locale(user.locale or "fi"):
        _send(
            user.email,
            _("Confirm your e-mail address for Kokeilu"),
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _("Welcome to Kokeilu. Confirm your e-mail address to finish your account:"),
                link,
                "",
                _("If you did not sign up, ignore this message; no account will be used."),
            ],
        )


def _mail_account_exists(user: User) -> None:
    link = url_for("auth.forgot_password", _external=True)
    with force_locale(user.locale or "fi"):
        _send(
            user.email,
            _("Someone tried to sign up with your address"),
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _(
                    "Someone (perhaps you) tried to create a new Kokeilu account with this e-mail "
                    "address. You already have an account. Sign in, or if you have forgotten your "
                    "password, choose a new one here:"
                ),
                link,
                "",
                _("If it was not you, you need not do anything."),
            ],
        )


def _mail_password_changed(user: User) -> None:
    with force_locale(user.locale or "fi"):
        _send(
            user.email,
            _("Your Kokeilu password was changed"),
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _(
                    "The password of your Kokeilu account was just changed, and every session "
                    "signed in with the old one has ended."
                ),
                "",
                _(
                    "If you did not do this, reset your password at once and tell the city's "
                    "experiment team."
                ),
            ],
        )


def _mail_wrong_codes(user: User) -> None:
    link = url_for("auth.forgot_password", _external=True)
    with force_locale(user.locale or "fi"):
        _send(
            user.email,
            _("Sign-in to Kokeilu stopped after wrong codes"),
            [
                _("Hello %(name)s,", name=user.name),
                "",
                _(
                    "Someone gave the password of your Kokeilu account and then a wrong "
                    "one-time code %(n)d times in a row, so we stopped that sign-in.",
                    n=WRONG_CODES_IN_A_ROW,
                ),
                "",
                _("If it was you, sign in again and give the code your authenticator app shows."),
                _(
                    "If it was not you, someone knows your password: choose a new one at once "
                    "here, and tell the city's experiment team:"
                ),
                link,
            ],
        )


def _send(to: str, subject: str, lines: list[str]) -> None:
    try:
        EmailMessage(subject=subject, body="\n".join(lines), to=[to]).send()
    except Exception:  # a mail server outage must not turn into an error page
        log.exception("could not send account e-mail")
