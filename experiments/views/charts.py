"""Charts drawn on the server as inline SVG: the geometry of bars and columns, in viewBox units.

The templates (templates/statistics/_svg.html) draw what these dataclasses say; every chart
has a title and a description that says its figures in words, and its data table beside it.
Sizes are attributes of the SVG elements, colours CSS classes: the CSP allows no style="".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from math import floor, log10

WIDTH = 420  # narrow, so that the text stays readable when a phone scales the chart down
LINE = 18  # the height of a line of text
BAR = 16  # the height of a horizontal bar
GAP = 14  # between the rows of horizontal bars
VALUE_ROOM = 120  # at the end of a horizontal bar, for its value as text
AXIS_ROOM = 78  # left of the columns, for the axis' figures
COLUMNS_HEIGHT = 180  # of the columns' area
LABEL_ROOM = 2 * LINE + 6  # under the columns, for two lines of a group's name

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    """One row of values in a chart: its name (for the legend) and its CSS class."""

    name: str
    css: str


@dataclass(frozen=True)
class Bar:
    """A drawn rectangle with its value as text (x, y: where the text starts)."""

    x: float
    y: float
    width: float
    height: float
    css: str
    text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Row:
    """A row of a horizontal bar chart: its label above its bars."""

    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Rows:
    """A horizontal bar chart (centred: a funnel)."""

    id: str
    title: str
    desc: str
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    width: int
    height: float
    centred: bool = False


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Group:
    """A group of columns side by side (a year), its name in at most two lines under them,
    and the line of a ceiling over it (the year's budget), if any."""

    lines: tuple[str, ...]
    x: float
    bars: tuple[Bar, ...]
    ceiling_y: float | None = None
    ceiling_x2: float = 0


@dataclass(frozen=True)
class Columns:
    """A column chart of groups, with a vertical axis."""

    id: str
    title: str
    desc: str
    series: tuple[Series, ...]
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]
    left: float
    base_y: float
    width: int
    height: float
    ceiling: str = ""  # the name of the ceilings' line in the legend


def rows_chart(
    id: str,
    title: str,
    series: tuple[Series, ...],
    rows: list[tuple[str, list[Number], list[str]]],
    centred: bool = False,
) -> Rows:
    """Rows of (label, a value per series, a text per series), bars against the largest value.

    Centred, a single series is drawn as a funnel, its text on the label's line."""
    top = float(max((max(values, default=0) for _l, values, _t in rows), default=0)) or 1.0
    room = WIDTH if centred else WIDTH - VALUE_ROOM
    drawn, y = [], 0.0
    for label, values, texts in rows:
        label_y, y = y + LINE - 4, y + LINE
        bars = []
        for one, value, text in zip(series, values, texts, strict=True):
            width = max(2.0, room * max(float(value), 0) / top)
            x = (WIDTH - width) / 2 if centred else 0.0
            bars.append(Bar(x, y, width, BAR, one.css, text, x + width + 6, y + BAR - 3))
            y += BAR + 2
        drawn.append(Row(f"{label}: {texts[0]}" if centred else label, label_y, tuple(bars)))
        y += GAP
    desc = "; ".join(_described(label, series, texts) for label, _values, texts in rows)
    return Rows(id, title, desc, series, tuple(drawn), WIDTH, y, centred)


def columns_chart(
    id: str,
    title: str,
    series: tuple[Series, ...],
    groups: list[tuple[str, list[Number], list[str]]],
    axis: Callable[[float], str],  # a figure of the axis as text
    labels: bool = True,
    ceilings: tuple[str, list[Number]] | None = None,
) -> Columns:
    """Groups of (name, a value per series, a text per series) as columns side by side; with
    labels, each column's text over it; ceilings: a line's name and its value per group."""
    values = [float(v) for _n, vs, _t in groups for v in vs]
    if ceilings:
        values += [float(v) for v in ceilings[1]]
    step = _step(max(values, default=0))
    top = step * 4
    left = AXIS_ROOM
    base = LINE + COLUMNS_HEIGHT
    room = (WIDTH - left) / max(len(groups), 1)
    column = room * 0.8 / max(len(series), 1)

    def height(value: Number) -> float:
        return COLUMNS_HEIGHT * max(float(value), 0) / top

    drawn = []
    for i, (name, group_values, texts) in enumerate(groups):
        x = left + i * room + room * 0.1
        bars = []
        for j, (one, value, text) in enumerate(zip(series, group_values, texts, strict=True)):
            h = max(height(value), 1.0)
            bx = x + j * column
            bars.append(
                Bar(
                    bx,
                    base - h,
                    column - 2,
                    h,
                    one.css,
                    text if labels else "",
                    bx + column / 2 - 1,
                    base - h - 4,
                )
            )
        ceiling = base - height(ceilings[1][i]) if ceilings else None
        drawn.append(Group(_two_lines(name), x + room * 0.4, tuple(bars), ceiling, x + room * 0.8))
    ticks = tuple(Tick(base - COLUMNS_HEIGHT * k / 4, axis(step * k)) for k in range(5))
    desc = "; ".join(_described(name, series, texts) for name, _v, texts in groups)
    return Columns(
        id,
        title,
        desc,
        series,
        tuple(drawn),
        ticks,
        left,
        base,
        WIDTH,
        base + LABEL_ROOM,
        ceilings[0] if ceilings else "",
    )


def _described(label: str, series: tuple[Series, ...], texts: list[str]) -> str:
    if len(series) == 1:
        return f"{label}: {texts[0]}"
    return f"{label}: " + ", ".join(
        f"{one.name} {text}" for one, text in zip(series, texts, strict=True)
    )


def _step(top: float) -> float:
    """A round step of an axis with four steps that reaches the largest value."""
    if top <= 0:
        return 1
    raw = top / 4
    magnitude = 10 ** floor(log10(raw))
    for nice in (1, 2, 2.5, 5, 7.5, 10):
        if raw <= nice * magnitude:
            step = nice * magnitude
            return step if step >= 1 else 1
    return 10 * magnitude


def _two_lines(name: str) -> tuple[str, ...]:
    """A name in at most two lines, broken at the space or dash nearest its middle."""
    if len(name) <= 9:
        return (name,)
    breaks = [i for i, c in enumerate(name) if c in " –-"]
    if not breaks:
        return (name,)
    at = min(breaks, key=lambda i: abs(i - len(name) / 2))
    keep = name[at] if name[at] != " " else ""
    return (name[:at] + keep, name[at + 1 :])
