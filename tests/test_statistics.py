"""Programme statistics on a small known dataset, compared whole with ==."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    Call,
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Programme,
    ProgrammeYear,
    Proposal,
    StatusChange,
)
from experiments.statistics import (
    BudgetYear,
    CallCount,
    ProgrammeRef,
    ProgrammeStatistics,
    programme_statistics,
    statistics_json,
    year_budget,
)
from experiments.vocabulary import SDGS
from tests import builders


def _at(y, m, d):
    return datetime(y, m, d, 10, 0, tzinfo=UTC)


class Dataset:
    """Programme P (2015–2017, calls C1 and C2) with seven counted proposals and a draft,
    and programme Q whose figures must never leak into P's."""

    def __init__(self):
        self.staff = builders.make_user(Role.STAFF)
        self.applicant = builders.make_user(Role.APPLICANT)
        self.orgs = [Organisation(name=f"Org {c}", type="company") for c in "ABC"]
        self.p = self.programme("P")
        self.c1 = Call(
            programme=self.p, title="C1", opens_on=date(2015, 1, 1), closes_on=date(2015, 6, 30)
        )
        self.c2 = Call(
            programme=self.p, title="C2", opens_on=date(2016, 1, 1), closes_on=date(2016, 6, 30)
        )
        db.session.add_all([self.c1, self.c2, *self.orgs])
        a, b, c = self.orgs

        self.proposal(self.c1, None, Status.DRAFT, "company", "mobility", [], [], [])
        self.proposal(
            self.c1, _at(2015, 2, 1), Status.SUBMITTED, "company", "mobility", ["tapiola"], [11], []
        )
        self.proposal(
            self.c1,
            _at(2015, 3, 1),
            Status.REJECTED,
            "resident",
            "health_social",
            ["leppavaara", "tapiola"],
            [3],
            [
                ("submitted", "screening", _at(2015, 3, 5)),
                ("screening", "rejected", _at(2015, 3, 11)),
            ],
        )
        adopted = self.proposal(
            self.c1,
            _at(2015, 4, 1),
            Status.ADOPTED,
            "company",
            "mobility",
            ["city_wide"],
            [9, 11],
            [
                ("submitted", "screening", _at(2015, 4, 2)),
                ("screening", "pilot", _at(2015, 4, 21)),
                ("pilot", "evaluation", _at(2015, 10, 29)),
                ("evaluation", "adopted", _at(2015, 11, 15)),
            ],
        )
        self.experiment(
            adopted,
            "20000.00",
            date(2015, 5, 1),
            date(2015, 10, 28),
            [(a, "lead"), (b, "partner")],
            [("residents_customers", 100), ("residents_customers", 50), ("employees", 5)],
            [(date(2015, 6, 1), "5000.00"), (date(2016, 1, 10), "3000.00")],
        )
        discontinued = self.proposal(
            self.c2,
            _at(2016, 1, 10),
            Status.DISCONTINUED,
            "community",
            "culture_sport",
            ["espoonlahti"],
            [],
            [
                ("submitted", "screening", _at(2016, 1, 12)),
                ("screening", "more_info", _at(2016, 1, 20)),
                ("more_info", "submitted", _at(2016, 1, 25)),
                ("submitted", "screening", _at(2016, 1, 26)),
                ("screening", "pilot", _at(2016, 2, 19)),
                ("pilot", "discontinued", _at(2016, 6, 10)),
            ],
        )
        self.experiment(
            discontinued,
            "15000.00",
            date(2016, 3, 1),
            date(2016, 6, 9),
            [(b, "lead"), (c, "partner")],
            [("companies_communities", 3), ("employees", 2)],
            [(date(2016, 4, 1), "1000.50")],
        )
        self.proposal(
            self.c2,
            _at(2016, 2, 1),
            Status.WITHDRAWN,
            "education",
            "education",
            [],
            [],
            [
                ("submitted", "screening", _at(2016, 2, 3)),
                ("screening", "withdrawn", _at(2016, 2, 4)),
            ],
        )
        self.proposal(
            self.c2,
            _at(2016, 3, 1),
            Status.MORE_INFO,
            "research",
            "other",
            [],
            [],
            [
                ("submitted", "screening", _at(2016, 3, 2)),
                ("screening", "more_info", _at(2016, 3, 3)),
            ],
        )
        running = self.proposal(
            self.c2,
            _at(2016, 5, 1),
            Status.PILOT,
            "company",
            "mobility",
            ["espoon_keskus"],
            [],
            [("submitted", "screening", _at(2016, 5, 2)), ("screening", "pilot", _at(2016, 5, 31))],
        )
        self.experiment(
            running,
            "10000.55",
            date(2017, 1, 15),
            None,
            [(a, "lead")],
            [("residents_customers", 7)],
            [],
        )

        self.q = self.programme("Q")
        q_call = Call(
            programme=self.q, title="Q1", opens_on=date(2016, 1, 1), closes_on=date(2016, 12, 31)
        )
        db.session.add(q_call)
        other = self.proposal(
            q_call,
            _at(2016, 2, 2),
            Status.PILOT,
            "company",
            "mobility",
            ["tapiola"],
            [11],
            [("submitted", "screening", _at(2016, 2, 3)), ("screening", "pilot", _at(2016, 2, 5))],
        )
        self.experiment(
            other,
            "99999.00",
            date(2016, 3, 1),
            None,
            [(Organisation(name="Org Q", type="company"), "lead")],
            [("residents_customers", 1000)],
            [(date(2016, 4, 1), "50.00")],
        )
        db.session.commit()

    def programme(self, name):
        programme = Programme(name=name, start_year=2015, end_year=2017)
        programme.years = [
            ProgrammeYear(year=y, annual_budget=Decimal("250000.00")) for y in (2015, 2016, 2017)
        ]
        db.session.add(programme)
        return programme

    def proposal(self, call, submitted_at, status, proposer_type, area, centres, sdgs, moves):
        proposal = Proposal(
            programme=call.programme,
            call=call,
            owner_id=self.applicant,
            status=status,
            title="T",
            summary="S",
            need="N",
            proposer_type=proposer_type,
            service_area=area,
            requested_budget=Decimal("1000.00"),
            planned_duration_months=6,
            submitted_at=submitted_at,
        )
        proposal.city_centres = centres
        proposal.sdgs = sdgs
        db.session.add(proposal)
        if submitted_at is not None:
            moves = [("draft", "submitted", submitted_at), *moves]
        for source, target, at in moves:
            db.session.add(
                StatusChange(
                    proposal=proposal,
                    from_status=source,
                    to_status=target,
                    actor_id=self.staff,
                    at=at,
                )
            )
        return proposal

    def experiment(self, proposal, budget, start, end, partners, participation, expenses):
        experiment = Experiment(
            proposal=proposal,
            allocated_budget=Decimal(budget),
            start_date=start,
            planned_end_date=date(start.year + 1, 1, 1),
            actual_end_date=end,
            owner_id=self.staff,
        )
        experiment.partners = [ExperimentPartner(organisation=o, role=r) for o, r in partners]
        experiment.participation = [
            Participation(date=start, category=category, count=n) for category, n in participation
        ]
        experiment.expenses = [
            Expense(date=d, amount=Decimal(amount), description="Work") for d, amount in expenses
        ]
        db.session.add(experiment)


