"""Programme statistics: the read-only SQL aggregates behind every figure of the registry.

One definition (SPEC "Programme statistics"): a proposal counts once it has left
draft; the figures about proposals, experiments, participants and partners cover
the proposals of the programme, narrowed by call and by the year the proposal was
submitted (UTC); the budget is the programme's per year and is narrowed only by year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
    union_all,
)

from ..extensions import db
from ..lifecycle import EXPERIMENT_STATES, SCREENED_STATES, SUBMITTED_STATES, Status
from ..models import (
    Call,
    Experiment,
    ExperimentPartner,
    Participation,
    Programme,
    Proposal,
    ProposalCentre,
    ProposalSdg,
    StatusChange,
)
from ..statistics_cache import cached
from ..vocabulary import SDGS, CityCentre, ParticipationCategory, ProposerType, ServiceArea
from .budget import BudgetYear, PilotSpending, budget_years, overspent_pilots
from .programmes import ProgrammeRef
from .sql import count_if, days, days_between, median, reached, year_of_date, year_of_timestamp

# The where-clauses of the counted proposals (cohort_of).
Cohort = list[ColumnElement[bool]]


@dataclass(frozen=True)
class CallCount:
    id: int
    title: str
    proposals: int


@dataclass(frozen=True)
class ProgrammeStatistics:
    """Every figure of SPEC's programme statistics for one programme (call, year)."""

    programme: ProgrammeRef
    call_id: int | None
    year: int | None
    proposals: int
    by_proposer_type: dict[str, int]
    by_year: dict[int, int]
    by_service_area: dict[str, int]
    by_city_centre: dict[str, int]
    by_sdg: dict[int, int]
    by_call: tuple[CallCount, ...]
    screened: int
    carried_out: int
    evaluated: int
    submitted: int  # now awaiting screening
    in_screening: int
    more_info: int
    running: int
    in_evaluation: int
    adopted: int
    discontinued: int
    rejected: int
    withdrawn: int
    budget: tuple[BudgetYear, ...]
    overspent_pilots: tuple[PilotSpending, ...]
    participants: dict[str, int]
    partner_organisations: int
    median_days_to_screening_decision: float | None
    median_experiment_days: float | None
    # Years without proposals and why: a code of QUIET_YEARS (registry.py).
    quiet_years: dict[int, str]
    # Of the experiments carried out: how many pilots started each year, and per centre.
    pilots_by_year: dict[int, int]
    experiments_by_city_centre: dict[str, int]

    @property
    def conversion(self) -> float:
        """Experiments carried out per proposal, 0–1 (four decimals)."""
        return round(self.carried_out / self.proposals, 4) if self.proposals else 0.0


def cohort_of(programme_id: int, call_id: int | None, year: int | None) -> Cohort:
    """Where-clauses of the counted proposals: left draft, in the programme, call and year."""
    clauses: Cohort = [Proposal.programme_id == programme_id, Proposal.status != Status.DRAFT]
    if call_id is not None:
        clauses.append(Proposal.call_id == call_id)
    if year is not None:
        # A range, not extract(): the index on submitted_at serves it.
        clauses.append(Proposal.submitted_at >= datetime(year, 1, 1, tzinfo=UTC))
        clauses.append(Proposal.submitted_at < datetime(year + 1, 1, 1, tzinfo=UTC))
    return clauses


