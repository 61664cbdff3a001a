"""The second step of an action that cannot be undone: the same form, sent again confirmed."""

from flask_wtf import FlaskForm
from wtforms import HiddenField

from .base import PageForm

# The value the confirmation page sends; the first step sends none.
CONFIRMED = "yes"


class ConfirmForm(PageForm):
    """An action without other input (removing a record): only the confirmation."""

    confirmed = HiddenField()


def is_confirmed(form: FlaskForm) -> bool:
    """Whether the form came from the confirmation page."""
    field = getattr(form, "confirmed", None)
    return field is not None and field.data == CONFIRMED


def ask_again(form: FlaskForm) -> None:
    """Prepare the form for the confirmation page: sent from there it is confirmed."""
    form.confirmed.data = CONFIRMED


def unconfirm(form: FlaskForm) -> None:
    """A form shown again for correcting asks for the confirmation again."""
    if hasattr(form, "confirmed"):
        form.confirmed.data = ""
