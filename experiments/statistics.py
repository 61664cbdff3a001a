"""Programme statistics: read-only SQL aggregates returning small dataclasses.

The dashboard, the API and the exports all call these; nothing else counts.
One definition (SPEC "Programme statistics"): a proposal counts once it has left
draft; the figures about proposals, experiments, participants and partners cover
the proposals of the programme, narrowed by call and by the year the proposal was
submitted (UTC); the budget is the programme's per year and is narrowed only by year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)

from .extensions import db
from .lifecycle import EXPERIMENT_STATES, SCREENED_STATES, SUBMITTED_STATES, Status
from .models import (
    Call,
    Expense,
    Experiment,
    ExperimentPartner,
    Participation,
    Programme,
    ProgrammeYear,
    Proposal,
    ProposalCentre,
    ProposalSdg,
    StatusChange,
)
from .statistics_cache import cached
from .vocabulary import SDGS, CityCentre, ParticipationCategory, ProposerType, ServiceArea

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DIGITAL_AGENDA = "Digital Agenda 2015–2021"


@dataclass(frozen=True)
class YearBudget:
    year: int
    annual: Decimal
    allocated: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.annual - self.allocated


def year_budget(programme_id: int, year: int) -> YearBudget:
    """Annual budget and allocation (pilots starting that year) of one programme year."""
    annual = db.session.scalar(
        select(ProgrammeYear.annual_budget).where(
            ProgrammeYear.programme_id == programme_id, ProgrammeYear.year == year
        )
    )
    allocated = db.session.scalar(
        select(func.coalesce(func.sum(Experiment.allocated_budget), 0))
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(
            Proposal.programme_id == programme_id,
            extract("year", Experiment.start_date) == year,
        )
    )
    return YearBudget(year, Decimal(annual or 0), Decimal(allocated or 0))


@dataclass(frozen=True)
class ProgrammeRef:
    id: int
    name: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class BudgetYear:
    """A programme year: annual budget, allocated (pilots starting), spent (expenses dated)."""

    year: int
    annual: Decimal
    allocated: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.annual - self.allocated


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
    running: int
    in_evaluation: int
    adopted: int
    discontinued: int
    rejected: int
    withdrawn: int
    budget: tuple[BudgetYear, ...]
    participants: dict[str, int]
    partner_organisations: int
    median_days_to_screening_decision: float | None
    median_experiment_days: float | None

    @property
    def conversion(self) -> float:
        """Experiments carried out per proposal, 0–1 (four decimals)."""
        return round(self.carried_out / self.proposals, 4) if self.proposals else 0.0

    @property
    def participants_total(self) -> int:
        return sum(self.participants.values())


# Expressions that differ between SQLite and PostgreSQL.


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _year_of_timestamp(column):
    """The UTC calendar year of a stored timestamp, as an integer."""
    if _dialect() == "postgresql":
        return cast(extract("year", func.timezone("UTC", column)), Integer)
    return cast(extract("year", column), Integer)


def _year_of_date(column):
    return cast(extract("year", column), Integer)


def _days_between(later, earlier, *, dates: bool = False):
    """Days from earlier to later (fractional for timestamps)."""
    if _dialect() == "postgresql":
        if dates:
            return later - earlier
        return extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _median(values):
    """The median of a one-column select (column `days`), by row numbers; NULL if empty."""
    rows = values.subquery()
    ranked = select(
        rows.c.days,
        func.row_number().over(order_by=rows.c.days).label("rn"),
        func.count().over().label("n"),
    ).subquery()
    # The middle row for an odd count, the two middle rows for an even one.
    middle = and_(2 * ranked.c.rn >= ranked.c.n, 2 * ranked.c.rn <= ranked.c.n + 2)
    return select(func.avg(ranked.c.days)).where(middle).scalar_subquery()


def _count_if(condition):
    return func.count(case((condition, 1)))


def _reached(status: Status):
    """The proposal's history shows a move into this state."""
    return exists().where(StatusChange.proposal_id == Proposal.id, StatusChange.to_status == status)


# The statistics themselves, as SQL aggregates.


