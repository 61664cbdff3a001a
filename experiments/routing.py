"""Numbers in addresses: ids in paths (pages and API alike), page numbers and whole numbers
in query strings, each kept within what the database can hold."""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter

from .rules import MAX_ID, MAX_PAGE
from .services.inputs import to_int


def numbers_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 1 to limit, written without leading zeros."""
    digits = str(limit)
    # Any number with fewer digits; then, digit by digit, one below the limit's digit there.
    options = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for place, digit in enumerate(digits):
        lowest = 1 if place == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - place - 1
            options.append(f"{digits[:place]}[{lowest}-{int(digit) - 1}][0-9]{{{rest}}}")
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """<id:name> in a route: a database id, 1 to MAX_ID.

    The pattern itself ends at MAX_ID, so a larger number matches no route at all: 404, not a
    405 from the same path's other methods, and never a number the database cannot hold.
    """

    regex = numbers_up_to(MAX_ID)

    def __init__(self, map) -> None:
        super().__init__(map, min=1, max=MAX_ID)


def page_number(name: str = "page") -> int:
    """?page= (or another name) of a listing: 1 when absent or unreadable, else kept within 1
    to MAX_PAGE."""
    number = to_int(request.args.get(name)) or 1
    return min(max(number, 1), MAX_PAGE)


def whole_number(name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """?name= as a whole number from low to high, None when absent; 400 for anything else."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    number = to_int(raw)
    if number is None or not low <= number <= high:
        abort(400)
    return number
