"""Programme statistics: read-only SQL aggregates and the one registry of their figures.

One definition (SPEC "Programme statistics"): a proposal counts once it has left draft; the
figures about proposals, experiments, participants and partners cover the proposals of the
programme, narrowed by call and by the year the proposal was submitted (UTC); the budget is
the programme's per year and is narrowed only by year.

aggregates.py computes ProgrammeStatistics; registry.py names each figure once, and the
dashboard, the API, the exports and the scorecard read it; budget.py is the one budget per
year, which the settings, starting a pilot and the allocation check read as well.
"""

from .aggregates import CallCount, ProgrammeStatistics, programme_statistics
from .budget import BudgetYear, PilotSpending, budget_years, year_budget
from .metric import Column, Display, Metric, Shape, as_figure
from .programmes import (
    DIGITAL_AGENDA,
    CallRef,
    ProgrammeRef,
    default_programme_id,
    programme_calls,
    programme_refs,
)
from .registry import (
    GOAL_METRICS,
    METRIC,
    METRICS,
    PARTS,
    PUBLIC,
    QUIET_YEARS,
    statistics_json,
)

__all__ = [
    "DIGITAL_AGENDA",
    "GOAL_METRICS",
    "METRIC",
    "METRICS",
    "PARTS",
    "PUBLIC",
    "QUIET_YEARS",
    "BudgetYear",
    "CallCount",
    "CallRef",
    "Column",
    "Display",
    "Metric",
    "PilotSpending",
    "ProgrammeRef",
    "ProgrammeStatistics",
    "Shape",
    "as_figure",
    "budget_years",
    "default_programme_id",
    "programme_calls",
    "programme_refs",
    "programme_statistics",
    "statistics_json",
    "year_budget",
]
