"""The bases of every form: each text field passes the input layer's rule for written text."""

from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

from ..services.inputs import acceptable_text, text_error


def _written_text(one_line: bool):
    def check(form, field) -> None:
        error = text_error(field.data, one_line=one_line) if isinstance(field.data, str) else None
        if error:
            # Shown again without them: invisible characters are hard to find and remove.
            field.data = acceptable_text(field.data, one_line=one_line)
            raise ValidationError(error)

    return check


class _WrittenTextMeta:
    """Binds the rule to every text field as the form is made, so no form can forget it.

    A text box (not a text area) is one line. Passwords are never shown or stored as written,
    and hidden fields are not written by a person.
    """

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField) and not isinstance(field, PasswordField | HiddenField):
            one_line = not isinstance(field, TextAreaField)
            # A list of this field's own: the declared one is shared by every form instance.
            field.validators = [*field.validators, _written_text(one_line)]
        return field


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> support.Translations:
    """WTForms' own messages in a language, read from disk once per process (Flask-WTF
    reads the file again in every request that makes a form)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _PageMeta(_WrittenTextMeta):
    def get_translations(self, form):
        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return super().get_translations(form)
        return _wtforms_catalogue(str(get_locale()))


class PageForm(FlaskForm):
    """A form of the site (CSRF-protected).

    renames: a service's field names that differ from the form's → the form's, so that the
    service's messages reach the fields (views/forms.apply_errors).
    """

    renames: dict[str, str] = {}

    Meta = _PageMeta


class PartForm(Form):
    """A part of a form (a FormField's form), without a CSRF token of its own."""

    Meta = _WrittenTextMeta
