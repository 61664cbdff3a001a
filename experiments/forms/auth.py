"""Sign-in, sign-up and password forms."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..i18n import LANGUAGE_NAMES
from ..rules import NAME_MAX, PASSWORD_MIN
from ..vocabulary import ProposerType, choices
from .base import PageForm
from .fields import TranslatedSelectField
from .proposals import ORGANISATION_RENAMES, business_id_field, organisation_name_field


def new_password_field(label=None) -> PasswordField:
    """A new password; the password services say what they refuse (security.password_problems)."""
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired()],
        description=_l(
            "At least %(n)d characters, not a common password. Several unrelated "
            "words are easy to remember and hard to guess.",
            n=PASSWORD_MIN,
        ),
        # No maxlength: a browser would cut a longer password silently (the service says it).
        render_kw={"autocomplete": "new-password", "minlength": PASSWORD_MIN},
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(PageForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )


class RegisterForm(PageForm):
    """The sign-up's fields; the sign-up service checks the name and the organisation (none
    for a resident) and its messages come back onto these fields."""

    renames = ORGANISATION_RENAMES

    name = StringField(
        _l("Name"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "name", "maxlength": NAME_MAX},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = new_password_field()
    confirm = confirm_field()
    proposer_type = TranslatedSelectField(
        _l("I am proposing as"), choices=choices(ProposerType), validators=[DataRequired()]
    )
    organisation_name = organisation_name_field()
    organisation_business_id = business_id_field(_l("For example 0112038-9."))
    locale = TranslatedSelectField(_l("Language"), choices=list(LANGUAGE_NAMES.items()))

    def values(self) -> dict:
        """The values the sign-up service takes (signup.registration_values)."""
        return {
            "name": self.name.data,
            "proposer_type": self.proposer_type.data,
            "locale": self.locale.data,
            "organisation": {
                "name": self.organisation_name.data,
                "business_id": self.organisation_business_id.data or None,
            },
        }


class CodeForm(PageForm):
    code = StringField(
        _l("One-time code"),
        validators=[DataRequired(), Length(max=10)],
        description=_l("The 6-digit code your authenticator app shows now."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ForgotPasswordForm(PageForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(PageForm):
    password = new_password_field(_l("New password"))
    confirm = confirm_field()


class ChangePasswordForm(PageForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = confirm_field()