def _cohort(programme_id: int, call_id: int | None, year: int | None) -> list:
    """Where-clauses of the counted proposals: left draft, in the programme, call and year."""
    clauses = [Proposal.programme_id == programme_id, Proposal.status != Status.DRAFT]
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
    cohort = _cohort(programme_id, call_id, year)
    counts = _status_counts(cohort)
    breakdown = _breakdowns(cohort)
    calls = db.session.execute(
        select(Call.id, Call.title)
        .where(
            Call.programme_id == programme_id,
            *([Call.id == call_id] if call_id is not None else []),
        )
        .order_by(Call.opens_on, Call.id)
    ).all()
    years = range(programme.start_year, programme.end_year + 1) if year is None else [year]
    by_year = {y: 0 for y in years} | {int(k): v for k, v in breakdown["year"].items()}
    medians = db.session.execute(
        select(_median(_screening_decision_days(cohort)), _median(_experiment_days(cohort)))
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
            CallCount(id_, title, breakdown["call"].get(str(id_), 0)) for id_, title in calls
        ),
        screened=counts["screened"],
        carried_out=counts["carried_out"],
        evaluated=counts["evaluated"],
        running=counts[Status.PILOT],
        in_evaluation=counts[Status.EVALUATION],
        adopted=counts[Status.ADOPTED],
        discontinued=counts[Status.DISCONTINUED],
        rejected=counts[Status.REJECTED],
        withdrawn=counts[Status.WITHDRAWN],
        budget=_budget(programme_id, year),
        participants=_participants(cohort),
        partner_organisations=db.session.scalar(
            select(func.count(distinct(ExperimentPartner.organisation_id)))
            .join(Experiment, Experiment.id == ExperimentPartner.experiment_id)
            .join(Proposal, Proposal.id == Experiment.proposal_id)
            .where(*cohort)
        ),
        median_days_to_screening_decision=_days(medians[0]),
        median_experiment_days=_days(medians[1]),
    )


# Left draft but not necessarily screened: submitted (again) or withdrawn.
_MAYBE_SCREENED = tuple(sorted(SUBMITTED_STATES - SCREENED_STATES))
# Adoption requires evaluation; a discontinued experiment may or may not have had one.
_EVALUATED_STATES = (Status.EVALUATION, Status.ADOPTED)
_MAYBE_EVALUATED = (Status.DISCONTINUED,)
_COUNTED_STATES = (
    Status.PILOT,
    Status.EVALUATION,
    Status.ADOPTED,
    Status.DISCONTINUED,
    Status.REJECTED,
    Status.WITHDRAWN,
)


def _status_counts(cohort: list) -> dict:
    """Proposals, the funnel and the count per state, in one aggregate query."""
    # The history is asked only where the state does not tell: a proposal now submitted
    # or withdrawn may have been screened before; a discontinued one may have been evaluated.
    columns = {
        "proposals": func.count(),
        "screened": _count_if(
            or_(
                Proposal.status.in_(SCREENED_STATES),
                and_(Proposal.status.in_(_MAYBE_SCREENED), _reached(Status.SCREENING)),
            )
        ),
        # Every state from pilot on is reachable only through pilot.
        "carried_out": _count_if(Proposal.status.in_(EXPERIMENT_STATES)),
        "evaluated": _count_if(
            or_(
                Proposal.status.in_(_EVALUATED_STATES),
                and_(Proposal.status.in_(_MAYBE_EVALUATED), _reached(Status.EVALUATION)),
            )
        ),
        **{status: _count_if(Proposal.status == status) for status in _COUNTED_STATES},
    }
    row = db.session.execute(
        select(*(column.label(f"c{i}") for i, column in enumerate(columns.values())))
        .select_from(Proposal)
        .where(*cohort)
    ).one()
    return dict(zip(columns, (int(value or 0) for value in row), strict=True))


def _breakdowns(cohort: list) -> dict[str, dict[str, int]]:
    """Counts of proposals per proposer type, year, service area, call, centre and SDG.

    Two aggregate queries: one pass over the proposals counts each combination of proposer
    type, year, service area and call (a few hundred groups at most), whose counts add up
    to each dimension's; centres and goals are counted through their own rows.
    """
    year = _year_of_timestamp(Proposal.submitted_at)
    dimensions = ("proposer_type", "year", "service_area", "call")
    result: dict[str, dict[str, int]] = {name: {} for name in (*dimensions, "city_centre", "sdg")}
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

    def part(name, key, table):
        return (
            select(
                literal(name).label("dimension"),
                cast(key, String).label("key"),
                func.count().label("n"),
            )
            .select_from(Proposal)
            .join(table, table.proposal_id == Proposal.id)
            .where(*cohort)
            .group_by(key)
        )

    rows = db.session.execute(
        union_all(
            part("city_centre", ProposalCentre.centre, ProposalCentre),
            part("sdg", ProposalSdg.sdg, ProposalSdg),
        )
    )
    for dimension, key, n in rows:
        result[dimension][key] = int(n)
    return result


def _zero_filled(vocabulary, counts: dict[str, int]) -> dict[str, int]:
    return {member.value: counts.get(member.value, 0) for member in vocabulary}


