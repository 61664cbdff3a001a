"""Stored values as JSON keeps them: one spelling for the data download and the record history."""

from datetime import date
from decimal import Decimal
from enum import Enum


def plain(value: object) -> object:
    """Dates and times as ISO text, money as a two-decimal string, codes as their value."""
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Enum):
        return value.value
    return value