@pytest.fixture
def data(ctx):
    return Dataset()


def _zeros(keys):
    return {key: 0 for key in keys}


AREAS = (
    "education",
    "health_social",
    "mobility",
    "environment_climate",
    "urban_planning_construction",
    "culture_sport",
    "business_employment",
    "administration_digital",
    "other",
)
CENTRES = ("espoon_keskus", "espoonlahti", "leppavaara", "matinkyla_olari", "tapiola", "city_wide")


def _budget(*rows):
    """Budget years of 250,000 from (year, allocated, spent, pilots starting that year)."""
    return tuple(
        BudgetYear(y, Decimal("250000.00"), Decimal(a), Decimal(s), n) for y, a, s, n in rows
    )


def test_whole_programme(data):
    stats = programme_statistics(data.p.id)
    assert stats == ProgrammeStatistics(
        programme=ProgrammeRef(data.p.id, "P", 2015, 2017),
        call_id=None,
        year=None,
        proposals=7,
        by_proposer_type={
            "company": 3,
            "community": 1,
            "research": 1,
            "education": 1,
            "resident": 1,
        },
        by_year={2015: 3, 2016: 4, 2017: 0},
        by_service_area={
            **_zeros(AREAS),
            "mobility": 3,
            "health_social": 1,
            "culture_sport": 1,
            "education": 1,
            "other": 1,
        },
        by_city_centre={
            **_zeros(CENTRES),
            "tapiola": 2,
            "leppavaara": 1,
            "city_wide": 1,
            "espoonlahti": 1,
            "espoon_keskus": 1,
        },
        by_sdg={**_zeros(SDGS), 11: 2, 3: 1, 9: 1},
        by_call=(CallCount(data.c1.id, "C1", 3), CallCount(data.c2.id, "C2", 4)),
        screened=6,
        carried_out=3,
        evaluated=1,
        submitted=1,
        in_screening=0,
        more_info=1,
        running=1,
        in_evaluation=0,
        adopted=1,
        discontinued=1,
        rejected=1,
        withdrawn=1,
        budget=_budget(
            (2015, "20000.00", "5000.00", 1),
            (2016, "15000.00", "4000.50", 1),
            (2017, "10000.55", "0.00", 1),
        ),
        overspent_pilots=(),
        participants={"residents_customers": 157, "companies_communities": 3, "employees": 7},
        partner_organisations=3,
        median_days_to_screening_decision=25.0,
        median_experiment_days=140.0,
        quiet_years={2017: "after_last_call"},
        pilots_by_year={2015: 1, 2016: 1, 2017: 1},
        experiments_by_city_centre={
            **_zeros(CENTRES),
            "city_wide": 1,
            "espoonlahti": 1,
            "espoon_keskus": 1,
        },
    )
    assert stats.conversion == 0.4286


