"""A proposal's experiment from pilot on: its partners, participation, expenses, risks,
evaluation, and the moves that close it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from ..lifecycle import Status
from .draws import fraction_of, moment, money_split, split
from .plans import LANGUAGES, Cast, PlannedExperiment, PlannedProposal
from .texts import EXPENSES, RISKS

CLOSED = (Status.ADOPTED, Status.DISCONTINUED)


class ExperimentStory(NamedTuple):
    """One of the texts' experiments carried out, field by field."""

    language: str
    title: str
    summary: str
    need: str
    proposer_type: str
    service_area: str
    centres: tuple
    sdgs: tuple
    city_unit: str
    decision: str | None
    lessons: str | None
    findings: str | None
    benefits_city: str | None
    benefits_customers: str | None

    def evaluation(
        self,
        status: Status,
        users_count: int,
        recommendation: str,
        *,
        research_value: bool = False,
        research_link: str = "",
    ) -> dict:
        """Its evaluation once the pilot has ended, in status, with what it recommends."""
        return {
            "got_users": True,
            "users_count": users_count,
            "part_of_services": status == Status.ADOPTED,
            "benefits_city": self.benefits_city or "",
            "benefits_customers": self.benefits_customers or "",
            "research_value": research_value,
            "research_link": research_link,
            "findings": self.findings or "",
            "recommendation": recommendation,
        }


@dataclass
class Pilot:
    """What a generator has decided about an experiment before its records are planned."""

    start: date
    months: int
    budget: Decimal
    owner_org: int | None
    partners: list[int]
    research_partner: int | None
    totals: tuple[int, int, int]  # residents and customers, companies, employees
    lang: int
    decision: str | None
    lessons: str | None
    evaluation: dict | None
    city_unit: str


def plan_experiment(
    cast: Cast, plan: PlannedProposal, status: Status, pilot: Pilot
) -> PlannedExperiment:
    """The experiment of a proposal from pilot on, with its later moves in the history."""
    rng = cast.rng
    planned_end = pilot.start + relativedelta(months=pilot.months)
    ended = status != Status.PILOT
    actual_end = _actual_end(pilot.start, planned_end, rng) if ended else None
    pilot_at = plan.moves[-1][2]
    experiment = PlannedExperiment(
        row={
            "allocated_budget": pilot.budget,
            "start_date": pilot.start,
            "planned_end_date": planned_end,
            "actual_end_date": actual_end,
            "owner_id": rng.choice((cast.staff_id, cast.manager_id)),
            "city_unit": pilot.city_unit,
            "decision": pilot.decision if status in CLOSED else None,
            "lessons_learned": pilot.lessons if status in CLOSED else None,
            "language": LANGUAGES[pilot.lang],
            "created_at": pilot_at,
        }
    )
    _partners(experiment, plan, pilot)
    until = actual_end or planned_end
    _participation(experiment, pilot, until, rng)
    _expenses(experiment, pilot, until, ended, rng)
    _risks(experiment, pilot, pilot_at, rng)
    if ended:
        _close(cast, plan, experiment, status, pilot, actual_end)
    plan.row["updated_at"] = plan.moves[-1][2]
    plan.experiment = experiment
    return experiment


def _actual_end(start: date, planned_end: date, rng) -> date:
    """Near the planned end, and 3–9 months after the start."""
    actual_end = planned_end + timedelta(days=rng.randint(-7, 7))
    return min(max(actual_end, start + relativedelta(months=3)), start + relativedelta(months=9))


def _partners(experiment: PlannedExperiment, plan: PlannedProposal, pilot: Pilot) -> None:
    """The proposer's organisation leads; the others partner, a university for research."""
    if pilot.owner_org is not None:
        experiment.partners.append((pilot.owner_org, "lead"))
    experiment.partners += [(org, "partner") for org in pilot.partners if org != pilot.owner_org]
    if pilot.research_partner is not None and pilot.research_partner != pilot.owner_org:
        experiment.partners.append((pilot.research_partner, "research"))
    plan.partners = [org for org, role in experiment.partners if role != "lead"]


def _participation(experiment: PlannedExperiment, pilot: Pilot, until: date, rng) -> None:
    """The totals as records spread evenly over the weeks the pilot ran."""
    span = (until - pilot.start).days
    weeks = max(1, span // 7)
    residents, companies, employees = pilot.totals
    # Residents and customers twice a week, the others at most weekly.
    for category, total, per_week in (
        ("residents_customers", residents, 2),
        ("companies_communities", companies, 1),
        ("employees", employees, 1),
    ):
        counts = split(total, weeks * per_week, rng)
        days = len(counts)
        experiment.participation += [
            (pilot.start + timedelta(days=i * span // days), category, count)
            for i, count in enumerate(counts)
        ]


def _expenses(experiment: PlannedExperiment, pilot: Pilot, until: date, ended: bool, rng) -> None:
    """Most of the budget spent by an experiment that ended, about half by a running one."""
    # In basis points of the budget: whole numbers, so the amounts are whole cents.
    share = rng.randint(8000, 10000) if ended else rng.randint(3000, 6000)
    parts = rng.randint(2, 5)
    spent = fraction_of(pilot.budget, share)
    for i, amount in enumerate(money_split(spent, parts, rng)):
        day = pilot.start + timedelta(days=(until - pilot.start).days * i // parts)
        experiment.expenses.append((day, amount, rng.choice(EXPENSES)))


def _risks(experiment: PlannedExperiment, pilot: Pilot, pilot_at, rng) -> None:
    """One to three of the texts' risks, assessed in the pilot's first days."""
    for risk in rng.sample(RISKS, rng.randint(1, 3)):
        experiment.risks.append(
            {
                "description": risk[pilot.lang],
                "mitigation": risk[2 + pilot.lang],
                "probability": rng.randint(1, 4),
                "impact": rng.randint(1, 4),
                "status": rng.choice(("green", "green", "yellow", "red")),
                "language": LANGUAGES[pilot.lang],
                "created_at": pilot_at + timedelta(days=rng.randint(1, 10)),
            }
        )


def _close(
    cast: Cast,
    plan: PlannedProposal,
    experiment: PlannedExperiment,
    status: Status,
    pilot: Pilot,
    actual_end: date,
) -> None:
    """Into evaluation after the end, the evaluation written, then the decision if made."""
    rng = cast.rng
    evaluated_at = moment(actual_end + timedelta(days=rng.randint(1, 7)), rng)
    plan.moves.append((Status.PILOT, Status.EVALUATION, evaluated_at, cast.staff_id, None))
    if pilot.evaluation is not None:
        pilot.evaluation.setdefault("updated_at", evaluated_at + timedelta(days=3))
        pilot.evaluation["language"] = LANGUAGES[pilot.lang]
        experiment.evaluation = pilot.evaluation
    if status == Status.ADOPTED:
        at = evaluated_at + timedelta(days=rng.randint(14, 45))
        plan.moves.append((Status.EVALUATION, Status.ADOPTED, at, cast.manager_id, None))
    elif status == Status.DISCONTINUED:
        at = evaluated_at + timedelta(days=rng.randint(7, 30))
        plan.moves.append(
            (Status.EVALUATION, Status.DISCONTINUED, at, cast.manager_id, pilot.decision)
        )
