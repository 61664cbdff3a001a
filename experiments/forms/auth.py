"""Sign-in and sign-up forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..rules import PASSWORD_MIN
from ..vocabulary import OrganisationType, ProposerType, choices
from .fields import TranslatedSelectField


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    proposer_type = TranslatedSelectField(
        _l("I am proposing as"), choices=choices(ProposerType), validators=[DataRequired()]
    )
    organisation_name = StringField(
        _l("Organisation"), validators=[Optional(), Length(max=200)],
        description=_l("Required unless you propose as a resident."),
        render_kw={"autocomplete": "organization"},
    )
    organisation_business_id = StringField(
        _l("Business ID (Y-tunnus)"), validators=[Optional(), Length(max=20)],
        description=_l("For example 1234567-8."),
    )
    locale = TranslatedSelectField(
        _l("Language"), choices=[("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
    )

    def validate_organisation_name(self, field):
        if self.proposer_type.data != ProposerType.RESIDENT and not (field.data or "").strip():
            raise ValidationError(_l("Name your organisation, or propose as a resident."))

    @property
    def organisation_type(self) -> str:
        return OrganisationType(self.proposer_type.data).value