def test_json_has_exactly_the_spec_keys_and_the_same_numbers(data):
    assert statistics_json(programme_statistics(data.p.id)) == {
        "programme": {"id": data.p.id, "name": "P", "start_year": 2015, "end_year": 2017},
        "proposals": 7,
        "by_proposer_type": {
            "company": 3,
            "community": 1,
            "research": 1,
            "education": 1,
            "resident": 1,
        },
        "by_year": {"2015": 3, "2016": 4, "2017": 0},
        "by_service_area": {
            **_zeros(AREAS),
            "mobility": 3,
            "health_social": 1,
            "culture_sport": 1,
            "education": 1,
            "other": 1,
        },
        "by_city_centre": {
            **_zeros(CENTRES),
            "tapiola": 2,
            "leppavaara": 1,
            "city_wide": 1,
            "espoonlahti": 1,
            "espoon_keskus": 1,
        },
        "screened": 6,
        "carried_out": 3,
        "running": 1,
        "in_evaluation": 0,
        "adopted": 1,
        "discontinued": 1,
        "rejected": 1,
        "withdrawn": 1,
        "conversion": 0.4286,
        "budget": [
            {
                "year": 2015,
                "annual": "250000.00",
                "allocated": "20000.00",
                "spent": "5000.00",
                "remaining": "230000.00",
            },
            {
                "year": 2016,
                "annual": "250000.00",
                "allocated": "15000.00",
                "spent": "4000.50",
                "remaining": "235000.00",
            },
            {
                "year": 2017,
                "annual": "250000.00",
                "allocated": "10000.55",
                "spent": "0.00",
                "remaining": "239999.45",
            },
        ],
        "participants": {"residents_customers": 157, "companies_communities": 3, "employees": 7},
        "partner_organisations": 3,
        "median_days_to_screening_decision": 25.0,
        "median_experiment_days": 140.0,
    }


