"""E-mail to a person about their own account, in their language: one table of mails."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import role_label
from ..lifecycle import N_
from ..models import User
from . import mail_outbox

# A line of a mail that is the link itself, never translated.
LINK = "<link>"


class Kind(StrEnum):
    CONFIRMATION = "confirmation"  # a new sign-up's link that confirms the address
    ACCOUNT_EXISTS = "account_exists"  # someone tried to sign up with the address
    RESET_LINK = "reset_link"  # the link that resets the password, valid n minutes
    PASSWORD_CHANGED = "password_changed"  # and the other sessions ended
    WRONG_CODES = "wrong_codes"  # a sign-in stopped after n wrong one-time codes in a row
    ENROLMENT_LINK = "enrolment_link"  # a privileged account's second factor, within hours


@dataclass(frozen=True)
class Mail:
    """A mail's subject and lines, translated as it is sent: "" is an empty line, LINK the
    link; the other lines may name the person (%(name)s), their role (%(role)s) and the
    values the sender gives."""

    subject: str
    lines: tuple[str, ...]
    # The page the link leads to, where the sender gives none.
    link_endpoint: str | None = None


_HELLO = N_("Hello %(name)s,")

MAILS = {
    Kind.CONFIRMATION: Mail(
        N_("Confirm your e-mail address for Kokeilu"),
        (
            _HELLO,
            "",
            N_("Welcome to Kokeilu. Confirm your e-mail address to finish your account:"),
            LINK,
            "",
            N_("If you did not sign up, ignore this message; no account will be used."),
        ),
    ),
    Kind.ACCOUNT_EXISTS: Mail(
        N_("Someone tried to sign up with your address"),
        (
            _HELLO,
            "",
            N_(
                "Someone (perhaps you) tried to create a new Kokeilu account with this e-mail "
                "address. You already have an account. Sign in, or if you have forgotten your "
                "password, choose a new one here:"
            ),
            LINK,
            "",
            N_("If it was not you, you need not do anything."),
        ),
        link_endpoint="auth.forgot_password",
    ),
    Kind.RESET_LINK: Mail(
        N_("Reset your Kokeilu password"),
        (
            _HELLO,
            "",
            N_(
                "Someone (hopefully you) asked to reset the password of your Kokeilu account. "
                "Choose a new password here within %(n)d minutes:"
            ),
            LINK,
            "",
            N_("If it was not you, ignore this message: your password stays as it is."),
        ),
    ),
    Kind.PASSWORD_CHANGED: Mail(
        N_("Your Kokeilu password was changed"),
        (
            _HELLO,
            "",
            N_(
                "The password of your Kokeilu account was just changed, and every session "
                "signed in with the old one has ended."
            ),
            "",
            N_(
                "If you did not do this, reset your password at once and tell the city's "
                "experiment team."
            ),
        ),
    ),
    Kind.WRONG_CODES: Mail(
        N_("Sign-in to Kokeilu stopped after wrong codes"),
        (
            _HELLO,
            "",
            N_(
                "Someone gave the password of your Kokeilu account and then a wrong "
                "one-time code %(n)d times in a row, so we stopped that sign-in."
            ),
            "",
            N_("If it was you, sign in again and give the code your authenticator app shows."),
            N_(
                "If it was not you, someone knows your password: choose a new one at once "
                "here, and tell the city's experiment team:"
            ),
            LINK,
        ),
        link_endpoint="auth.forgot_password",
    ),
    Kind.ENROLMENT_LINK: Mail(
        N_("Set up two-step sign-in for Kokeilu"),
        (
            _HELLO,
            "",
            N_(
                "Your Kokeilu account has the role %(role)s. It signs in with a password "
                "and a one-time code from an authenticator app."
            ),
            "",
            N_(
                "Set up the app with this link within %(hours)d hours. The link works once "
                "and asks for your password first:"
            ),
            LINK,
            "",
            N_(
                "If the link has expired, ask an administrator to send a new one. If you "
                "did not expect this message, tell the city's experiment team."
            ),
        ),
    ),
}


def send(kind: Kind, user: User, link: str | None = None, **values: int) -> None:
    """Store the mail of this kind to the user, in their language, in the caller's unit of
    work (or its own); it is sent after the commit, so a mail server outage loses nothing."""
    mail = MAILS[kind]
    if link is None and mail.link_endpoint is not None:
        link = url_for(mail.link_endpoint, _external=True)
    with force_locale(user.locale or "fi"):
        variables = {"name": user.name, "role": role_label(user.role), **values}
        lines = [
            (link or "") if line == LINK else _(line, **variables) if line else ""
            for line in mail.lines
        ]
        subject = _(mail.subject)
    mail_outbox.queue(kind.value, user.email, subject, "\n".join(lines), user=user)
