"""Forms of a person's own account: second factor, deletion."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired

from .base import PageForm


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
