"""The fields of the API's schemas: JSON types read exactly, and the limits the document states
(the services that take the values check them)."""

from __future__ import annotations

import math
import re
from decimal import Decimal

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from ...i18n import LANGUAGE_NAMES
from ...lifecycle import (
    N_,
)
from ...patterns import (
    CENT,
    date_pattern,
    money_pattern,
    text_pattern,
)
from ...rules import (
    MAX_ID,
    YEAR_MAX,
    YEAR_MIN,
)
from ...services.inputs import CONTROL_CHARACTERS, LINE_BREAKS, text_error
from ...vocabulary import (
    SDGS,
)
from ..messages import Choice

MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"
# Amounts given as text: digits with an optional decimal part.
_DECIMAL_TEXT = re.compile(r"^[0-9]+(\.[0-9]+)?$")
SDG_MIN, SDG_MAX = SDGS.start, SDGS.stop - 1


def _found(pattern: re.Pattern) -> frozenset[str]:
    """The characters of the Basic Multilingual Plane that the pattern finds on their own."""
    return frozenset(pattern.findall("".join(map(chr, range(0x10000)))))


# What the written-text rule (text_error) refuses within a text, and within a line; the
# document's patterns exclude the same characters.
TEXT_REFUSED = _found(CONTROL_CHARACTERS)
LINE_REFUSED = TEXT_REFUSED | _found(LINE_BREAKS)


def codes(vocabulary) -> list[str]:
    return [member.value for member in vocabulary]


class Unicode(fields.String):
    """A JSON string that is text: no lone surrogates, which no database stores."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError(_("Text must be valid Unicode.")) from error
        return text


class Text(Unicode):
    """A string stored as text: trimmed, UTF-8 encodable, passing the input layer's rule for
    written text (one line if one_line); empty is null if nullable."""

    def __init__(self, *, one_line: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.one_line = one_line

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        error = text_error(text.strip(), one_line=self.one_line)
        if error:
            raise ValidationError(error)
        return text.strip()

    def deserialize(self, value, attr=None, data=None, **kwargs):
        text = super().deserialize(value, attr, data, **kwargs)
        # After validation: an empty optional text is stored as no text at all.
        return None if text == "" and self.allow_none else text


class Int(fields.Integer):
    """A JSON integer, as JSON Schema counts them (3 or 3.0): no strings, fractions or booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


class Bool(fields.Boolean):
    """A JSON boolean: true or false, nothing that merely looks like one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def int_in(low: int, high: int, **kwargs) -> Int:
    """A JSON integer whose range (low to high) the service that takes it checks."""
    kwargs["metadata"] = {"minimum": low, "maximum": high, **kwargs.get("metadata", {})}
    return Int(**kwargs)


class Id(Int):
    """A database id, 1 to MAX_ID: the service that takes it checks it, refusing others."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"minimum": 1, "maximum": MAX_ID, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


class Day(fields.Date):
    """An ISO date (YYYY-MM-DD) within the years the programme could concern."""

    PATTERN = date_pattern(YEAR_MIN, YEAR_MAX)

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": self.PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self._regex = re.compile(self.PATTERN)

    def _deserialize(self, value, attr, data, **kwargs):
        # Python reads more ISO 8601 forms (20250331, 2025-W13-1) than format: date allows.
        if isinstance(value, str) and not self._regex.fullmatch(value):
            raise ValidationError(
                _(
                    "Give a date in the years %(first)d–%(last)d as YYYY-MM-DD, e.g. 2025-03-31.",
                    first=YEAR_MIN,
                    last=YEAR_MAX,
                )
            )
        return super()._deserialize(value, attr, data, **kwargs)


