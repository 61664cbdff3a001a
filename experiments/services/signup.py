"""Signing up: applicants register and confirm their address; the command line creates users."""

from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..i18n import LANGUAGE_NAMES
from ..lifecycle import Role
from ..models import User
from ..models.types import utcnow
from ..rules import NAME_MAX
from ..security import (
    burn_verification,
    fingerprint,
    hash_password,
    sign,
    unsign,
)
from ..vocabulary import OrganisationType, ProposerType
from . import account_mail, organisations
from .inputs import Fields, blank
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
    checked = Fields()
    if find_user(email) is not None:
        checked.fail("email", _("An account with this e-mail address already exists."))
    check_new_password(checked, password, email)
    name = _person_name(checked, name)
    checked.raise_if_any()
    user = User(
        email=email,
        name=name,
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


def _person_name(fields: Fields, value: object) -> str:
    """A person's name: one line of at most NAME_MAX characters."""
    return fields.text(
        "name",
        value,
        max_length=NAME_MAX,
        required=True,
        message=_("Enter your name."),
        one_line=True,
    )


def registration_values(
    values: Mapping[str, object], password: str | None = None, email: str = ""
) -> dict[str, object]:
    """A sign-up's name, proposer type, language and organisation, checked, and the password
    when given (for the account with this address); raises Invalid naming every wrong field.

    A resident proposes without an organisation: whatever was typed for one is not kept.
    Anyone else names theirs (its type is the proposer type), as "organisation" holds it:
    {"name": …, "business_id": …}.
    """
    fields = Fields()
    if password is not None:
        check_new_password(fields, password, email)
    name = _person_name(fields, values.get("name"))
    proposer = fields.choice("proposer_type", values.get("proposer_type"), ProposerType)
    locale = fields.choice("locale", values.get("locale"), tuple(LANGUAGE_NAMES))
    organisation = None
    if proposer is not None and proposer != ProposerType.RESIDENT:
        given = values.get("organisation")
        if not isinstance(given, dict) or blank(given.get("name")):
            fields.fail("organisation.name", _("Name your organisation, or propose as a resident."))
        else:
            organisation = organisations.organisation_values(
                fields, given, default_type=OrganisationType(proposer)
            )
    fields.raise_if_any()
    return {"name": name, "proposer_type": proposer, "locale": locale, "organisation": organisation}


def register(email: str, password: str, values: Mapping[str, object]) -> None:
    """Sign an applicant up and mail them a confirmation link; raises Invalid.

    values: as registration_values takes them.
    """
    email = normalise_email(email)
    checked = registration_values(values, password, email)
    try:
        with unit_of_work():
            organisation = None
            if checked["organisation"] is not None:
                organisation = organisations.find_or_create_checked(checked["organisation"])
            existing = find_user(email)
            if existing is not None:
                raise _AlreadyRegistered(existing)  # nothing of this attempt is kept
            user = User(
                email=email,
                name=checked["name"],
                password_hash=hash_password(password),
                role=Role.APPLICANT,
                proposer_type=checked["proposer_type"],
                locale=checked["locale"],
                organisation=organisation,
            )
            db.session.add(user)
            db.session.flush()
            # The column's default confirms users made otherwise; None is taken as "use it".
            user.email_confirmed_at = None
            _mail_confirmation(user)
    except _AlreadyRegistered as taken:
        # The outcome looks the same whether or not the address had an account (no account
        # enumeration, ASVS 2.2 / 3.x): its owner is told by mail instead.
        burn_verification(password)  # as long as hashing a new password
        account_mail.send(account_mail.Kind.ACCOUNT_EXISTS, taken.user)


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
    account_mail.send(account_mail.Kind.CONFIRMATION, user, link)
