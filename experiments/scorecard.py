"""The programme scorecard (tuloskortti): its metrics, and goals measured against them.

Read-only. Every computed figure comes from statistics.programme_statistics; nothing
here counts records. The page, the XLSX export and the follow-up snapshots all use
the metric registry below, so they always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import statistics
from .extensions import db
from .lifecycle import N_
from .models import GoalFollowUp, Programme, ProgrammeGoal, ProgrammeRisk
from .models.scorecard import MANUAL_METRIC, GoalDirection
from .vocabulary import RiskStatus

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _budget_total(column: str):
    return lambda stats: sum((getattr(year, column) for year in stats.budget), Decimal(0))


def _allocated_share(stats):
    annual = _budget_total("annual")(stats)
    return None if not annual else _budget_total("allocated")(stats) / annual * HUNDRED


def _largest_year_share(stats):
    shares = [year.allocated / year.annual * HUNDRED for year in stats.budget if year.annual]
    return max(shares) if shares else None


def _conversion(stats):
    value = stats.conversion
    return None if value is None else Decimal(str(value)) * HUNDRED


def _total(values):
    return sum(values, Decimal(0))


def _highest(values):
    return max(values) if values else None


@dataclass(frozen=True)
class Metric:
    """A programme statistic a goal can be measured with."""

    code: str
    label: str  # untranslated; translated where shown
    unit: str  # untranslated
    read: Callable[[object], object]
    # How the figures of single years make the figure of those years together (None: they
    # do not, e.g. distinct organisations or medians).
    across_years: Callable[[list[Decimal]], Decimal | None] | None = _total

    def value(self, stats) -> Decimal | None:
        """The metric's figure in these statistics, exact to the cent; None when undefined."""
        return as_figure(self.read(stats))


METRICS: tuple[Metric, ...] = (
    Metric("proposals", N_("Proposals (left draft)"), N_("proposals"), lambda s: s.proposals),
    Metric("screened", N_("Proposals screened"), N_("proposals"), lambda s: s.screened),
    Metric(
        "carried_out", N_("Experiments carried out"), N_("experiments"), lambda s: s.carried_out
    ),
    Metric("running", N_("Experiments running"), N_("experiments"), lambda s: s.running),
    Metric(
        "in_evaluation",
        N_("Experiments in evaluation"),
        N_("experiments"),
        lambda s: s.in_evaluation,
    ),
    Metric("evaluated", N_("Experiments evaluated"), N_("experiments"), lambda s: s.evaluated),
    Metric("adopted", N_("Experiments adopted"), N_("experiments"), lambda s: s.adopted),
    Metric(
        "discontinued", N_("Experiments discontinued"), N_("experiments"), lambda s: s.discontinued
    ),
    Metric("rejected", N_("Proposals rejected"), N_("proposals"), lambda s: s.rejected),
    Metric("withdrawn", N_("Proposals withdrawn"), N_("proposals"), lambda s: s.withdrawn),
    Metric(
        "conversion",
        N_("Experiments carried out per proposal"),
        "%",
        _conversion,
        across_years=None,
    ),
    Metric(
        "residents_customers",
        N_("Residents and customers involved"),
        N_("people"),
        lambda s: s.participants["residents_customers"],
    ),
    Metric(
        "companies_communities",
        N_("Companies and communities involved"),
        N_("participants"),
        lambda s: s.participants["companies_communities"],
    ),
    Metric(
        "employees",
        N_("City employees involved"),
        N_("people"),
        lambda s: s.participants["employees"],
    ),
    Metric(
        "partner_organisations",
        N_("Distinct partner organisations"),
        N_("organisations"),
        lambda s: s.partner_organisations,
        across_years=None,
    ),
    Metric("budget_annual", N_("Annual budgets in total"), "EUR", _budget_total("annual")),
    Metric(
        "budget_allocated", N_("Budget allocated to experiments"), "EUR", _budget_total("allocated")
    ),
    Metric("budget_spent", N_("Budget spent"), "EUR", _budget_total("spent")),
    Metric(
        "budget_allocated_share",
        N_("Share of the budget allocated"),
        "%",
        _allocated_share,
        across_years=None,
    ),
    Metric(
        "budget_largest_year_share",
        N_("Largest share of a year's budget allocated"),
        "%",
        _largest_year_share,
        across_years=_highest,
    ),
    Metric(
        "median_days_to_screening_decision",
        N_("Median days from submission to a screening decision"),
        N_("days"),
        lambda s: s.median_days_to_screening_decision,
        across_years=None,
    ),
    Metric(
        "median_experiment_days",
        N_("Median experiment duration"),
        N_("days"),
        lambda s: s.median_experiment_days,
        across_years=None,
    ),
)
METRIC_BY_CODE = {metric.code: metric for metric in METRICS}
MANUAL_LABEL = N_("Manual: entered with each follow-up")
METRIC_CODES = frozenset(METRIC_BY_CODE) | {MANUAL_METRIC}

DIRECTION_LABELS = {
    GoalDirection.AT_LEAST: N_("At least the target (higher is better)"),
    GoalDirection.AT_MOST: N_("At most the target (lower is better)"),
}
# A goal's follow-up status uses the scorecard's traffic light, said in words.
FOLLOW_UP_STATUS_LABELS = {
    RiskStatus.GREEN: N_("Green: on track"),
    RiskStatus.YELLOW: N_("Yellow: needs attention"),
    RiskStatus.RED: N_("Red: off track"),
}
RISK_STATUS_LABELS = {
    RiskStatus.GREEN: N_("Green: under control"),
    RiskStatus.YELLOW: N_("Yellow: needs attention"),
    RiskStatus.RED: N_("Red: critical"),
}


