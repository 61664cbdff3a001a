"""E-mail updates on an experiment: the address to send them to, and the confirming button.

The subscriptions service checks the address (subscriptions.subscribe)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired

from .base import PageForm


class SubscribeForm(PageForm):
    email = EmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(_l("Enter a valid e-mail address."))],
        description=_l(
            "We send a link to confirm it first. Every update has a link that stops them."
        ),
        render_kw={"autocomplete": "email", "maxlength": 254},
    )


class ConfirmSubscriptionForm(PageForm):
    """Only the button (and the CSRF token): the link in the URL says what it confirms."""
