"""The demo's dice: a fast seeded random, times of day, and totals split into parts."""

from __future__ import annotations

import random
from bisect import bisect
from datetime import UTC, date, datetime
from decimal import Decimal


class DemoRandom(random.Random):
    """random.Random whose randint and choice take one random() call each (fast at scale)."""

    # As deterministic as the originals and several times faster for the millions of draws
    # of a scale run.

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def weighted(self, items: tuple, cumulative: tuple):
        return items[bisect(cumulative, self.random() * cumulative[-1])]


def moment(day: date, rng: DemoRandom) -> datetime:
    """A time during office hours (Helsinki) on that day, in UTC."""
    return datetime(
        day.year, day.month, day.day, rng.randint(5, 13), rng.randint(0, 59), tzinfo=UTC
    )


def split(total: int, parts: int, rng: DemoRandom) -> list[int]:
    """total as `parts` positive whole numbers (fewer parts if total is smaller)."""
    parts = max(1, min(parts, total))
    weights = [rng.random() + 0.5 for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    shares[-1] += total - sum(shares)  # what flooring left over
    return shares


def weighted_shares(total: int, weights: list[float]) -> list[int]:
    """total shared in proportion to the weights, each share at least 1, summing exactly."""
    shares = [max(1, int(total * w / sum(weights))) for w in weights]
    i = 0
    while sum(shares) != total:
        step = 1 if sum(shares) < total else -1
        if step > 0 or shares[i % len(shares)] > 1:
            shares[i % len(shares)] += step
        i += 1
    return shares


def cents(amount: Decimal) -> int:
    """The amount in whole cents; raises TypeError unless a Decimal, ValueError for a part cent."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money is a Decimal, not {type(amount).__name__}")
    hundredfold = amount * 100
    if hundredfold != hundredfold.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(hundredfold)


def euros(whole_cents: int) -> Decimal:
    """Whole cents as euros with two places."""
    return Decimal(whole_cents).scaleb(-2)


def fraction_of(amount: Decimal, basis_points: int) -> Decimal:
    """basis_points / 10,000 of the amount, rounded down to a whole cent."""
    return euros(cents(amount) * basis_points // 10_000)


def money_split(total: Decimal, parts: int, rng: DemoRandom) -> list[Decimal]:
    """total as `parts` amounts of whole cents, each 0.5–1.5 of an equal share, summing exactly."""
    whole = cents(total)
    # Whole-number weights: integer arithmetic from the draw to the cent.
    weights = [rng.randint(500, 1500) for _ in range(parts)]
    shares = [whole * w // sum(weights) for w in weights]
    shares[-1] += whole - sum(shares)  # what flooring left over
    return [euros(c) for c in shares]


def business_id(number: int) -> str | None:
    """A Y-tunnus with its check digit for a seven-digit number; None if none is valid."""
    digits = f"{number:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return None
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"
