"""The tests' clock: every test runs at one fixed moment, never at the wall clock's.

The moment is noon in Helsinki on a fixed ordinary day, or what KOKEILU_TEST_TODAY says:
a date (``2027-12-31``, noon in Helsinki) or a moment (``2027-12-31T23:30``, Helsinki time
unless it names its offset). Run the suite as if on an awkward day with
``KOKEILU_TEST_TODAY=2028-02-29 make test-sqlite``. The clock ticks from that moment, so
durations and timeouts behave as usual.
"""

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
DEFAULT_TODAY = "2026-06-15"


def frozen_now() -> datetime:
    """The moment every test starts at (aware)."""
    text = os.environ.get("KOKEILU_TEST_TODAY", "").strip() or DEFAULT_TODAY
    try:
        if "T" in text or " " in text:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=HELSINKI)
        return datetime.combine(date.fromisoformat(text), time(12), tzinfo=HELSINKI)
    except ValueError as error:
        raise SystemExit(f"KOKEILU_TEST_TODAY={text!r} is not an ISO date or moment") from error
