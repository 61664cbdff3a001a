"""Regular expressions that the OpenAPI document states for what the API's fields accept.

Money and dates are checked with the same pattern; text fields check the same rule in code
(tests compare the two). Patterns are written for every regex dialect a client may use
(ECMA-262, Python, Rust): character classes are spelled out, nothing beyond classes, groups,
alternation and counts is used.
"""

from __future__ import annotations

from decimal import Decimal

# The characters str.strip() removes (str.isspace), as code point ranges.
SPACES = frozenset(
    chr(code)
    for first, last in (
        (0x09, 0x0D),
        (0x1C, 0x20),
        (0x85, 0x85),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    )
    for code in range(first, last + 1)
)
CENT = Decimal("0.01")


def char_class(chars, negated: bool = False) -> str:
    """A character class of these characters (all in the Basic Multilingual Plane), each one
    escaped as \\xHH or \\uHHHH, which every dialect reads alike (unlike \\s)."""
    codes = sorted(ord(c) for c in chars)
    if not codes or codes[-1] > 0xFFFF:
        raise ValueError("a class of one or more characters of the Basic Multilingual Plane")
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(
        _escape(first) if first == last else f"{_escape(first)}-{_escape(last)}"
        for first, last in ranges
    )
    return f"[{'^' if negated else ''}{body}]"


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text_pattern(min_length: int | None, refused: frozenset[str]) -> str:
    """Text that str.strip() turns into one without the refused characters and, if min_length
    is given, of at least that many characters. Around it, any space may stand (the strip
    removes it, refused or not).

    Written so that a backtracking engine reads it in linear time.
    """
    spaces = char_class(SPACES)
    visible = char_class(SPACES | refused, negated=True)
    allowed = char_class(refused, negated=True)
    if not min_length:
        core = f"(?:{visible}(?:{allowed}*{visible})?)?"
    elif min_length == 1:
        core = f"{visible}(?:{allowed}*{visible})?"
    else:
        core = f"{visible}{allowed}{{{min_length - 2},}}{visible}"
    return f"^{spaces}*{core}{spaces}*$"


def number_range(low: int, high: int) -> str:
    """An alternation matching the whole numbers from low to high, written without leading zeros."""
    if not 0 <= low <= high:
        raise ValueError(f"no numbers from {low} to {high}")
    parts: list[str] = []
    if low == 0:
        parts.append("0")
        low = 1
    full: list[int] = []  # lengths whose every number is in the range
    for digits in range(len(str(low)), len(str(high)) + 1):
        first, last = max(low, 10 ** (digits - 1)), min(high, 10**digits - 1)
        if first == 10 ** (digits - 1) and last == 10**digits - 1:
            full.append(digits)
        elif first <= last:
            parts += _same_length(str(first), str(last))
    if full:
        # The lengths are consecutive: the range is an interval.
        parts.insert(0 if low == 1 else len(parts), "[1-9]" + _digits(full[0] - 1, full[-1] - 1))
    return "|".join(parts)


def _digits(fewest: int, most: int) -> str:
    if most == 0:
        return ""
    if fewest == most:
        return "[0-9]" if most == 1 else f"[0-9]{{{most}}}"
    return f"[0-9]{{{fewest},{most}}}"


def _digit(first: int, last: int) -> str:
    return str(first) if first == last else f"[{first}-{last}]"


def _same_length(low: str, high: str) -> list[str]:
    """Alternatives matching the digit strings from low to high, both of the same length."""
    if low == high:
        return [low]
    if len(low) == 1:
        return [_digit(int(low), int(high))]
    if low[0] == high[0]:
        return [low[0] + part for part in _same_length(low[1:], high[1:])]
    rest = len(low) - 1
    first, last = int(low[0]), int(high[0])
    head: list[str] = []
    tail: list[str] = []
    if low[1:] != "0" * rest:
        head = [low[0] + part for part in _same_length(low[1:], "9" * rest)]
        first += 1
    if high[1:] != "9" * rest:
        tail = [high[0] + part for part in _same_length("0" * rest, high[1:])]
        last -= 1
    middle = [_digit(first, last) + _digits(rest, rest)] if first <= last else []
    return head + middle + tail


def money_pattern(minimum: Decimal, maximum: Decimal) -> str:
    """Euros as text: digits, then at most two decimals, from minimum (0 or one cent) to maximum
    (whole euros); leading zeros are allowed, signs, spaces and exponents are not."""
    if minimum not in (0, CENT) or maximum != maximum.to_integral_value() or maximum < 1:
        raise ValueError(f"no pattern for amounts from {minimum} to {maximum}")
    top = int(maximum)
    alternatives = [f"0*{top}(?:\\.00?)?"]
    if top > 1:
        alternatives.insert(0, f"0*(?:{number_range(1, top - 1)})(?:\\.[0-9]{{1,2}})?")
    cents = r"(?:\.[0-9]{1,2})?" if minimum == 0 else r"\.(?:0[1-9]|[1-9][0-9]?)"
    alternatives.append(f"0+{cents}")
    return "^(?:" + "|".join(alternatives) + ")$"


def date_pattern(first_year: int, last_year: int) -> str:
    """An ISO date (YYYY-MM-DD) in the years given; the calendar is format: date's to check."""
    return f"^(?:{number_range(first_year, last_year)})-[0-9]{{2}}-[0-9]{{2}}$"


def web_address_pattern(refused: frozenset[str] = frozenset()) -> str:
    """A web address, unanchored: http:// or https:// (in any case), a host, then anything
    without spaces (and without the refused characters)."""
    host = char_class(SPACES | refused | set("/?#"), negated=True)
    rest = char_class(SPACES | refused, negated=True)
    return f"[Hh][Tt][Tt][Pp][Ss]?://{host}+(?:[/?#]{rest}*)?"


def padded(pattern: str) -> str:
    """Text that str.strip() turns into a match of the unanchored pattern, or into nothing."""
    spaces = char_class(SPACES)
    return f"^{spaces}*(?:{pattern})?{spaces}*$"
