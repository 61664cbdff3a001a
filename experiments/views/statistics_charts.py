"""The dashboard's drawn charts: the registry's figures as inline SVG, each with its table.

The funnel, the years of the programme (proposals, pilots, budget), the city centres side by
side and the participants. Every figure is a registry entry's (data-metric in the tables).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from ..i18n import code_label
from ..statistics import METRIC, METRICS, ProgrammeStatistics
from .charts import Columns, Rows, Series, columns_chart, rows_chart

FUNNEL = tuple(metric for metric in METRICS if metric.stage)
PARTICIPANTS = tuple(metric for metric in METRICS if metric.part_of == "participants")
ONE = (Series("", "series-1"),)


@dataclass(frozen=True)
class Cell:
    """A figure of a chart's table: its text, and the registry entry it is a part of."""

    text: str
    metric: str = ""


@dataclass(frozen=True)
class Table:
    """A chart's figures as a table: column headings, rows of a heading and cells, and the
    registry entry of each row (or of the whole table)."""

    caption: str
    corner: str
    columns: list[str]
    rows: list[tuple[str, str, list[Cell]]]  # (entry, heading, cells)
    metric: str = ""


def share(n: int, total: int) -> str:
    if not total:
        return format_decimal(n)
    return _(
        "%(count)s (%(share)s)", count=format_decimal(n), share=format_percent(n / total, "#,##0 %")
    )


def drawn(stats: ProgrammeStatistics) -> dict[str, tuple[Rows | Columns, Table | None]]:
    """Every drawn chart of the page by name, with its table."""
    return {
        "funnel": _funnel(stats),
        "years": _years(stats),
        "budget": _budget(stats),
        "centres": _centres(stats),
        "participants": _participants(stats),
    }


def _funnel(stats: ProgrammeStatistics) -> tuple[Rows, Table]:
    rows = [(_(m.stage), [m.read(stats)], [share(m.read(stats), stats.proposals)]) for m in FUNNEL]
    title = ngettext(
        "Proposals at each stage, as a share of the %(base)s submitted proposal",
        "Proposals at each stage, as a share of the %(base)s submitted proposals",
        num=stats.proposals,
        base=format_decimal(stats.proposals),
    )
    table = Table(
        title,
        _("Stage"),
        [_("Proposals")],
        [
            (m.name, label, [Cell(texts[0])])
            for m, (label, _v, texts) in zip(FUNNEL, rows, strict=True)
        ],
    )
    return rows_chart("funnel-chart", title, ONE, rows, centred=True), table


def _years(stats: ProgrammeStatistics) -> tuple[Columns, Table]:
    proposals, pilots = METRIC["by_year"], METRIC["pilots_by_year"]
    series = (
        Series(_("Proposals submitted"), "series-1"),
        Series(_("Pilots started"), "series-2"),
    )
    submitted, started = proposals.read(stats), pilots.read(stats)
    years = sorted(set(submitted) | set(started))
    groups = [
        (
            str(year),
            [submitted.get(year, 0), started.get(year, 0)],
            [format_decimal(submitted.get(year, 0)), format_decimal(started.get(year, 0))],
        )
        for year in years
    ]
    title = _("Proposals submitted and pilots started per year")
    chart = columns_chart("years-chart", title, series, groups, lambda v: format_decimal(v))
    table = Table(
        title,
        _("Figure"),
        [str(year) for year in years],
        [
            (metric.name, one.name, [Cell(texts[i]) for _y, _v, texts in groups])
            for i, (metric, one) in enumerate(zip((proposals, pilots), series, strict=True))
        ],
    )
    return chart, table


def _budget(stats: ProgrammeStatistics) -> tuple[Columns, None]:
    metric = METRIC["budget"]
    years = metric.read(stats)
    series = (Series(_("Allocated"), "series-1"), Series(_("Spent"), "series-3"))
    groups = [
        (
            str(y.year),
            [y.allocated, y.spent],
            [metric.show(y.allocated), metric.show(y.spent)],
        )
        for y in years
    ]
    title = _(
        "Budget used per year (EUR): allocated to pilots and spent, against the annual budget"
    )
    chart = columns_chart(
        "budget-chart",
        title,
        series,
        groups,
        lambda v: format_decimal(v),
        labels=False,
        ceilings=(_("Annual budget"), [y.annual for y in years]),
    )
    return chart, None  # its table is the page's budget table, with what is over budget


def _centres(stats: ProgrammeStatistics) -> tuple[Rows, Table]:
    proposals, experiments = METRIC["by_city_centre"], METRIC["experiments_by_city_centre"]
    series = (
        Series(_("Proposals"), "series-1"),
        Series(_("Experiments carried out"), "series-2"),
    )
    submitted, carried = proposals.read(stats), experiments.read(stats)
    rows = [
        (
            proposals.key_label(centre),
            [submitted[centre], carried.get(centre, 0)],
            [share(submitted[centre], stats.proposals), format_decimal(carried.get(centre, 0))],
        )
        for centre in submitted
    ]
    title = ngettext(
        "The city centres side by side: proposals (with their share of the %(base)s submitted "
        "proposal) and experiments concerning each",
        "The city centres side by side: proposals (with their share of the %(base)s submitted "
        "proposals) and experiments concerning each",
        num=stats.proposals,
        base=format_decimal(stats.proposals),
    )
    table = Table(
        title,
        _("City centre"),
        [one.name for one in series],
        [
            ("", label, [Cell(texts[0]), Cell(texts[1], experiments.name)])
            for label, _v, texts in rows
        ],
        metric=proposals.name,
    )
    return rows_chart("centres-chart", title, series, rows), table


def _participants(stats: ProgrammeStatistics) -> tuple[Rows, Table]:
    rows = [
        (code_label("ParticipationCategory", m.name), [m.read(stats)], [m.text(stats)])
        for m in PARTICIPANTS
    ]
    title = _("Participants by category (sums of the experiments' participation records)")
    table = Table(
        title,
        _("Category"),
        [_("Participants")],
        [
            (m.name, label, [Cell(texts[0])])
            for m, (label, _v, texts) in zip(PARTICIPANTS, rows, strict=True)
        ],
    )
    return rows_chart("participants-chart", title, ONE, rows), table