def _budget(programme_id: int, year: int | None) -> tuple[BudgetYear, ...]:
    """Per programme year: annual, allocated (pilots starting that year), spent (expenses)."""
    start_year = _year_of_date(Experiment.start_date)
    allocated = (
        select(start_year.label("year"), func.sum(Experiment.allocated_budget).label("amount"))
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Proposal.programme_id == programme_id)
        .group_by(start_year)
        .subquery()
    )
    expense_year = _year_of_date(Expense.date)
    spent = (
        select(expense_year.label("year"), func.sum(Expense.amount).label("amount"))
        .join(Experiment, Experiment.id == Expense.experiment_id)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Proposal.programme_id == programme_id)
        .group_by(expense_year)
        .subquery()
    )
    rows = db.session.execute(
        select(ProgrammeYear.year, ProgrammeYear.annual_budget, allocated.c.amount, spent.c.amount)
        .outerjoin(allocated, allocated.c.year == ProgrammeYear.year)
        .outerjoin(spent, spent.c.year == ProgrammeYear.year)
        .where(
            ProgrammeYear.programme_id == programme_id,
            *([ProgrammeYear.year == year] if year is not None else []),
        )
        .order_by(ProgrammeYear.year)
    ).all()
    return tuple(
        BudgetYear(y, _money(annual), _money(allocated_), _money(spent_))
        for y, annual, allocated_, spent_ in rows
    )


def _participants(cohort: list) -> dict[str, int]:
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


def _screening_decision_days(cohort: list):
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
        select(_days_between(decided.c.at, Proposal.submitted_at).label("days"))
        .join(decided, decided.c.proposal_id == Proposal.id)
        .where(*cohort, Proposal.submitted_at.is_not(None))
    )


def _experiment_days(cohort: list):
    """Days from start to actual end of the experiments that have ended."""
    return (
        select(
            _days_between(Experiment.actual_end_date, Experiment.start_date, dates=True).label(
                "days"
            )
        )
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(*cohort, Experiment.actual_end_date.is_not(None))
    )


def _money(value) -> Decimal:
    return ZERO if value is None else Decimal(value).quantize(CENT)


def _days(value) -> float | None:
    return None if value is None else round(float(value), 1)


# The statistics as JSON (SPEC "Statistics JSON"), shared by the API and the exports.


def statistics_json(stats: ProgrammeStatistics) -> dict:
    """The statistics as SPEC's JSON object: exactly its keys, money as decimal strings."""
    programme = stats.programme
    return {
        "programme": {
            "id": programme.id,
            "name": programme.name,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
        },
        "proposals": stats.proposals,
        "by_proposer_type": dict(stats.by_proposer_type),
        "by_year": {str(year): n for year, n in stats.by_year.items()},
        "by_service_area": dict(stats.by_service_area),
        "by_city_centre": dict(stats.by_city_centre),
        "screened": stats.screened,
        "carried_out": stats.carried_out,
        "running": stats.running,
        "in_evaluation": stats.in_evaluation,
        "adopted": stats.adopted,
        "discontinued": stats.discontinued,
        "rejected": stats.rejected,
        "withdrawn": stats.withdrawn,
        "conversion": stats.conversion,
        "budget": [
            {
                "year": b.year,
                "annual": _decimal_string(b.annual),
                "allocated": _decimal_string(b.allocated),
                "spent": _decimal_string(b.spent),
                "remaining": _decimal_string(b.remaining),
            }
            for b in stats.budget
        ],
        "participants": dict(stats.participants),
        "partner_organisations": stats.partner_organisations,
        "median_days_to_screening_decision": stats.median_days_to_screening_decision,
        "median_experiment_days": stats.median_experiment_days,
    }


def _decimal_string(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


# The programmes to choose from.


def programme_refs() -> list[ProgrammeRef]:
    """Every programme, newest period first, for the dashboard's chooser."""
    rows = db.session.execute(
        select(Programme.id, Programme.name, Programme.start_year, Programme.end_year).order_by(
            Programme.start_year.desc(), Programme.id
        )
    ).all()
    return [ProgrammeRef(*row) for row in rows]


def default_programme_id(refs: list[ProgrammeRef]) -> int | None:
    """The Digital Agenda if it exists, else the first programme."""
    for ref in refs:
        if ref.name == DIGITAL_AGENDA:
            return ref.id
    return refs[0].id if refs else None


@dataclass(frozen=True)
class CallRef:
    id: int
    title: str


def programme_calls(programme_id: int) -> list[CallRef]:
    """The programme's calls in opening order, for the dashboard's call filter."""
    rows = db.session.execute(
        select(Call.id, Call.title)
        .where(Call.programme_id == programme_id)
        .order_by(Call.opens_on, Call.id)
    ).all()
    return [CallRef(*row) for row in rows]
