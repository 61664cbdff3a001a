"""The registry of programme statistics: each figure once, read by everything that shows it.

The dashboard, the statistics JSON (API), the CSV export and the scorecard's goals take
their figures, labels and formats from these entries and compute none of their own. The
public entries, in this order, are SPEC's "Statistics JSON" after its `programme`. A new
statistic is an entry here, and a field of ProgrammeStatistics if it needs a new aggregate.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypedDict

from ..i18n import sdg_label
from ..lifecycle import N_, Status
from ..vocabulary import CityCentre, ProposerType, ServiceArea
from .aggregates import ProgrammeStatistics
from .metric import Column, Display, JsonFigure, Metric, Shape, highest


class ProgrammeJson(TypedDict):
    id: int
    name: str
    start_year: int
    end_year: int


# SPEC's statistics JSON: the programme, then each public entry by name, the parts of an
# object (part_of) inside it.
StatisticsJson = dict[str, ProgrammeJson | JsonFigure | dict[str, JsonFigure]]


def _budget_total(column: str) -> Callable[[ProgrammeStatistics], Decimal]:
    return lambda stats: sum((getattr(year, column) for year in stats.budget), Decimal(0))


def _allocated_share(stats: ProgrammeStatistics) -> Decimal | None:
    annual = _budget_total("annual")(stats)
    return None if not annual else _budget_total("allocated")(stats) / annual


def _largest_year_share(stats: ProgrammeStatistics) -> Decimal | None:
    shares = [year.allocated / year.annual for year in stats.budget if year.annual]
    return max(shares) if shares else None


def _annual_range(stats: ProgrammeStatistics) -> tuple[Decimal, Decimal] | None:
    annual = sorted({year.annual for year in stats.budget})
    return (annual[0], annual[-1]) if annual else None


PROPOSALS, EXPERIMENTS = N_("proposals"), N_("experiments")
# The objects of the JSON whose fields are entries (part_of), by name, with their labels.
PARTS = {"participants": N_("Participants")}
# Why a year of the programme had no proposals (ProgrammeStatistics.quiet_years).
QUIET_YEARS = {
    "before_first_call": N_("before the first call"),
    "after_last_call": N_("after the last call"),
    "no_call_open": N_("no call was open"),
}

METRICS: tuple[Metric, ...] = (
    Metric(
        "proposals",
        N_("Proposals (left draft)"),
        lambda s: s.proposals,
        short=N_("Experiment proposals"),
        stage=N_("Proposals"),
        counted=PROPOSALS,
    ),
    Metric(
        "by_proposer_type",
        N_("By proposer type"),
        lambda s: s.by_proposer_type,
        shape=Shape.BREAKDOWN,
        vocabulary=ProposerType,
    ),
    Metric("by_year", N_("By year submitted"), lambda s: s.by_year, shape=Shape.BREAKDOWN),
    Metric(
        "by_call",
        N_("By call"),
        lambda s: {call.title: call.proposals for call in s.by_call},
        shape=Shape.BREAKDOWN,
        public=False,
    ),
    Metric(
        "by_service_area",
        N_("By service area"),
        lambda s: s.by_service_area,
        shape=Shape.BREAKDOWN,
        vocabulary=ServiceArea,
    ),
    Metric(
        "by_city_centre",
        N_("By city centre (a proposal may concern several)"),
        lambda s: s.by_city_centre,
        shape=Shape.BREAKDOWN,
        vocabulary=CityCentre,
    ),
    Metric(
        "pilots_by_year",
        N_("Pilots started by year"),
        lambda s: s.pilots_by_year,
        shape=Shape.BREAKDOWN,
        public=False,
    ),
    Metric(
        "experiments_by_city_centre",
        N_("Experiments carried out by city centre"),
        lambda s: s.experiments_by_city_centre,
        shape=Shape.BREAKDOWN,
        public=False,
        vocabulary=CityCentre,
    ),
    Metric(
        "by_sdg",
        N_("By UN Sustainable Development Goal (a proposal may support several)"),
        lambda s: s.by_sdg,
        shape=Shape.BREAKDOWN,
        public=False,
        keys=lambda goal: f"{goal}. {sdg_label(goal)}",
    ),
    Metric(
        "screened",
        N_("Proposals screened"),
        lambda s: s.screened,
        stage=N_("Screened"),
        counted=PROPOSALS,
    ),
    Metric(
        "carried_out",
        N_("Experiments carried out"),
        lambda s: s.carried_out,
        stage=N_("Piloted (carried out)"),
        counted=EXPERIMENTS,
    ),
    Metric(
        "awaiting_screening",
        N_("Proposals awaiting screening"),
        lambda s: s.submitted,
        short=N_("Awaiting screening"),
        public=False,
        status=Status.SUBMITTED,
        counted=PROPOSALS,
    ),
    Metric(
        "in_screening",
        N_("Proposals in screening"),
        lambda s: s.in_screening,
        public=False,
        status=Status.SCREENING,
        counted=PROPOSALS,
    ),
    Metric(
        "awaiting_answer",
        N_("Proposals awaiting the applicant's answer"),
        lambda s: s.more_info,
        public=False,
        status=Status.MORE_INFO,
        counted=PROPOSALS,
    ),
    Metric(
        "running",
        N_("Experiments running"),
        lambda s: s.running,
        status=Status.PILOT,
        counted=EXPERIMENTS,
    ),
    Metric(
        "in_evaluation",
        N_("Experiments in evaluation"),
        lambda s: s.in_evaluation,
        status=Status.EVALUATION,
        counted=EXPERIMENTS,
    ),
    Metric(
        "evaluated",
        N_("Experiments evaluated"),
        lambda s: s.evaluated,
        public=False,
        stage=N_("Evaluated"),
        counted=EXPERIMENTS,
    ),
    Metric(
        "adopted",
        N_("Experiments adopted"),
        lambda s: s.adopted,
        short=N_("Adopted"),
        stage=N_("Adopted"),
        status=Status.ADOPTED,
        counted=EXPERIMENTS,
    ),
    Metric(
        "discontinued",
        N_("Experiments discontinued"),
        lambda s: s.discontinued,
        short=N_("Discontinued"),
        stage=N_("Discontinued"),
        status=Status.DISCONTINUED,
        counted=EXPERIMENTS,
    ),
    Metric(
        "rejected",
        N_("Proposals rejected"),
        lambda s: s.rejected,
        status=Status.REJECTED,
        counted=PROPOSALS,
    ),
    Metric(
        "withdrawn",
        N_("Proposals withdrawn"),
        lambda s: s.withdrawn,
        status=Status.WITHDRAWN,
        counted=PROPOSALS,
    ),
    Metric(
        "conversion",
        N_("Experiments carried out per proposal"),
        lambda s: s.conversion,
        display=Display.PERCENT,
        across_years=None,
    ),
    Metric(
        "budget",
        N_("Budget per year"),
        lambda s: s.budget,
        display=Display.MONEY,
        shape=Shape.YEARS,
        columns=(
            Column("annual", N_("Annual budget")),
            Column("allocated", N_("Allocated")),
            Column("spent", N_("Spent")),
            Column("remaining", N_("Remaining")),
        ),
    ),
    Metric(
        "overspent_pilots",
        N_("Pilots that spent more than their allocated budget"),
        lambda s: len(s.overspent_pilots),
        public=False,
        counted=EXPERIMENTS,
    ),
    Metric(
        "annual_budget",
        N_("Annual budget"),
        _annual_range,
        display=Display.MONEY,
        shape=Shape.RANGE,
        public=False,
    ),
    Metric(
        "residents_customers",
        N_("Residents and customers involved"),
        lambda s: s.participants["residents_customers"],
        part_of="participants",
        counted=N_("people"),
    ),
    Metric(
        "companies_communities",
        N_("Companies and communities involved"),
        lambda s: s.participants["companies_communities"],
        part_of="participants",
        counted=N_("participants"),
    ),
    Metric(
        "employees",
        N_("City employees involved"),
        lambda s: s.participants["employees"],
        part_of="participants",
        counted=N_("people"),
    ),
    Metric(
        "partner_organisations",
        N_("Distinct partner organisations"),
        lambda s: s.partner_organisations,
        short=N_("Partner organisations"),
        counted=N_("organisations"),
        across_years=None,
    ),
    Metric(
        "budget_annual",
        N_("Annual budgets in total"),
        _budget_total("annual"),
        display=Display.MONEY,
        public=False,
    ),
    Metric(
        "budget_allocated",
        N_("Budget allocated to experiments"),
        _budget_total("allocated"),
        display=Display.MONEY,
        public=False,
    ),
    Metric(
        "budget_spent",
        N_("Budget spent"),
        _budget_total("spent"),
        display=Display.MONEY,
        public=False,
    ),
    Metric(
        "budget_allocated_share",
        N_("Share of the budget allocated"),
        _allocated_share,
        display=Display.PERCENT,
        public=False,
        across_years=None,
    ),
    Metric(
        "budget_largest_year_share",
        N_("Largest share of a year's budget allocated"),
        _largest_year_share,
        display=Display.PERCENT,
        public=False,
        across_years=highest,
    ),
    Metric(
        "median_days_to_screening_decision",
        N_("Median days from submission to a screening decision"),
        lambda s: s.median_days_to_screening_decision,
        display=Display.DAYS,
        short=N_("Median time from submission to a screening decision"),
        across_years=None,
    ),
    Metric(
        "median_experiment_days",
        N_("Median experiment duration"),
        lambda s: s.median_experiment_days,
        display=Display.DAYS,
        short=N_("Median length of a finished experiment"),
        across_years=None,
    ),
)
METRIC = {metric.name: metric for metric in METRICS}
PUBLIC = tuple(metric for metric in METRICS if metric.public)
GOAL_METRICS = tuple(metric for metric in METRICS if metric.goal)


def statistics_json(stats: ProgrammeStatistics) -> StatisticsJson:
    """The statistics as SPEC's JSON object: the programme, then every public entry."""
    programme = stats.programme
    data: StatisticsJson = {
        "programme": {
            "id": programme.id,
            "name": programme.name,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
        }
    }
    parts: dict[str, dict[str, JsonFigure]] = {}
    for metric in PUBLIC:
        if metric.part_of:
            part = parts.setdefault(metric.part_of, {})
            data.setdefault(metric.part_of, part)  # the object's place: where its first part is
            part[metric.name] = metric.json(stats)
        else:
            data[metric.name] = metric.json(stats)
    return data
