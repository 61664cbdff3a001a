"""What a registry entry is: a statistic's name, label, computation and way of showing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from flask_babel import format_decimal, format_percent, get_translations
from flask_babel import gettext as _

from ..i18n import code_label, money
from ..lifecycle import N_, Status
from .aggregates import ProgrammeStatistics

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Display(StrEnum):
    """How a figure is shown: as a count, an amount of money, a share or a number of days."""

    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"  # a share from 0 to 1; a scorecard goal measures it in percent
    DAYS = "days"


class Shape(StrEnum):
    """What a figure's value is."""

    FIGURE = "figure"  # one number (None where it is not yet known)
    BREAKDOWN = "breakdown"  # a number per key: a code, a year, a call, a goal
    YEARS = "years"  # a row of columns per programme year
    RANGE = "range"  # the lowest and highest of a yearly amount, or None


# The unit of a scorecard goal measured with a figure that is not a count.
UNITS = {Display.MONEY: "EUR", Display.PERCENT: "%", Display.DAYS: N_("days")}


@dataclass(frozen=True)
class Column:
    """A column of a YEARS figure's rows: its name in the JSON and the CSV, and its label."""

    name: str
    label: str


def total(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def highest(values: list[Decimal]) -> Decimal | None:
    return max(values) if values else None


@dataclass(frozen=True)
class Metric:
    """One programme statistic, as every page, file and goal that shows it reads it."""

    name: str  # stable: the JSON field, the CSV figure, the metric code a goal stores
    label: str  # N_: its name on the scorecard, and on the dashboard unless short says
    read: Callable[[ProgrammeStatistics], Any]  # its value in the aggregates' result
    display: Display = Display.COUNT
    shape: Shape = Shape.FIGURE
    public: bool = True  # a field of the statistics JSON and a figure of the CSV export
    part_of: str | None = None  # in the JSON and the CSV, a field of this object
    short: str | None = None  # N_: its name among the dashboard's headline figures and facts
    stage: str | None = None  # N_: its name as a stage of the dashboard's funnel
    status: Status | None = None  # it counts the proposals now in this state
    counted: str = ""  # N_: what a count counts, the unit of a goal measured with it
    vocabulary: type[StrEnum] | None = None  # a breakdown by the codes of this list
    keys: Callable[[Any], str] = str  # a breakdown's key as shown (not a code list's)
    columns: tuple[Column, ...] = ()  # a YEARS figure's columns
    # How a goal's figures of single years make the figure of those years together (None:
    # they do not, e.g. distinct organisations or medians).
    across_years: Callable[[list[Decimal]], Decimal | None] | None = total

    @property
    def goal(self) -> bool:
        """A scorecard goal may be measured with it: it is one number."""
        return self.shape is Shape.FIGURE

    @property
    def unit(self) -> str:
        """The untranslated unit of a goal measured with it."""
        return UNITS.get(self.display, self.counted)

    def value(self, stats: ProgrammeStatistics) -> Decimal | None:
        """The figure as a goal measures it: exact to the cent, a share in percent; None
        when it is undefined."""
        value = self.read(stats)
        if self.display is Display.PERCENT and value is not None:
            value = Decimal(str(value)) * HUNDRED
        return as_figure(value)

    def json(self, stats: ProgrammeStatistics):
        """The value as the statistics JSON has it: money as decimal strings, keys as text."""
        value = self.read(stats)
        if self.shape is Shape.BREAKDOWN:
            return {str(key): self._json(n) for key, n in value.items()}
        if self.shape is Shape.YEARS:
            return [
                {"year": row.year}
                | {c.name: self._json(getattr(row, c.name)) for c in self.columns}
                for row in value
            ]
        return self._json(value)

    def _json(self, value):
        if self.display is Display.MONEY and value is not None:
            return f"{value.quantize(CENT)}"
        return value

    def text(self, stats: ProgrammeStatistics) -> str:
        """The figure as the dashboard shows it, in the page's language."""
        value = self.read(stats)
        if self.shape is not Shape.RANGE:
            return self.show(value)
        if value is None:
            return "–"
        low, high = value
        if low == high:
            return _("%(amount)s a year", amount=self.show(low))
        return _("%(low)s–%(high)s a year", low=self.show(low), high=self.show(high))

    def show(self, value) -> str:
        """One number of this figure, formatted for the page's language."""
        if value is None:
            return _("not yet known")
        if self.display is Display.MONEY:
            return money(value)
        if self.display is Display.PERCENT:
            return format_percent(value, "#,##0.0 %")
        if self.display is Display.DAYS:
            # The plural form follows the whole days; the text shows the figure as it is.
            days = get_translations().ungettext("%(num)s day", "%(num)s days", round(value))
            return days % {"num": format_decimal(value)}
        return format_decimal(value)

    def key_label(self, key) -> str:
        """A breakdown's key as shown: a code's translated label, a year, a call's title."""
        if self.vocabulary is not None:
            return code_label(self.vocabulary.__name__, key)
        return self.keys(key)


def as_figure(value) -> Decimal | None:
    """A count, ratio or amount as a Decimal rounded to the cent; None stays None."""
    if value is None:
        return None
    try:
        figure = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return figure.quantize(CENT, rounding=ROUND_HALF_UP) if figure.is_finite() else None