@cached  # by data generation: recomputed after any write, never stale (statistics_cache.py)
def programme_statistics(
    programme_id: int, *, call_id: int | None = None, year: int | None = None
) -> ProgrammeStatistics | None:
    """All figures for a programme, optionally one call and one submission year; None if no
    such programme."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        return None
    cohort = cohort_of(programme_id, call_id, year)
    counts = _status_counts(cohort)
    breakdown = _breakdowns(cohort)
    years = range(programme.start_year, programme.end_year + 1) if year is None else [year]
    by_year = {y: 0 for y in years} | {int(k): v for k, v in breakdown["year"].items()}
    calls = _calls(programme_id, call_id)
    medians = db.session.execute(
        select(median(screening_decision_days(cohort)), median(_experiment_days(cohort)))
    ).one()
    return ProgrammeStatistics(
        programme=ProgrammeRef(
            programme.id, programme.name, programme.start_year, programme.end_year
        ),
        call_id=call_id,
        year=year,
        proposals=counts["proposals"],
        by_proposer_type=_zero_filled(ProposerType, breakdown["proposer_type"]),
        by_year=dict(sorted(by_year.items())),
        by_service_area=_zero_filled(ServiceArea, breakdown["service_area"]),
        by_city_centre=_zero_filled(CityCentre, breakdown["city_centre"]),
        by_sdg={goal: breakdown["sdg"].get(str(goal), 0) for goal in SDGS},
        by_call=tuple(
            CallCount(id_, title, breakdown["call"].get(str(id_), 0)) for id_, title, *_ in calls
        ),
        screened=counts["screened"],
        carried_out=counts["carried_out"],
        evaluated=counts["evaluated"],
        submitted=counts[Status.SUBMITTED],
        in_screening=counts[Status.SCREENING],
        more_info=counts[Status.MORE_INFO],
        running=counts[Status.PILOT],
        in_evaluation=counts[Status.EVALUATION],
        adopted=counts[Status.ADOPTED],
        discontinued=counts[Status.DISCONTINUED],
        rejected=counts[Status.REJECTED],
        withdrawn=counts[Status.WITHDRAWN],
        budget=budget_years(programme_id, year),
        overspent_pilots=overspent_pilots(programme_id, year),
        participants=_participants(cohort),
        partner_organisations=_partner_organisations(cohort),
        median_days_to_screening_decision=days(medians[0]),
        median_experiment_days=days(medians[1]),
        quiet_years=_quiet_years(
            (y for y, n in by_year.items() if not n),
            [(opens, closes) for *_, opens, closes in calls],
        ),
        pilots_by_year=_pilots_by_year(programme, breakdown["pilot_year"]),
        experiments_by_city_centre=_zero_filled(CityCentre, breakdown["experiment_centre"]),
    )


# Left draft but not necessarily screened: submitted (again) or withdrawn.
_MAYBE_SCREENED = tuple(sorted(SUBMITTED_STATES - SCREENED_STATES))
# Adoption requires evaluation; a discontinued experiment may or may not have had one.
_EVALUATED_STATES = (Status.EVALUATION, Status.ADOPTED)
_MAYBE_EVALUATED = (Status.DISCONTINUED,)
# Every state a counted proposal can be in: their counts add up to the proposals.
_COUNTED_STATES = (
    Status.SUBMITTED,
    Status.SCREENING,
    Status.MORE_INFO,
    Status.PILOT,
    Status.EVALUATION,
    Status.ADOPTED,
    Status.DISCONTINUED,
    Status.REJECTED,
    Status.WITHDRAWN,
)


def _status_counts(cohort: Cohort) -> dict[str, int]:
    """Proposals, the funnel and the count per state, in one aggregate query."""
    # The history is asked only where the state does not tell: a proposal now submitted
    # or withdrawn may have been screened before; a discontinued one may have been evaluated.
    columns: dict[str, ColumnElement[int]] = {
        "proposals": func.count(),
        "screened": count_if(
            or_(
                Proposal.status.in_(SCREENED_STATES),
                and_(Proposal.status.in_(_MAYBE_SCREENED), reached(Status.SCREENING)),
            )
        ),
        # Every state from pilot on is reachable only through pilot.
        "carried_out": count_if(Proposal.status.in_(EXPERIMENT_STATES)),
        "evaluated": count_if(
            or_(
                Proposal.status.in_(_EVALUATED_STATES),
                and_(Proposal.status.in_(_MAYBE_EVALUATED), reached(Status.EVALUATION)),
            )
        ),
        **{status: count_if(Proposal.status == status) for status in _COUNTED_STATES},
    }
    row = db.session.execute(
        select(*(column.label(f"c{i}") for i, column in enumerate(columns.values())))
        .select_from(Proposal)
        .where(*cohort)
    ).one()
    return dict(zip(columns, (int(value or 0) for value in row), strict=True))


def _breakdowns(cohort: Cohort) -> dict[str, dict[str, int]]:
    """Counts of proposals per proposer type, year, service area, call, centre and SDG, and
    of experiments per year their pilot started and per centre.

    Two aggregate queries: one pass over the proposals counts each combination of proposer
    type, year, service area and call (a few hundred groups at most), whose counts add up
    to each dimension's; centres, goals and experiments are counted through their own rows.
    """
    year = year_of_timestamp(Proposal.submitted_at)
    dimensions = ("proposer_type", "year", "service_area", "call")
    joined = ("city_centre", "sdg", "pilot_year", "experiment_centre")
    result: dict[str, dict[str, int]] = {name: {} for name in (*dimensions, *joined)}
    groups = db.session.execute(
        select(Proposal.proposer_type, year, Proposal.service_area, Proposal.call_id, func.count())
        .where(*cohort)
        .group_by(Proposal.proposer_type, year, Proposal.service_area, Proposal.call_id)
    )
    for *keys, n in groups:
        for name, key in zip(dimensions, keys, strict=True):
            if key is not None:
                counts = result[name]
                counts[str(key)] = counts.get(str(key), 0) + int(n)

    def part(
        name: str,
        key: SQLColumnExpression[str | int],
        *tables: type[ProposalCentre] | type[ProposalSdg] | type[Experiment],
    ) -> Select[str, str, int]:
        query = select(
            literal(name).label("dimension"),
            cast(key, String).label("key"),
            func.count().label("n"),
        ).select_from(Proposal)
        for table in tables:
            query = query.join(table, table.proposal_id == Proposal.id)
        return query.where(*cohort).group_by(key)

    pilot_year = year_of_date(Experiment.start_date)
    rows = db.session.execute(
        union_all(
            part("city_centre", ProposalCentre.centre, ProposalCentre),
            part("sdg", ProposalSdg.sdg, ProposalSdg),
            part("pilot_year", pilot_year, Experiment),
            part("experiment_centre", ProposalCentre.centre, Experiment, ProposalCentre),
        )
    )
    for dimension, code, n in rows:
        result[dimension][code] = int(n)
    return result


def _pilots_by_year(programme: Programme, counts: dict[str, int]) -> dict[int, int]:
    """Pilots started per year: every programme year, and any other year a pilot started."""
    years = range(programme.start_year, programme.end_year + 1)
    found = {int(year): n for year, n in counts.items()}
    return dict(sorted(({y: 0 for y in years} | found).items()))


def _zero_filled(vocabulary: type[StrEnum], counts: dict[str, int]) -> dict[str, int]:
    return {member.value: counts.get(member.value, 0) for member in vocabulary}


def _calls(programme_id: int, call_id: int | None) -> list[tuple[int, str, date, date]]:
    """The programme's calls (or the one asked for) in opening order: id, title, dates."""
    rows = db.session.execute(
        select(Call.id, Call.title, Call.opens_on, Call.closes_on)
        .where(
            Call.programme_id == programme_id,
            *([Call.id == call_id] if call_id is not None else []),
        )
        .order_by(Call.opens_on, Call.id)
    ).all()
    return [(id_, title, opens, closes) for id_, title, opens, closes in rows]


