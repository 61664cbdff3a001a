"""The programme statistics dashboard: the registry's figures as tables and bar charts.

Everyone sees the public version (no personal data); staff may narrow it to one call, and
managers get the export links. Every figure, its label and its format come from the
statistics registry; this module only arranges them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from .. import statistics
from ..i18n import code_label, status_label
from ..lifecycle import Role
from ..statistics import METRIC, METRICS, Metric, ProgrammeStatistics, Shape
from .guards import EVERYONE, allow

bp = Blueprint("statistics", __name__)

# The headline figures, in the order of the programme's own report.
HEADLINE = (
    "proposals",
    "carried_out",
    "adopted",
    "discontinued",
    "residents_customers",
    "companies_communities",
    "partner_organisations",
    "employees",
    "annual_budget",
)
FUNNEL = tuple(metric for metric in METRICS if metric.stage)
OUTCOMES = tuple(metric for metric in METRICS if metric.status)
PARTICIPANTS = tuple(metric for metric in METRICS if metric.part_of == "participants")
FACTS = ("median_days_to_screening_decision", "median_experiment_days")
BREAKDOWNS = tuple(metric for metric in METRICS if metric.shape is Shape.BREAKDOWN)
# Seventeen goals: their chart shows only those that some proposal supports.
SUPPORTED_ONLY = ("by_sdg",)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, the value as text, its length in hundredths, and the
    registry entry it shows if it is one."""

    label: str
    text: str
    size: int
    metric: str = ""


@dataclass(frozen=True)
class Figure:
    """A figure as a row of the page: its registry entry, label and value as text."""

    metric: str
    label: str
    text: str


@dataclass(frozen=True)
class Chart:
    """A breakdown as a bar chart: its registry entry, caption and bars."""

    metric: str
    caption: str
    bars: list[Bar]


def bars(items: list[tuple[str, float, str]], metrics: tuple[str, ...] = ()) -> list[Bar]:
    """Bars sized against the largest value (the CSS has a class per hundredth)."""
    top = max((value for _label, value, _text in items), default=0) or 1
    names = metrics or ("",) * len(items)
    return [
        Bar(label, text, round(100 * max(value, 0) / top), name)
        for (label, value, text), name in zip(items, names, strict=True)
    ]


def _count_bars(counts: dict, label, metrics: tuple[str, ...] = ()) -> list[Bar]:
    total = sum(counts.values())
    items = [(label(key), n, _count_with_share(n, total)) for key, n in counts.items()]
    return bars(items, metrics)


def _count_with_share(n: int, total: int) -> str:
    if not total:
        return format_decimal(n)
    return _(
        "%(count)s (%(share)s)", count=format_decimal(n), share=format_percent(n / total, "#,##0 %")
    )


@bp.get("/statistics")
@allow(EVERYONE)
def dashboard():
    refs = statistics.programme_refs()
    if not refs:
        return render_template("statistics/dashboard.html", stats=None, refs=refs)
    chosen = request.args.get("programme", type=int)
    ref = next((r for r in refs if r.id == chosen), None)
    if chosen is not None and ref is None:
        abort(404)
    if ref is None:
        default = statistics.default_programme_id(refs)
        ref = next(r for r in refs if r.id == default)
    year = request.args.get("year", type=int)
    if year is not None and not ref.start_year <= year <= ref.end_year:
        year = None  # a year outside the programme: show the whole programme
    staff = current_user.is_authenticated and current_user.is_staff
    call_id = request.args.get("call", type=int) if staff else None
    calls = statistics.programme_calls(ref.id) if staff else []
    if call_id is not None and call_id not in {c.id for c in calls}:
        abort(404)
    stats = statistics.programme_statistics(ref.id, call_id=call_id, year=year)
    return render_template(
        "statistics/dashboard.html",
        stats=stats,
        refs=refs,
        calls=calls,
        staff=staff,
        manager=current_user.is_authenticated and current_user.role == Role.MANAGER,
        **figures(stats),
    )


def figures(stats: ProgrammeStatistics) -> dict:
    """Everything the page shows of the statistics, arranged by section."""
    return {
        "headline": [_figure(METRIC[name], stats) for name in HEADLINE],
        "funnel": _funnel(stats),
        "outcome_bars": _count_bars(
            {m.status: m.read(stats) for m in OUTCOMES},
            status_label,
            tuple(m.name for m in OUTCOMES),
        ),
        "conversion": _figure(METRIC["conversion"], stats),
        "facts": [_figure(METRIC[name], stats) for name in FACTS],
        "budget": _budget_table(stats),
        "budget_bars": _budget_bars(stats),
        "participant_bars": _participant_bars(stats),
        "charts": {m.name: _chart(m, stats) for m in BREAKDOWNS},
    }


def _figure(metric: Metric, stats: ProgrammeStatistics) -> Figure:
    return Figure(metric.name, _(metric.short or metric.label), metric.text(stats))


def _funnel(stats: ProgrammeStatistics) -> list[Bar]:
    """Proposals at each stage, each with its share of all proposals."""
    total = METRIC["proposals"].read(stats)
    items = [(_(m.stage), m.read(stats), _count_with_share(m.read(stats), total)) for m in FUNNEL]
    return bars(items, tuple(m.name for m in FUNNEL))


def _participant_bars(stats: ProgrammeStatistics) -> list[Bar]:
    """Participants per category; the entries are named after the categories' codes."""
    items = [
        (code_label("ParticipationCategory", m.name), m.read(stats), m.text(stats))
        for m in PARTICIPANTS
    ]
    return bars(items, tuple(m.name for m in PARTICIPANTS))


def _chart(metric: Metric, stats: ProgrammeStatistics) -> Chart:
    counts = metric.read(stats)
    if metric.name in SUPPORTED_ONLY:
        counts = {key: n for key, n in counts.items() if n}
    return Chart(metric.name, _(metric.label), _count_bars(counts, metric.key_label))


@dataclass(frozen=True)
class BudgetTable:
    """The budget per year: its registry entry, column labels and rows of formatted amounts."""

    metric: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]


def _budget_table(stats: ProgrammeStatistics) -> BudgetTable:
    metric = METRIC["budget"]
    return BudgetTable(
        metric.name,
        [_(column.label) for column in metric.columns],
        [
            (row.year, [metric.show(getattr(row, column.name)) for column in metric.columns])
            for row in metric.read(stats)
        ],
    )


def _budget_bars(stats: ProgrammeStatistics) -> list[Bar]:
    """Allocated per year against the largest annual budget."""
    metric = METRIC["budget"]
    budget = metric.read(stats)
    top = max((b.annual for b in budget), default=0) or 1
    return [
        Bar(
            str(b.year),
            _(
                "%(allocated)s of %(annual)s",
                allocated=metric.show(b.allocated),
                annual=metric.show(b.annual),
            ),
            min(100, round(100 * b.allocated / top)),
        )
        for b in budget
    ]