def test_call_filter(data):
    stats = programme_statistics(data.p.id, call_id=data.c2.id)
    assert stats == ProgrammeStatistics(
        programme=ProgrammeRef(data.p.id, "P", 2015, 2017),
        call_id=data.c2.id,
        year=None,
        proposals=4,
        by_proposer_type={
            "company": 1,
            "community": 1,
            "research": 1,
            "education": 1,
            "resident": 0,
        },
        by_year={2015: 0, 2016: 4, 2017: 0},
        by_service_area={
            **_zeros(AREAS),
            "mobility": 1,
            "culture_sport": 1,
            "education": 1,
            "other": 1,
        },
        by_city_centre={**_zeros(CENTRES), "espoonlahti": 1, "espoon_keskus": 1},
        by_sdg=_zeros(SDGS),
        by_call=(CallCount(data.c2.id, "C2", 4),),
        screened=4,
        carried_out=2,
        evaluated=0,
        submitted=0,
        in_screening=0,
        more_info=1,
        running=1,
        in_evaluation=0,
        adopted=0,
        discontinued=1,
        rejected=0,
        withdrawn=1,
        # The budget belongs to the programme year, not to a call.
        budget=_budget(
            (2015, "20000.00", "5000.00", 1),
            (2016, "15000.00", "4000.50", 1),
            (2017, "10000.55", "0.00", 1),
        ),
        overspent_pilots=(),
        participants={"residents_customers": 7, "companies_communities": 3, "employees": 2},
        partner_organisations=3,
        median_days_to_screening_decision=35.0,
        median_experiment_days=100.0,
        quiet_years={2015: "before_first_call", 2017: "after_last_call"},
        pilots_by_year={2015: 0, 2016: 1, 2017: 1},
        experiments_by_city_centre={**_zeros(CENTRES), "espoonlahti": 1, "espoon_keskus": 1},
    )
    assert stats.conversion == 0.5


def test_year_filter(data):
    stats = programme_statistics(data.p.id, year=2015)
    assert stats == ProgrammeStatistics(
        programme=ProgrammeRef(data.p.id, "P", 2015, 2017),
        call_id=None,
        year=2015,
        proposals=3,
        by_proposer_type={
            "company": 2,
            "community": 0,
            "research": 0,
            "education": 0,
            "resident": 1,
        },
        by_year={2015: 3},
        by_service_area={**_zeros(AREAS), "mobility": 2, "health_social": 1},
        by_city_centre={**_zeros(CENTRES), "tapiola": 2, "leppavaara": 1, "city_wide": 1},
        by_sdg={**_zeros(SDGS), 11: 2, 3: 1, 9: 1},
        by_call=(CallCount(data.c1.id, "C1", 3), CallCount(data.c2.id, "C2", 0)),
        screened=2,
        carried_out=1,
        evaluated=1,
        submitted=1,
        in_screening=0,
        more_info=0,
        running=0,
        in_evaluation=0,
        adopted=1,
        discontinued=0,
        rejected=1,
        withdrawn=0,
        budget=_budget((2015, "20000.00", "5000.00", 1)),
        overspent_pilots=(),
        participants={"residents_customers": 150, "companies_communities": 0, "employees": 5},
        partner_organisations=2,
        median_days_to_screening_decision=15.0,
        median_experiment_days=180.0,
        quiet_years={},
        pilots_by_year={2015: 1, 2016: 0, 2017: 0},
        experiments_by_city_centre={**_zeros(CENTRES), "city_wide": 1},
    )


def test_programme_filter_keeps_programmes_apart(data):
    stats = programme_statistics(data.q.id)
    assert (stats.proposals, stats.carried_out, stats.running) == (1, 1, 1)
    assert stats.participants == {
        "residents_customers": 1000,
        "companies_communities": 0,
        "employees": 0,
    }
    assert stats.partner_organisations == 1
    assert stats.median_days_to_screening_decision == 3.0
    assert stats.median_experiment_days is None
    assert [(b.year, b.allocated, b.spent) for b in stats.budget] == [
        (2015, Decimal("0.00"), Decimal("0.00")),
        (2016, Decimal("99999.00"), Decimal("50.00")),
        (2017, Decimal("0.00"), Decimal("0.00")),
    ]


def test_call_and_year_together(data):
    stats = programme_statistics(data.p.id, call_id=data.c1.id, year=2016)
    assert (stats.proposals, stats.screened, stats.carried_out) == (0, 0, 0)
    assert stats.conversion == 0.0
    assert stats.median_days_to_screening_decision is None
    assert stats.by_year == {2016: 0}


def test_empty_and_missing_programme(ctx):
    programme_id = builders.make_programme(year=2020)
    stats = programme_statistics(programme_id)
    assert (stats.proposals, stats.partner_organisations) == (0, 0)
    assert [b.remaining for b in stats.budget] == [Decimal("250000.00")] * 3
    assert statistics_json(stats)["median_experiment_days"] is None
    assert programme_statistics(10**6) is None


def test_year_budget_still_serves_the_allocation_lock(data):
    summary = year_budget(data.p.id, 2017)
    assert (summary.annual, summary.allocated, summary.remaining) == (
        Decimal("250000.00"),
        Decimal("10000.55"),
        Decimal("239999.45"),
    )
