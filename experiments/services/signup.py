"""Signing up: applicants register and confirm their address; the command line creates users."""

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _

from ..errors import Invalid
from ..extensions import db
from ..lifecycle import Role
from ..models import User
from ..models.types import utcnow
from ..security import (
    burn_verification,
    fingerprint,
    hash_password,
    password_problems,
    sign,
    unsign,
)
from . import account_mail, organisations
from .passwords import check_new_password
from .second_factor import PRIVILEGED_ROLES, prepare_enrolment
from .sign_in import find_user, normalise_email, user_of_link
from .transaction import transactional, unit_of_work


@transactional
def create_user(
    email: str, name: str, password: str, role: Role | str = Role.APPLICANT, **fields: object
) -> User:
    """Create and commit a confirmed user (CLI, admin); raises Invalid (taken, weak)."""
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
        # Staff and above set up their second factor only with an enrolment link, which the
        # caller shows (enrolment_link) or mails (mail_enrolment_link).
        prepare_enrolment(user)
    db.session.add(user)
    return user


def register(
    email: str,
    name: str,
    password: str,
    *,
    proposer_type: str,
    locale: str,
    organisation_name: str | None = None,
    organisation_type: str | None = None,
    business_id: str | None = None,
) -> None:
    """Sign an applicant up and mail them a confirmation link; raises Invalid."""
    email = normalise_email(email)
    if not name.strip():
        raise Invalid({"name": [_("Enter your name.")]})
    check_new_password(password, email)
    try:
        with unit_of_work():
            organisation = None
            if organisation_name and organisation_name.strip():
                if organisation_type is None:  # the page sends one with every organisation
                    raise ValueError("an organisation needs its type")
                organisation = organisations.find_or_create(
                    organisation_name, organisation_type, business_id
                )
            existing = find_user(email)
            if existing is not None:
                raise _AlreadyRegistered(existing)  # nothing of this attempt is kept
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
    except _AlreadyRegistered as taken:
        # The outcome looks the same whether or not the address had an account (no account
        # enumeration, ASVS 2.2 / 3.x): its owner is told by mail instead.
        burn_verification(password)  # as long as hashing a new password
        account_mail.send_account_exists(taken.user)
        return
    _mail_confirmation(user)


class _AlreadyRegistered(Exception):
    def __init__(self, user: User) -> None:
        super().__init__(user.id)
        self.user = user


@dataclass(frozen=True)
class Confirmation:
    user: User
    first: bool  # this link confirmed the address now (not a link used again)


def confirm_email(token: str) -> Confirmation | None:
    """Confirm the address that a registration link was sent to; None if the link is bad."""
    max_age = int(current_app.config["EMAIL_CONFIRM_MAX_AGE"].total_seconds())
    payload = unsign("confirm-email", token, max_age)
    user = user_of_link(payload)
    if user is None or payload.get("email") != fingerprint(user.email):
        return None
    if user.email_confirmed_at is not None:
        return Confirmation(user, first=False)
    with unit_of_work(counted=False):
        user.email_confirmed_at = utcnow()
    return Confirmation(user, first=True)


def resend_confirmation(user: User) -> None:
    """Send a new confirmation link to an account that has not confirmed its address."""
    if user.email_confirmed_at is None:
        _mail_confirmation(user)


def _mail_confirmation(user: User) -> None:
    token = sign("confirm-email", {"id": user.id, "email": fingerprint(user.email)})
    link = url_for("auth.confirm_email", token=token, _external=True)
    account_mail.send_confirmation(user, link)