class MoneyIn(fields.Field):
    """Euros as a string of digits or a JSON number, read exactly as a Decimal; the service
    that takes it checks its places and limits, which the document states.

    A string is digits with an optional decimal part, as the document's pattern says (no
    sign, spaces or exponent); a number is read as the shortest decimal that gives it back
    (0.1 is 0.1), as JSON Schema's multipleOf reads it.
    """

    def __init__(self, minimum: Decimal, maximum: Decimal, **kwargs):
        pattern = money_pattern(minimum, maximum)
        variants = [
            {"type": "string", "pattern": pattern},
            {
                "type": "number",
                "minimum": float(minimum),
                "maximum": float(maximum),
                "multipleOf": float(CENT),
            },
        ]
        if kwargs.get("allow_none"):
            variants.append({"type": "null"})
        kwargs["metadata"] = {
            "anyOf": variants,
            "description": f"Euros with at most two decimals, from {minimum} to {maximum}: "
            '"12500.50" or 12500.5.',
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(_("Give an amount in euros as a string or a number."))
        if isinstance(value, str):
            if not _DECIMAL_TEXT.fullmatch(value):
                raise ValidationError(_("Give an amount in euros, e.g. “12500.50”."))
            return Decimal(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(_("The amount must be a finite number."))
        return Decimal(repr(value) if isinstance(value, float) else value)


class TextOut(fields.String):
    """Stored text that may be missing, answered as a string: empty when there is none."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value or "", attr, obj, **kwargs)


class TextOrNull(fields.String):
    """Stored text answered as null when there is none, an empty text included."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value or None, attr, obj, **kwargs)


class MoneyOut(fields.String):
    """Euros as a decimal string with two places ("12500.00")."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {
            "pattern": MONEY_PATTERN,
            "example": "12500.00",
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return f"{Decimal(value):.2f}"


def one_of(vocabulary, **kwargs) -> fields.String:
    return fields.String(validate=Choice(codes(vocabulary)), **kwargs)


def code_of(vocabulary, **kwargs) -> fields.String:
    """A code of the list, which the service that takes it checks; the document lists them."""
    listed: list = list(vocabulary) if isinstance(vocabulary, tuple) else codes(vocabulary)
    if kwargs.get("allow_none"):
        listed.append(None)
    kwargs["metadata"] = {"enum": listed, **kwargs.get("metadata", {})}
    return fields.String(**kwargs)


class Written(Unicode):
    """Text as written, handed on as sent to the service that checks it (its lengths, and the
    written-text rule); the document states that rule: at most max_length characters as
    sent, at least min_length once trimmed, none of the characters text_error refuses (or
    the pattern given)."""

    def __init__(
        self,
        max_length: int,
        min_length: int | None = None,
        *,
        one_line: bool = False,
        pattern: str | None = None,
        **kwargs,
    ):
        refused = LINE_REFUSED if one_line else TEXT_REFUSED
        limits = {"maxLength": max_length, "pattern": pattern or text_pattern(min_length, refused)}
        if min_length:
            limits["minLength"] = min_length
        kwargs["metadata"] = {**limits, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


def written_line(max_length: int, min_length: int | None = None, **kwargs) -> Written:
    """A text of one line (a title, a name), as written."""
    return Written(max_length, min_length, one_line=True, **kwargs)


class LimitedText(Text):
    """Text of at most max_length characters as sent, and at least min_length once trimmed;
    a pattern, if given, is what the text as sent must match (mismatch says why not)."""

    def __init__(
        self,
        max_length: int,
        min_length: int | None = None,
        pattern: str | None = None,
        mismatch: str = "",
        one_line: bool = False,
        **kwargs,
    ):
        self.max_length, self.min_length, self.mismatch = max_length, min_length, mismatch
        refused = LINE_REFUSED if one_line else TEXT_REFUSED
        self.pattern = pattern or text_pattern(min_length, refused)
        self._regex = re.compile(pattern) if pattern else None
        limits = {"maxLength": max_length, "pattern": self.pattern}
        if min_length:
            limits["minLength"] = min_length
        kwargs["metadata"] = {**limits, **kwargs.get("metadata", {})}
        super().__init__(one_line=one_line, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > self.max_length:
            raise ValidationError(_("At most %(n)d characters.", n=self.max_length))
        if isinstance(value, str) and self._regex and not self._regex.fullmatch(value):
            raise ValidationError(_(self.mismatch))
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.min_length and len(text) < self.min_length:
            if self.min_length == 1:
                raise ValidationError(_("This is required."))
            raise ValidationError(_("Use at least %(n)d characters.", n=self.min_length))
        return text


def text_in(max_length: int, min_length: int | None = None, **kwargs) -> Text:
    return LimitedText(max_length, min_length, **kwargs)


def business_id(**kwargs) -> Text:
    """A Finnish business ID (Y-tunnus) as 0112038-9, or none; the service checks its check
    digit, which the document names as the format fi-business-id."""
    return LimitedText(
        9,
        pattern=r"^(?:[0-9]{7}-[0-9])?$",
        mismatch=N_("Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9."),
        metadata={
            "format": "fi-business-id",
            "description": "Finnish business ID (Y-tunnus) with its check digit, e.g. 0112038-9",
        },
        **kwargs,
    )


def written_in():
    """The language of the texts beside it, as written by their author (fi, sv or en)."""
    return fields.String(
        required=True,
        validate=validate.OneOf(tuple(LANGUAGE_NAMES)),
        metadata={"description": "The language the texts are written in."},
    )


class Dumped(fields.Nested):
    """A nested resource the view has already dumped with its schema (kept per data
    generation, statistics_cache.kept_each): passed through as it is, documented as the
    schema."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        return nested_obj
