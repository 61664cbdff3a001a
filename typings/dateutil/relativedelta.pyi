# relativedelta as python-dateutil 4.0's code takes it: whole years and months, fractional
# days and smaller; added to a date or datetime it gives the same type back. Anything not
# listed here is Any (the module __getattr__).

from datetime import date, timedelta
from typing import Any, TypeVar, overload

_DateT = TypeVar("_DateT", bound=date)

class weekday:
    def __init__(self, weekday: int, n: int | None = None) -> None: ...
    def __call__(self, n: int) -> weekday: ...

_Weekday = weekday

class relativedelta:
    def __init__(
        self,
        dt1: date | None = None,
        dt2: date | None = None,
        years: int = 0,
        months: int = 0,
        days: float = 0,
        leapdays: int = 0,
        weeks: float = 0,
        hours: float = 0,
        minutes: float = 0,
        seconds: float = 0,
        microseconds: float = 0,
        year: int | None = None,
        month: int | None = None,
        day: int | None = None,
        weekday: int | _Weekday | None = None,
        yearday: int | None = None,
        nlyearday: int | None = None,
        hour: int | None = None,
        minute: int | None = None,
        second: int | None = None,
        microsecond: int | None = None,
    ) -> None: ...
    @overload
    def __add__(self, other: timedelta | relativedelta) -> relativedelta: ...
    @overload
    def __add__(self, other: _DateT) -> _DateT: ...
    @overload
    def __radd__(self, other: timedelta | relativedelta) -> relativedelta: ...
    @overload
    def __radd__(self, other: _DateT) -> _DateT: ...
    def __rsub__(self, other: _DateT) -> _DateT: ...
    def __sub__(self, other: relativedelta) -> relativedelta: ...
    def __neg__(self) -> relativedelta: ...

def __getattr__(name: str) -> Any: ...
