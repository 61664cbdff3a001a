"""Throttles that Flask-Limiter's decorators cannot say: failed sign-ins counted per account
slow down the addresses that fail, never the account's owner signing in from elsewhere;
one-time codes counted per account; and residents' feedback per address, answered with a
page of its own. The counters share Flask-Limiter's storage."""

import logging
import time

from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from .extensions import limiter

log = logging.getLogger(__name__)

# An account with this many failed sign-ins (pages and API, from anywhere) is under attack…
ACCOUNT_FAILURES = parse("20 per hour")
# …and then an address that has failed this often for it waits for the rest of the hour.
# An address that has not been failing (the owner's) still signs in.
ADDRESS_FAILURES = parse("3 per hour")
# Wrong one-time codes per account: guessing needs the password already, so a cap per
# account cannot be used by strangers to lock the owner out.
CODE_FAILURES = parse("10 per hour")
# Feedback on experiments sent from one address (a household, an office behind one address
# may share it): enough for people, too little for a flood.
FEEDBACK_PER_ADDRESS = parse("10 per hour")


def _account(email: str | None) -> str:
    return (email or "").strip().lower() or "-"


def _wait(item: RateLimitItem, *identifiers: str) -> int | None:
    """Seconds until the item's window ends if it is used up, else None."""
    strategy = limiter.limiter
    if strategy.test(item, *identifiers):
        return None
    reset_at = strategy.get_window_stats(item, *identifiers).reset_time
    return max(1, int(reset_at - time.time()))


def _guarded(work, default=None):
    # Flask-Limiter's own limits fall back to memory when the shared store is down; these
    # counters then skip a request rather than fail it.
    if not limiter.enabled:
        return default
    try:
        return work()
    except Exception:
        log.exception("throttling store unavailable")
        return default


def check_sign_in(email: str | None) -> None:
    """Raise TooManyRequests if this address must wait before trying this account again: the
    account has had many failed sign-ins lately, and this address has failed for it too.

    The same for addresses with and without an account: nothing tells them apart.
    """
    account = _account(email)

    def wait():
        if _wait(ACCOUNT_FAILURES, "sign-in", account) is None:
            return None
        return _wait(ADDRESS_FAILURES, "sign-in", account, get_remote_address())

    seconds = _guarded(wait)
    if seconds is not None:
        raise TooManyRequests(
            description=_("Too many attempts. Wait a moment and try again."), retry_after=seconds
        )


def sign_in_failed(email: str | None) -> None:
    """Count a failed sign-in for the account, and for the account from this address."""
    account = _account(email)

    def hit():
        limiter.limiter.hit(ACCOUNT_FAILURES, "sign-in", account)
        limiter.limiter.hit(ADDRESS_FAILURES, "sign-in", account, get_remote_address())

    _guarded(hit)


def code_wait(user_id: int) -> int | None:
    """Seconds the account must wait before its next one-time code is checked, or None."""
    return _guarded(lambda: _wait(CODE_FAILURES, "code", str(user_id)))


def code_failed(user_id: int) -> None:
    """Count a wrong one-time code for the account."""
    _guarded(lambda: limiter.limiter.hit(CODE_FAILURES, "code", str(user_id)))


def feedback_wait() -> int | None:
    """Count feedback sent from this address: the seconds it must wait when it has sent too
    much lately (this one is then refused), else None."""

    def hit():
        address = get_remote_address()
        if limiter.limiter.hit(FEEDBACK_PER_ADDRESS, "feedback", address):
            return None
        return _wait(FEEDBACK_PER_ADDRESS, "feedback", address) or 1

    return _guarded(hit)
