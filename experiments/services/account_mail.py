"""E-mail to a person about their own account, in their language."""

import logging

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMessage

from ..i18n import role_label
from ..models import User

log = logging.getLogger(__name__)


def send_confirmation(user: User, link: str) -> None:
    """Mail a new sign-up the link that confirms their address."""
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


def send_account_exists(user: User) -> None:
    """Tell an account's owner that someone tried to sign up with its address."""
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


def send_reset_link(user: User, link: str, minutes: int) -> None:
    """Mail the link that resets the password, valid for `minutes`."""
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


def send_password_changed(user: User) -> None:
    """Tell the owner that the password changed and the other sessions ended."""
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


def send_wrong_codes(user: User, times: int) -> None:
    """Tell the owner that a sign-in stopped after `times` wrong one-time codes in a row."""
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
                    n=times,
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


def send_enrolment_link(user: User, link: str, hours: int) -> None:
    """Mail a staff, manager or admin account the link that sets up its second factor."""
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


def _send(to: str, subject: str, lines: list[str]) -> None:
    try:
        EmailMessage(subject=subject, body="\n".join(lines), to=[to]).send()
    except Exception:  # a mail server outage must not turn into an error page
        log.exception("could not send account e-mail")
