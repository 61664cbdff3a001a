"""A person's own settings: the language of their pages and e-mail."""

from flask import current_app
from flask_babel import gettext as _

from ..errors import Invalid
from ..models import User
from .transaction import unit_of_work


def choose_language(user: User, language: str | None) -> None:
    """Save the language of the user's pages and e-mail; raises Invalid for one not offered."""
    if language is None or language not in current_app.config["LANGUAGES"]:
        raise Invalid({"lang": [_("Unknown value.")]})
    if user.locale != language:
        with unit_of_work(counted=False):
            user.locale = language
