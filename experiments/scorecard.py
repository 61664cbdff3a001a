"""The programme scorecard (tuloskortti): its metrics, and goals measured against them.

Read-only. A goal is measured with an entry of the statistics registry (or by hand); nothing
here counts records. The page, the XLSX export and the follow-up snapshots all read the
registry, so they agree with each other and with the dashboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import statistics
from .extensions import db
from .lifecycle import N_
from .models import GoalFollowUp, Programme, ProgrammeGoal, ProgrammeRisk
from .models.scorecard import MANUAL_METRIC, GoalDirection
from .vocabulary import RiskStatus

HUNDRED = Decimal(100)

# The statistics a goal can be measured with: the registry's single figures.
METRICS = statistics.GOAL_METRICS
METRIC_BY_CODE = {metric.name: metric for metric in METRICS}
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
    return [(m.name, m.label) for m in METRICS] + [(MANUAL_METRIC, MANUAL_LABEL)]


def goal_unit(goal: ProgrammeGoal) -> str:
    """The goal's own unit, or its metric's untranslated unit."""
    metric = METRIC_BY_CODE.get(goal.metric)
    return goal.unit or (metric.unit if metric else "")


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
        self._by_year: dict[int | None, statistics.ProgrammeStatistics | None] = {}

    def for_year(self, year: int | None) -> statistics.ProgrammeStatistics | None:
        """The statistics of the year (None: all years); None if the programme is gone."""
        if year not in self._by_year:
            self._by_year[year] = statistics.programme_statistics(self.programme_id, year=year)
        return self._by_year[year]

    def for_goal(self, goal: ProgrammeGoal) -> statistics.ProgrammeStatistics | None:
        return self.for_year(statistics_year(goal))


def computed_value(goal: ProgrammeGoal, cache: StatisticsCache) -> Decimal | None:
    """The live figure of a goal's statistic; None for a manual goal (or a programme gone)."""
    metric = METRIC_BY_CODE.get(goal.metric)
    if metric is None:
        return None
    stats = cache.for_goal(goal)
    return None if stats is None else metric.value(stats)


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


def goals_of(programme_id: int) -> Sequence[ProgrammeGoal]:
    """The programme's current goals (retired ones are kept, but off the card)."""
    return db.session.scalars(
        select(ProgrammeGoal)
        .where(ProgrammeGoal.programme_id == programme_id, ProgrammeGoal.retired_at.is_(None))
        .options(selectinload(ProgrammeGoal.follow_ups).selectinload(GoalFollowUp.author))
        .order_by(ProgrammeGoal.position, ProgrammeGoal.id)
    ).all()


def risks_of(programme_id: int) -> Sequence[ProgrammeRisk]:
    return db.session.scalars(
        select(ProgrammeRisk)
        .where(ProgrammeRisk.programme_id == programme_id)
        .options(selectinload(ProgrammeRisk.assessments))
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
