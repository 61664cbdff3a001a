"""Typed values from raw input (forms, JSON, CSV), collecting a message per bad field.

Services use one Fields per request: each converter returns the typed value or None and
records why it failed; raise_if_any() then raises Invalid with every field's messages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeGuard, TypeVar, overload

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..errors import FieldConflict, Invalid
from ..i18n import grouped
from ..patterns import CENT
from ..rules import AMOUNT_MIN, BUDGET_MAX, MAX_ID
from ..vocabulary import LABELS

# C0 control characters but tab, LF and CR: no person types them, PostgreSQL cannot store NUL
# and a worksheet (XML) none of them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What would end a line: in a title or a name it ends a mail header too.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")

Code = TypeVar("Code", bound=StrEnum)


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


def blank(value: object) -> bool:
    """Whether nothing was given: no value, or a text of nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


class Fields:
    """Collects field → messages while converting input."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.conflicts: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        messages = self.errors.setdefault(field, [])
        if message not in messages:  # two unknown codes of a list are one message each
            messages.append(message)

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

    def missing(self, value: object) -> bool:
        return blank(value)

    def money(
        self,
        field: str,
        value: object,
        *,
        minimum: Decimal = AMOUNT_MIN,
        maximum: Decimal = BUDGET_MAX,
        required: bool = True,
    ) -> Decimal | None:
        """Euros from minimum to maximum, at most two decimals; a string, Decimal, int or float."""
        if self.missing(value):
            if required:
                self.fail(field, _("Enter an amount in euros."))
            return None
        amount = to_decimal(value)
        if amount is None:
            self.fail(field, _("Enter an amount in euros, e.g. 12500 or 12500.50."))
        elif exponent(amount) < -2:
            self.fail(field, _("Use at most two decimals (cents)."))
        elif amount < minimum:
            if minimum > 0:
                self.fail(field, _("The amount must be more than zero."))
            else:
                self.fail(field, _("The amount may not be negative."))
        elif amount > maximum:
            self.fail(
                field, _("The amount may be at most %(maximum)s euros.", maximum=grouped(maximum))
            )
        else:
            # -0 is 0: stored and shown without a sign.
            return amount.quantize(CENT).copy_abs() if amount.is_zero() else amount.quantize(CENT)
        return None

    def date(self, field: str, value: object, *, required: bool = True) -> date | None:
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
        self,
        field: str,
        value: object,
        low: int,
        high: int | None,
        message: str,
        *,
        required: bool = True,
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

    @overload
    def choice(self, field: str, value: object, vocabulary: type[Code]) -> Code | None: ...

    @overload
    def choice(self, field: str, value: object, vocabulary: Sequence[str]) -> str | None: ...

    def choice(
        self, field: str, value: object, vocabulary: type[StrEnum] | Sequence[str]
    ) -> StrEnum | str | None:
        """A code of the list (an enumeration, or its codes); the message names the codes."""
        allowed = [str(code) for code in vocabulary]
        code = value.strip() if isinstance(value, str) else value
        if isinstance(code, str) and code in allowed:
            return vocabulary(code) if isinstance(vocabulary, type) else code
        codes = ", ".join(allowed)
        if self.missing(value):
            # Nothing chosen: name the choices as a person reads them, where they have labels.
            labels = LABELS.get(vocabulary) if isinstance(vocabulary, type) else None
            if labels:
                codes = ", ".join(_(labels[code]) for code in allowed)
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

    @overload
    def choices(
        self, field: str, values: object, vocabulary: type[Code], *, most: int
    ) -> list[Code]: ...

    @overload
    def choices(
        self, field: str, values: object, vocabulary: Sequence[str], *, most: int
    ) -> list[str]: ...

    def choices(
        self, field: str, values: object, vocabulary: type[StrEnum] | Sequence[str], *, most: int
    ) -> Sequence[StrEnum | str]:
        """Codes of the list (none if None), at most `most` of them; an unknown one is named
        by its place ("city_centres.1")."""
        if not self._listed(values, field, most):
            return []
        chosen = [
            self.choice(f"{field}.{index}", value, vocabulary) for index, value in enumerate(values)
        ]
        return [code for code in chosen if code is not None]

    def integers(self, field: str, values: object, low: int, high: int, *, most: int) -> list[int]:
        """Whole numbers from low to high (none if None), at most `most` of them; a wrong one
        is named by its place ("sdgs.0")."""
        if not self._listed(values, field, most):
            return []
        numbers: list[int] = []
        for index, value in enumerate(values):
            number = to_int(value)
            if number is None or not low <= number <= high:
                self.fail(f"{field}.{index}", whole_number_message(low, high))
            else:
                numbers.append(number)
        return numbers

    def _listed(
        self, values: object, field: str, most: int
    ) -> TypeGuard[list[object] | tuple[object, ...]]:
        """Whether values is a list to read: a list (or tuple) of at most `most` items."""
        if values is None:
            return False
        if not isinstance(values, list | tuple):
            self.fail(field, _("Choose from the list."))
            return False
        if len(values) > most:
            self.fail(field, _("Give at most %(n)d items.", n=most))
            return False
        return True

    def text(
        self,
        field: str,
        value: object,
        *,
        max_length: int,
        min_length: int | None = None,
        required: bool = False,
        message: str | None = None,
        one_line: bool = False,
    ) -> str:
        """Stripped text ("" when empty); see text_error.

        At most max_length characters as written (spaces around it count, as a browser's
        maxlength and JSON Schema's maxLength count them); a text given (even empty) has at
        least min_length characters once stripped.
        """
        if value is not None and not isinstance(value, str):
            self.fail(field, _("Enter text."))
            return ""
        if value is not None and len(value) > max_length:
            self.fail(field, _("At most %(n)d characters.", n=max_length))
            return ""
        text = (value or "").strip()
        error = text_error(text, one_line=one_line)
        if error:
            self.fail(field, error)
            return ""
        if required and not text:
            self.fail(field, message or _("This is required."))
        elif value is not None and min_length and len(text) < min_length:
            self.fail(field, _("Use at least %(n)d characters.", n=min_length))
        return text

    def email(self, field: str, value: object, *, required: bool = False) -> str | None:
        """An e-mail address as email_validator normalises it (its domain in lower case); None
        when none is given."""
        if blank(value) and not required:
            return None
        try:
            if isinstance(value, str):
                return validate_email(value.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            pass
        self.fail(field, _("Enter a valid e-mail address."))
        return None

    def boolean(self, field: str, value: object) -> bool | None:
        """True or False (also the strings true/false, yes/no, 1/0)."""
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
            return _BOOLEANS[value.strip().lower()]
        self.fail(field, _("Answer yes or no."))
        return None


def whole_number_message(low: int, high: int) -> str:
    """The refusal of a number outside low to high, as every input says it."""
    return _("Give a whole number from %(low)d to %(high)d.", low=low, high=high)


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def to_decimal(value: object) -> Decimal | None:
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
        # Decimal also takes a list; whatever it refuses raises one of the errors caught here.
        amount = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def exponent(amount: Decimal) -> int:
    """The exponent of a finite Decimal (only an infinity or a NaN has a letter instead)."""
    exponent = amount.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def to_date(value: object) -> date | None:
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


def to_id(value: object) -> int | None:
    """A database id (1 to MAX_ID) from a number or digits, else None."""
    number = to_int(value)
    return number if number is not None and 1 <= number <= MAX_ID else None


def to_int(value: object) -> int | None:
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
