"""Typed values from raw input (forms, JSON, CSV), collecting a message per bad field.

Services use one Fields per request: each converter returns the typed value or None and
records why it failed; raise_if_any() then raises Invalid with every field's messages.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from flask_babel import gettext as _

from ..errors import FieldConflict, Invalid
from ..rules import AMOUNT_MIN, BUDGET_MAX, MAX_ID

# C0 control characters but tab, LF and CR: no person types them, PostgreSQL cannot store NUL
# and a worksheet (XML) none of them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What would end a line: in a title or a name it ends a mail header too.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


def text_error(text: str, *, one_line: bool = False) -> str | None:
    """Why a text someone wrote may not be stored (a translated message), or None.

    The one rule for every free text, whether from a page, the API or a file.
    """
    if CONTROL_CHARACTERS.search(text):
        return _("Remove the invisible control characters from the text.")
    if one_line and LINE_BREAKS.search(text):
        return _("Write this on one line, without line breaks.")
    return None


def acceptable_text(text: str, *, one_line: bool = False) -> str:
    """The text as text_error would take it: control characters dropped, and the line breaks
    of a one-line text made spaces."""
    text = CONTROL_CHARACTERS.sub("", text)
    return " ".join(LINE_BREAKS.split(text)) if one_line else text


class Fields:
    """Collects field → messages while converting input."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.conflicts: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def conflict(self, field: str, message: str) -> None:
        """A well-formed value that the stored data refuses (see FieldConflict)."""
        self.conflicts.setdefault(field, []).append(message)

    def all_errors(self) -> dict[str, list[str]]:
        merged = {field: list(messages) for field, messages in self.errors.items()}
        for field, messages in self.conflicts.items():
            merged.setdefault(field, []).extend(messages)
        return merged

    def raise_if_any(self, message: str = "") -> None:
        """Raise Invalid for any malformed field (naming the conflicts too), else FieldConflict."""
        if self.errors:
            raise Invalid(self.all_errors(), message)
        if self.conflicts:
            raise FieldConflict(self.conflicts, message)

    def missing(self, value) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def money(self, field: str, value, *, required: bool = True) -> Decimal | None:
        """Euros, more than zero, at most two decimals; a string, Decimal, int or float."""
        if self.missing(value):
            if required:
                self.fail(field, _("Enter an amount in euros."))
            return None
        amount = to_decimal(value)
        if amount is None:
            self.fail(field, _("Enter an amount in euros, e.g. 12500 or 12500.50."))
        elif amount.as_tuple().exponent < -2:
            self.fail(field, _("Use at most two decimals (cents)."))
        elif amount < AMOUNT_MIN:
            self.fail(field, _("The amount must be more than zero."))
        elif amount > BUDGET_MAX:
            self.fail(field, _("The amount may be at most 10 000 000 euros."))
        else:
            return amount.quantize(Decimal("0.01"))
        return None

    def date(self, field: str, value, *, required: bool = True) -> date | None:
        """A date, or a string as 2025-03-31 or 31.3.2025."""
        if self.missing(value):
            if required:
                self.fail(field, _("Enter a date."))
            return None
        parsed = to_date(value)
        if parsed is None:
            self.fail(field, _("Enter a date as 2025-03-31 or 31.3.2025."))
        return parsed

    def integer(
        self, field: str, value, low: int, high: int | None, message: str, *, required: bool = True
    ) -> int | None:
        """A whole number from low to high (inclusive); message says which."""
        if self.missing(value):
            if required:
                self.fail(field, message)
            return None
        number = to_int(value)
        if number is None or number < low or (high is not None and number > high):
            self.fail(field, message)
            return None
        return number

    def choice(self, field: str, value, vocabulary: type[StrEnum]):
        """A code of the list; the message names the codes allowed."""
        try:
            return vocabulary(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            codes = ", ".join(member.value for member in vocabulary)
            if self.missing(value):
                self.fail(field, _("Choose one of: %(codes)s.", codes=codes))
            else:
                self.fail(
                    field,
                    _(
                        "Unknown value “%(value)s”; choose one of: %(codes)s.",
                        value=str(value)[:40],
                        codes=codes,
                    ),
                )
            return None

    def text(
        self,
        field: str,
        value,
        *,
        max_length: int,
        required: bool = False,
        message: str | None = None,
        one_line: bool = False,
    ) -> str:
        """Stripped text of at most max_length characters ("" when empty); see text_error."""
        if value is not None and not isinstance(value, str):
            self.fail(field, _("Enter text."))
            return ""
        text = (value or "").strip()
        error = text_error(text, one_line=one_line)
        if error:
            self.fail(field, error)
            return ""
        if required and not text:
            self.fail(field, message or _("This is required."))
        elif len(text) > max_length:
            self.fail(field, _("At most %(n)d characters.", n=max_length))
        return text

    def boolean(self, field: str, value) -> bool | None:
        """True or False (also the strings true/false, yes/no, 1/0)."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
            return _BOOLEANS[value.strip().lower()]
        self.fail(field, _("Answer yes or no."))
        return None


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def to_decimal(value) -> Decimal | None:
    """A finite Decimal from a string (comma or point, spaces allowed) or number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = repr(value)  # the shortest decimal that round-trips, so 0.1 stays 0.1
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def to_date(value) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def to_id(value) -> int | None:
    """A database id (1 to 2**31 - 1) from a number or digits, else None."""
    number = to_int(value)
    return number if number is not None and 1 <= number <= MAX_ID else None


def to_int(value) -> int | None:
    """A whole number from an int, an integral float or ASCII digits (with a sign), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = value.strip() if isinstance(value, str) else ""
    # isdigit() also takes "²" and other digits int() refuses.
    if text.lstrip("+-").isascii() and text.lstrip("+-").isdigit():
        try:
            return int(text)
        except ValueError:  # "+-1", or more digits than Python converts
            return None
    return None