def metric_label(code: str) -> str:
    """The untranslated name of a metric code; an unknown code is shown as it is."""
    if code == MANUAL_METRIC:
        return MANUAL_LABEL
    metric = METRIC_BY_CODE.get(code)
    return metric.label if metric else code


def metric_choices() -> list[tuple[str, str]]:
    """(code, untranslated label) pairs for the goal form: the statistics, then manual."""
    return [(m.code, m.label) for m in METRICS] + [(MANUAL_METRIC, MANUAL_LABEL)]


def goal_unit(goal: ProgrammeGoal) -> str:
    """The goal's own unit, or its metric's untranslated unit."""
    metric = METRIC_BY_CODE.get(goal.metric)
    return goal.unit or (metric.unit if metric else "")


def as_figure(value) -> Decimal | None:
    """A count, ratio or amount as a Decimal rounded to the cent; None stays None."""
    if value is None:
        return None
    try:
        figure = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return figure.quantize(CENT, rounding=ROUND_HALF_UP) if figure.is_finite() else None


def progress(value: Decimal | None, target: Decimal, direction: GoalDirection) -> int | None:
    """How far the value is towards the target, in whole percent (may exceed 100)."""
    if value is None:
        return None
    if direction == GoalDirection.AT_MOST:
        ratio = HUNDRED if value <= target else target / value * HUNDRED
    else:
        ratio = HUNDRED if target == 0 else value / target * HUNDRED
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def suggested_status(percent: int | None) -> RiskStatus | None:
    """A starting point for the follow-up's traffic light; the manager decides."""
    if percent is None:
        return None
    if percent >= 100:
        return RiskStatus.GREEN
    return RiskStatus.YELLOW if percent >= 75 else RiskStatus.RED


def bar_width(percent: int | None) -> int:
    """The progress bar's width class, in steps of ten, at most 100 (CSS has no inline styles)."""
    if not percent or percent < 0:
        return 0
    return min(100, int(round(percent / 10.0)) * 10)


def statistics_year(goal: ProgrammeGoal) -> int | None:
    """A goal within one calendar year is measured with that year's statistics."""
    if goal.period_start.year == goal.period_end.year:
        return goal.period_start.year
    return None


class StatisticsCache:
    """Each scope's statistics computed at most once per page, export or snapshot."""

    def __init__(self, programme_id: int):
        self.programme_id = programme_id
        self._by_year: dict[int | None, object] = {}

    def for_year(self, year: int | None):
        if year not in self._by_year:
            self._by_year[year] = statistics.programme_statistics(self.programme_id, year=year)
        return self._by_year[year]

    def for_goal(self, goal: ProgrammeGoal):
        return self.for_year(statistics_year(goal))


def computed_value(goal: ProgrammeGoal, cache: StatisticsCache) -> Decimal | None:
    """The live figure of a goal's statistic; None for a manual goal."""
    metric = METRIC_BY_CODE.get(goal.metric)
    return None if metric is None else metric.value(cache.for_goal(goal))


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: GoalFollowUp
    progress: int | None

    @property
    def bar(self) -> int:
        return bar_width(self.progress)


@dataclass(frozen=True)
class GoalRow:
    goal: ProgrammeGoal
    computed: bool
    unit: str  # the goal's own unit, or the metric's untranslated unit
    actual: Decimal | None
    progress: int | None
    history: tuple[FollowUpRow, ...]

    @property
    def latest(self) -> GoalFollowUp | None:
        return self.history[-1].follow_up if self.history else None

    @property
    def bar(self) -> int:
        return bar_width(self.progress)


def risk_level(score: int) -> tuple[str, str]:
    """(css class, untranslated label) of a score, in the experiment risk matrix's bands."""
    if score >= 9:
        return "high", N_("High")
    if score >= 4:
        return "medium", N_("Medium")
    return "low", N_("Low")


@dataclass(frozen=True)
class Scorecard:
    programme: Programme
    goals: tuple[GoalRow, ...]
    risks: tuple[ProgrammeRisk, ...]


def goals_of(programme_id: int) -> list[ProgrammeGoal]:
    return db.session.scalars(
        select(ProgrammeGoal)
        .where(ProgrammeGoal.programme_id == programme_id)
        .options(selectinload(ProgrammeGoal.follow_ups).selectinload(GoalFollowUp.author))
        .order_by(ProgrammeGoal.position, ProgrammeGoal.id)
    ).all()


def risks_of(programme_id: int) -> list[ProgrammeRisk]:
    return db.session.scalars(
        select(ProgrammeRisk)
        .where(ProgrammeRisk.programme_id == programme_id)
        .order_by(ProgrammeRisk.id)
    ).all()


def goal_row(goal: ProgrammeGoal, cache: StatisticsCache) -> GoalRow:
    """A goal with its actual (live statistic, or the latest manual value) and history."""
    history = tuple(
        FollowUpRow(f, progress(f.value, f.target, goal.direction)) for f in goal.follow_ups
    )
    metric = METRIC_BY_CODE.get(goal.metric)
    if metric is not None:
        actual = computed_value(goal, cache)
    else:
        actual = history[-1].follow_up.value if history else None
    return GoalRow(
        goal=goal,
        computed=metric is not None,
        unit=goal_unit(goal),
        actual=actual,
        progress=progress(actual, goal.target, goal.direction),
        history=history,
    )


def programme_scorecard(programme: Programme, with_risks: bool = True) -> Scorecard:
    """The programme's goals against their targets, with history and (if asked) risks."""
    cache = StatisticsCache(programme.id)
    rows = tuple(goal_row(goal, cache) for goal in goals_of(programme.id))
    risks = tuple(risks_of(programme.id)) if with_risks else ()
    return Scorecard(programme=programme, goals=rows, risks=risks)