def _quiet_years(years: Iterable[int], calls: list[tuple[date, date]]) -> dict[int, str]:
    """Why each of these years (without proposals) had none, where the calls tell."""
    reasons: dict[int, str] = {}
    for year in years:
        if not calls:
            reasons[year] = "no_call_open"
        elif year < min(opens.year for opens, _closes in calls):
            reasons[year] = "before_first_call"
        elif year > max(closes.year for _opens, closes in calls):
            reasons[year] = "after_last_call"
        elif not any(opens.year <= year <= closes.year for opens, closes in calls):
            reasons[year] = "no_call_open"
    return reasons


def _partner_organisations(cohort: Cohort) -> int:
    """Distinct organisations that were partners in the counted proposals' experiments."""
    return db.session.execute(
        select(func.count(distinct(ExperimentPartner.organisation_id)))
        .join(Experiment, Experiment.id == ExperimentPartner.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(*cohort)
    ).scalar_one()  # a count has exactly one row


def _participants(cohort: Cohort) -> dict[str, int]:
    """Sums of the participation records per category, in one pass without sorting."""
    row = db.session.execute(
        select(
            *(
                func.sum(case((Participation.category == category, Participation.count)))
                for category in ParticipationCategory
            )
        )
        .join(Experiment, Experiment.id == Participation.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(*cohort)
    ).one()
    return {
        category.value: int(total or 0)
        for category, total in zip(ParticipationCategory, row, strict=True)
    }


# The selects of median(): one column, days, whose type varies by dialect (sql.Days, Any).
def screening_decision_days(cohort: Cohort) -> Select[Any]:
    """Days from submission to the first move out of screening to pilot or rejected."""
    decided = (
        select(StatusChange.proposal_id, func.min(StatusChange.at).label("at"))
        .where(
            StatusChange.from_status == Status.SCREENING,
            StatusChange.to_status.in_([Status.PILOT, Status.REJECTED]),
        )
        .group_by(StatusChange.proposal_id)
        .subquery()
    )
    return (
        select(days_between(decided.c.at, Proposal.submitted_at).label("days"))
        .join(decided, decided.c.proposal_id == Proposal.id)
        .where(*cohort, Proposal.submitted_at.is_not(None))
    )


def _experiment_days(cohort: Cohort) -> Select[Any]:
    """Days from start to actual end of the experiments that have ended."""
    return (
        select(
            days_between(Experiment.actual_end_date, Experiment.start_date, dates=True).label(
                "days"
            )
        )
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(*cohort, Experiment.actual_end_date.is_not(None))
    )
