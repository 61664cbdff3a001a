"""The messages of request validation, in the request's language.

Marshmallow's own messages (a field's "required", "null", "invalid"; a schema's
"unknown") are marked here for the catalogues and looked up when shown; validators
(ranges, lengths, choices) are ours, worded as the services word theirs.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from marshmallow import fields, validate

from ..lifecycle import N_

# Every message marshmallow gives for the fields and schemas the requests use. A test
# checks that no request field keeps a message missing from this list.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Number too large."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid {awareness} {obj_type}."),
    N_('"{input}" cannot be formatted as a date.'),
    N_("Not a valid list."),
    N_("Invalid type."),
    N_("Unknown field."),
    N_("Invalid input type."),
)
_KNOWN = frozenset(MARSHMALLOW_MESSAGES)


class _Translated(str):
    """One of marshmallow's messages, looked up in the catalogue as marshmallow formats it
    (Field.make_error formats every message it gives)."""

    def format(self, *args, **kwargs) -> str:
        return _(str(self)).format(*args, **kwargs)


def translate_field(field: fields.Field) -> None:
    """Have the field, and the fields inside it, give marshmallow's messages translated."""
    field.error_messages = {
        key: _Translated(message) if message in _KNOWN else message
        for key, message in field.error_messages.items()
    }
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if isinstance(inner, fields.Field):
            translate_field(inner)


def is_translated(message) -> bool:
    return isinstance(message, _Translated | LazyString)


class WholeNumber(validate.Range):
    """A whole number from low to high, both included."""

    def __init__(self, low: int, high: int):
        super().__init__(low, high)

    def _format_error(self, value, message: str) -> str:
        return _("Give a whole number from %(low)d to %(high)d.", low=self.min, high=self.max)


class Characters(validate.Length):
    """A text's length: at most high characters (and at least low)."""

    def __init__(self, low: int | None = None, high: int | None = None):
        super().__init__(min=low, max=high)

    def _format_error(self, value, message: str) -> str:
        if self.min is not None and len(value) < self.min:
            return _("Use at least %(n)d characters.", n=self.min)
        return _("At most %(n)d characters.", n=self.max)


class Choice(validate.OneOf):
    """One of the codes given."""

    def _format_error(self, value) -> str:
        return _(
            "Unknown value “%(value)s”; choose one of: %(codes)s.",
            value=str(value)[:40],
            codes=self.choices_text,
        )


# The validators whose messages are translated (a test checks the requests use no others).
TRANSLATED_VALIDATORS = (WholeNumber, Characters, Choice)
