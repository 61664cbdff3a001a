"""Forms of a person's own account: language, second factor, deletion."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import DataRequired

from .base import PageForm


class LanguageForm(PageForm):
    """The language switch of a signed-in person: the button pressed, and the page to return to."""

    lang = HiddenField()
    next = HiddenField()


class PasswordCheckForm(PageForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


class DeleteAccountForm(PasswordCheckForm):
    understood = BooleanField(
        _l("I understand that my account is deleted for good and I cannot sign in again."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
