"""The programme statistics dashboard: the registry's figures as tables and bar charts.

Everyone sees the public version (no personal data); staff may narrow it to one call, and
managers get the export links. Every figure, its label and its format come from the
statistics registry; this module only arranges them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from .. import statistics
from ..i18n import status_label
from ..lifecycle import Role
from ..statistics import (
    METRIC,
    METRICS,
    QUIET_YEARS,
    Metric,
    PilotSpending,
    ProgrammeStatistics,
    Shape,
)
from .guards import EVERYONE, allow
from .statistics_charts import drawn

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
OUTCOMES = tuple(metric for metric in METRICS if metric.status)
FACTS = ("median_days_to_screening_decision", "median_experiment_days")
BREAKDOWNS = tuple(metric for metric in METRICS if metric.shape is Shape.BREAKDOWN)
# The breakdowns drawn as bars here (the others are drawn by statistics_charts).
CHARTED = ("by_proposer_type", "by_year", "by_call", "by_service_area", "by_sdg")
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


def _count_bars(
    counts: dict, label, base: int, metrics: tuple[str, ...] = (), notes: dict | None = None
) -> list[Bar]:
    """Counts with their shares of one base, the submitted proposals: where a proposal may
    count under several keys (centres, goals) the shares add up to more than 100 %."""
    notes = notes or {}
    items = [(label(key), n, _count_text(n, base, notes.get(key))) for key, n in counts.items()]
    return bars(items, metrics)


def _count_text(n: int, base: int, note: str | None) -> str:
    """A count with its share, or with the note that says why there is none."""
    if note:
        return _("%(figure)s: %(note)s", figure=format_decimal(n), note=_(note))
    return _count_with_share(n, base)


def _base(stats: ProgrammeStatistics) -> dict:
    """The base of every share on the page, for ngettext: the submitted proposals."""
    return {"num": stats.proposals, "base": format_decimal(stats.proposals)}


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
    base = _base(stats)
    return {
        "headline": headline(stats),
        "outcome_bars": _count_bars(
            {m.status: m.read(stats) for m in OUTCOMES},
            _status_name,
            stats.proposals,
            tuple(m.name for m in OUTCOMES),
        ),
        "outcome_caption": ngettext(
            "Where the %(base)s submitted proposal is now",
            "Where the %(base)s submitted proposals are now, and their share in each state",
            **base,
        ),
        "conversion": _figure(METRIC["conversion"], stats),
        "conversion_text": ngettext(
            "Conversion: %(share)s of the %(base)s submitted proposal was carried out as an "
            "experiment.",
            "Conversion: %(share)s of the %(base)s submitted proposals were carried out as "
            "experiments.",
            share=METRIC["conversion"].text(stats),
            **base,
        ),
        "facts": [_figure(METRIC[name], stats) for name in FACTS],
        "budget": _budget_table(stats),
        "overspent": _figure(METRIC["overspent_pilots"], stats),
        "overspent_pilots": [_overspent(pilot) for pilot in stats.overspent_pilots],
        "charts": {m.name: _chart(m, stats) for m in BREAKDOWNS if m.name in CHARTED},
        "drawn": drawn(stats),
    }


# A state's name in the chart of where the proposals are now: the entry's short name if it
# has one ("Awaiting screening" says more than "Submitted"), else the state's label.
_STATUS_NAMES = {m.status: m.short for m in OUTCOMES if m.short}


def _status_name(status: str) -> str:
    short = _STATUS_NAMES.get(status)
    return _(short) if short else status_label(status)


def headline(stats: ProgrammeStatistics, names: tuple[str, ...] = HEADLINE) -> list[Figure]:
    """The headline figures (or those named) as the registry labels and formats them."""
    return [_figure(METRIC[name], stats) for name in names]


def _figure(metric: Metric, stats: ProgrammeStatistics) -> Figure:
    return Figure(metric.name, _(metric.short or metric.label), metric.text(stats))


def _chart(metric: Metric, stats: ProgrammeStatistics) -> Chart:
    counts = metric.read(stats)
    if metric.name in SUPPORTED_ONLY:
        counts = {key: n for key, n in counts.items() if n}
    notes = _quiet_years(stats) if metric.name == "by_year" else None
    caption = ngettext(
        "%(figure)s, as a share of the %(base)s submitted proposal",
        "%(figure)s, as a share of the %(base)s submitted proposals",
        figure=_(metric.label),
        **_base(stats),
    )
    return Chart(
        metric.name,
        caption,
        _count_bars(counts, metric.key_label, stats.proposals, notes=notes),
    )


def _quiet_years(stats: ProgrammeStatistics) -> dict[int, str]:
    return {year: QUIET_YEARS[reason] for year, reason in stats.quiet_years.items()}


@dataclass(frozen=True)
class BudgetCell:
    """An amount of the budget table, and whether it is over the year's budget."""

    text: str
    over: bool = False


@dataclass(frozen=True)
class BudgetTable:
    """The budget per year: its registry entry, column labels, rows of formatted amounts,
    and what is over a year's budget, said in words."""

    metric: str
    columns: list[str]
    rows: list[tuple[int, list[BudgetCell]]]
    warnings: list[str]


def _budget_table(stats: ProgrammeStatistics) -> BudgetTable:
    metric = METRIC["budget"]
    rows, warnings = [], []
    for row in metric.read(stats):
        over = {"allocated": row.over_allocated, "spent": row.overspent}
        over["remaining"] = row.over_allocated
        cells = [
            BudgetCell(metric.show(getattr(row, column.name)), over.get(column.name, False))
            for column in metric.columns
        ]
        rows.append((row.year, cells))
        if row.over_allocated:
            warnings.append(
                _(
                    "%(year)s: %(amount)s allocated, over the annual budget of %(annual)s.",
                    year=row.year,
                    amount=metric.show(row.allocated),
                    annual=metric.show(row.annual),
                )
            )
        if row.overspent:
            warnings.append(
                _(
                    "%(year)s: %(amount)s spent, over the annual budget of %(annual)s.",
                    year=row.year,
                    amount=metric.show(row.spent),
                    annual=metric.show(row.annual),
                )
            )
    columns = [_(column.label) for column in metric.columns]
    return BudgetTable(metric.name, columns, rows, warnings)


@dataclass(frozen=True)
class Overspent:
    """A pilot that spent more than its allocation, as the page says it."""

    experiment_id: int
    title: str
    text: str


def _overspent(pilot: PilotSpending) -> Overspent:
    show = METRIC["budget"].show
    text = _(
        "spent %(spent)s of %(allocated)s allocated, %(over)s over",
        spent=show(pilot.spent),
        allocated=show(pilot.allocated),
        over=show(pilot.over),
    )
    return Overspent(pilot.experiment_id, pilot.title, text)
