"""The programme statistics dashboard: the figures of statistics.py as tables and bar charts.

Everyone sees the public version (no personal data); staff may narrow it to one call, and
managers get the export links.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from .. import statistics
from ..i18n import code_label, money, sdg_label, status_label
from ..lifecycle import Role, Status
from ..vocabulary import ParticipationCategory
from .guards import EVERYONE, allow

bp = Blueprint("statistics", __name__)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, the value as text, its length in hundredths."""

    label: str
    text: str
    size: int


def bars(items: list[tuple[str, float, str]]) -> list[Bar]:
    """Bars sized against the largest value (the CSS has a class per hundredth)."""
    top = max((value for _label, value, _text in items), default=0) or 1
    return [Bar(label, text, round(100 * max(value, 0) / top)) for label, value, text in items]


def _count_bars(counts: dict, label) -> list[Bar]:
    total = sum(counts.values())
    return bars([(label(key), n, _count_with_share(n, total)) for key, n in counts.items()])


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
        headline=_headline(stats),
        funnel=_funnel(stats),
        budget_bars=_budget_bars(stats),
        conversion=format_percent(stats.conversion, "#,##0.0 %"),
        participant_bars=bars(
            [
                (
                    code_label("ParticipationCategory", c),
                    stats.participants[c.value],
                    format_decimal(stats.participants[c.value]),
                )
                for c in ParticipationCategory
            ]
        ),
        proposer_bars=_count_bars(stats.by_proposer_type, lambda k: code_label("ProposerType", k)),
        area_bars=_count_bars(stats.by_service_area, lambda k: code_label("ServiceArea", k)),
        centre_bars=_count_bars(stats.by_city_centre, lambda k: code_label("CityCentre", k)),
        sdg_bars=_count_bars(
            {g: n for g, n in stats.by_sdg.items() if n}, lambda g: f"{g}. {sdg_label(g)}"
        ),
        call_bars=_count_bars({c.title: c.proposals for c in stats.by_call}, str),
        year_bars=_count_bars(stats.by_year, str),
        outcome_bars=_count_bars(
            {status: getattr(stats, name) for status, name in _OUTCOMES}, status_label
        ),
    )


_OUTCOMES = (
    (Status.PILOT, "running"),
    (Status.EVALUATION, "in_evaluation"),
    (Status.ADOPTED, "adopted"),
    (Status.DISCONTINUED, "discontinued"),
    (Status.REJECTED, "rejected"),
    (Status.WITHDRAWN, "withdrawn"),
)


def _headline(stats: statistics.ProgrammeStatistics) -> list[tuple[str, str]]:
    """The figures as in the programme's own report."""
    annual = sorted({b.annual for b in stats.budget})
    if len(annual) == 1:
        budget = _("%(amount)s a year", amount=money(annual[0]))
    elif annual:
        budget = _("%(low)s–%(high)s a year", low=money(annual[0]), high=money(annual[-1]))
    else:
        budget = "–"
    participants = stats.participants
    return [
        (_("Experiment proposals"), format_decimal(stats.proposals)),
        (_("Experiments carried out"), format_decimal(stats.carried_out)),
        (_("Adopted"), format_decimal(stats.adopted)),
        (_("Discontinued"), format_decimal(stats.discontinued)),
        (
            _("Residents and customers involved"),
            format_decimal(participants[ParticipationCategory.RESIDENTS_CUSTOMERS]),
        ),
        (
            _("Companies and communities involved"),
            format_decimal(participants[ParticipationCategory.COMPANIES_COMMUNITIES]),
        ),
        (_("Partner organisations"), format_decimal(stats.partner_organisations)),
        (
            _("City employees involved"),
            format_decimal(participants[ParticipationCategory.EMPLOYEES]),
        ),
        (_("Annual budget"), budget),
    ]


def _funnel(stats: statistics.ProgrammeStatistics) -> list[Bar]:
    steps = [
        (_("Proposals"), stats.proposals),
        (_("Screened"), stats.screened),
        (_("Piloted (carried out)"), stats.carried_out),
        (_("Evaluated"), stats.evaluated),
        (_("Adopted"), stats.adopted),
        (_("Discontinued"), stats.discontinued),
    ]
    return bars([(label, n, _count_with_share(n, stats.proposals)) for label, n in steps])


def _budget_bars(stats: statistics.ProgrammeStatistics) -> list[Bar]:
    """Allocated per year against the largest annual budget."""
    top = max((b.annual for b in stats.budget), default=0) or 1
    return [
        Bar(
            str(b.year),
            _("%(allocated)s of %(annual)s", allocated=money(b.allocated), annual=money(b.annual)),
            min(100, round(100 * b.allocated / top)),
        )
        for b in stats.budget
    ]
