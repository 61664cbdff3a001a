"""`flask demo`: the Digital Agenda's published figures, through statistics.py; idempotence;
`--scale N`."""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from experiments.demo.draws import DemoRandom, money_split
from experiments.demo.storyline import load_demo
from experiments.demo.users import DEMO_USERS
from experiments.extensions import db
from experiments.lifecycle import EXPERIMENT_STATES, Role, Status
from experiments.models import (
    Call,
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Programme,
    ProgrammeYear,
    Proposal,
    StatusChange,
    User,
)
from experiments.services.proposals import default_programme
from experiments.statistics import DIGITAL_AGENDA, programme_statistics, statistics_json
from tests import builders


@pytest.fixture
def demo_users(ctx):
    """The demo users made in advance with the builders' one hash: argon2 is slow on purpose,
    and load_demo() keeps users it finds."""
    for email, name, role, _password in DEMO_USERS:
        builders.make_user(role, email=email, name=name)


def _programme_id(name=DIGITAL_AGENDA):
    return db.session.scalar(select(Programme.id).where(Programme.name == name))


def _counts():
    models = (
        User,
        Organisation,
        Programme,
        Call,
        Proposal,
        StatusChange,
        Experiment,
        ExperimentPartner,
    )
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_demo_shows_the_published_figures(demo_users):
    load_demo()
    stats = programme_statistics(_programme_id())

    assert len(stats.by_call) == 4
    assert stats.proposals > 150
    assert stats.carried_out == 20
    assert stats.discontinued == 1
    assert stats.participants["residents_customers"] > 6000
    assert stats.participants["companies_communities"] > 70
    assert stats.partner_organisations > 70
    assert 395 <= stats.participants["employees"] <= 405
    assert [b.year for b in stats.budget] == list(range(2015, 2022))
    assert all(b.annual == Decimal("250000.00") for b in stats.budget)
    assert all(Decimal(0) < b.allocated <= b.annual for b in stats.budget)
    assert stats.median_days_to_screening_decision is not None
    assert 90 <= stats.median_experiment_days <= 275


def test_demo_partners_are_companies_and_communities_above_seventy(demo_users):
    load_demo()
    distinct = db.session.scalar(
        select(func.count(func.distinct(ExperimentPartner.organisation_id)))
        .join(Organisation, Organisation.id == ExperimentPartner.organisation_id)
        .where(Organisation.type.in_(["company", "community"]))
    )
    assert distinct > 70


def test_demo_experiments_are_shaped_like_the_real_ones(demo_users):
    load_demo()
    rows = db.session.execute(
        select(
            Experiment.allocated_budget,
            Experiment.start_date,
            Experiment.actual_end_date,
            Proposal.status,
        )
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Proposal.programme_id == _programme_id())
    ).all()
    assert len(rows) == 20
    for budget, start, end, status in rows:
        assert Decimal(8000) <= budget <= Decimal(30000)
        assert status in EXPERIMENT_STATES
        if end is not None:
            assert start + relativedelta(months=3) <= end <= start + relativedelta(months=9)


def test_every_move_has_its_history_row(demo_users):
    load_demo()
    programme_id = _programme_id()
    # The last history entry of every submitted proposal leads to its status; versions count
    # the moves.
    last = (
        select(StatusChange.proposal_id, func.max(StatusChange.id).label("id"))
        .group_by(StatusChange.proposal_id)
        .subquery()
    )
    mismatched = db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .join(last, last.c.proposal_id == Proposal.id)
        .join(StatusChange, StatusChange.id == last.c.id)
        .where(Proposal.programme_id == programme_id, StatusChange.to_status != Proposal.status)
    )
    without_history = db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(
            Proposal.programme_id == programme_id,
            Proposal.status != Status.DRAFT,
            ~Proposal.history.any(),
        )
    )
    assert (mismatched, without_history) == (0, 0)


def test_demo_is_idempotent(demo_users):
    load_demo()
    counts = _counts()
    figures = statistics_json(programme_statistics(_programme_id()))
    load_demo()
    assert _counts() == counts
    assert statistics_json(programme_statistics(_programme_id())) == figures


def test_demo_has_an_open_programme_with_nothing_allocated(demo_users):
    load_demo()
    programme = default_programme()
    assert programme is not None and programme.start_year <= date.today().year
    stats = programme_statistics(programme.id)
    assert [b.allocated for b in stats.budget] == [Decimal("0.00")]
    assert [b.annual for b in stats.budget] == [Decimal("250000.00")]


def test_demo_users_one_per_role(demo_users):
    load_demo()
    roles = db.session.scalars(
        select(User.role).where(User.email.in_([u[0] for u in DEMO_USERS]))
    ).all()
    assert sorted(roles) == sorted(Role)


def test_texts_are_real_words_in_finnish_and_english(demo_users):
    load_demo()
    titles = db.session.scalars(
        select(Proposal.title).where(Proposal.programme_id == _programme_id())
    ).all()
    text = " ".join(titles).lower()
    assert "lorem" not in text
    assert re.search(r"[äö]", text) and " for " in text
    assert len(set(titles)) > 120


def test_demo_command_and_documented_passwords(runner, ctx):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Digital Agenda" in result.output
    from experiments.security import verify_password

    email, _name, _role, password = DEMO_USERS[2]
    user = db.session.scalar(select(User).where(User.email == email))
    assert verify_password(user.password_hash, password)


def test_scale_generates_the_same_shape(runner, demo_users):
    result = runner.invoke(args=["demo", "--scale", "200"])
    assert result.exit_code == 0, result.output
    stats = programme_statistics(_programme_id("Scale test 200"))
    assert (
        stats.proposals
        + db.session.scalar(
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.programme_id == stats.programme.id, Proposal.status == Status.DRAFT)
        )
        == 200
    )
    assert 20 <= stats.carried_out <= 30
    assert stats.discontinued >= 1
    assert stats.participants["residents_customers"] > 0
    assert stats.partner_organisations > 0
    assert all(b.remaining >= 0 for b in stats.budget)
    assert stats.median_days_to_screening_decision is not None
    # Running it again leaves the scale programme as it was.
    again = runner.invoke(args=["demo", "--scale", "200"])
    assert "already exists" in again.output
    assert programme_statistics(stats.programme.id) == stats


def _exact(amount) -> bool:
    return type(amount) is Decimal and amount.as_tuple().exponent >= -2


def test_scale_money_is_exact_to_the_cent(runner, demo_users):
    result = runner.invoke(args=["demo", "--scale", "300"])
    assert result.exit_code == 0, result.output
    programme_id = _programme_id("Scale test 300")
    in_programme = Proposal.programme_id == programme_id
    budgets = dict(
        db.session.execute(
            select(Experiment.id, Experiment.allocated_budget)
            .join(Experiment.proposal)
            .where(in_programme)
        ).all()
    )
    starts = dict(
        db.session.execute(
            select(Experiment.id, Experiment.start_date)
            .join(Experiment.proposal)
            .where(in_programme)
        ).all()
    )
    expenses = db.session.execute(
        select(Expense.experiment_id, Expense.date, Expense.amount)
        .join(Experiment, Experiment.id == Expense.experiment_id)
        .join(Experiment.proposal)
        .where(in_programme)
    ).all()
    requested = db.session.scalars(select(Proposal.requested_budget).where(in_programme)).all()
    annual = db.session.scalars(
        select(ProgrammeYear.annual_budget).where(ProgrammeYear.programme_id == programme_id)
    ).all()
    money = [*budgets.values(), *requested, *annual, *(amount for *_, amount in expenses)]
    assert expenses and all(_exact(amount) for amount in money)

    spent: dict[int, Decimal] = defaultdict(Decimal)
    for experiment_id, _date, amount in expenses:
        spent[experiment_id] += amount
    summed = db.session.execute(
        select(Expense.experiment_id, func.sum(Expense.amount))
        .where(Expense.experiment_id.in_(budgets))
        .group_by(Expense.experiment_id)
    ).all()
    assert dict(summed) == spent
    assert all(spent[e] <= budgets[e] for e in spent)

    by_year: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for experiment_id, budget in budgets.items():
        by_year[starts[experiment_id].year][0] += budget
    for _experiment_id, day, amount in expenses:
        by_year[day.year][1] += amount
    stats = programme_statistics(programme_id)
    assert [(b.year, b.allocated, b.spent) for b in stats.budget] == [
        (b.year, *by_year[b.year]) for b in stats.budget
    ]


@pytest.mark.parametrize("total", ["100.00", "8765.43", "30000.00", "29999.99"])
@pytest.mark.parametrize("parts", [2, 3, 5])
def test_money_split_gives_whole_cents_summing_to_the_total(total, parts):
    amounts = money_split(Decimal(total), parts, DemoRandom(parts))
    assert len(amounts) == parts
    assert all(_exact(a) and a > 0 for a in amounts)
    assert sum(amounts) == Decimal(total)


# The planted near-duplicates, written out again: (title, year submitted, language, status
# group) of each side; the first side of the last pair is an experiment carried out.
PLANTED_TWINS = [
    (
        ("3D-tulostuspajat kirjastoihin", 2015, "fi"),
        ("Kirjaston 3D-tulostimet asukkaiden käyttöön", 2017, "fi"),
    ),
    (
        ("Nuuksion retkeilyreittien kävijälaskurit LoRaWAN-verkossa", 2016, "fi"),
        ("Visitor counters on Nuuksio hiking trails over LoRaWAN", 2019, "en"),
    ),
    (
        ("Sign language video calls to city customer service", 2016, "en"),
        ("Remote sign language interpreting for customer service", 2019, "en"),
    ),
    (
        ("Chatbot varhaiskasvatuksen hakemiseen", 2015, "fi"),
        ("Chatbot neuvomaan päiväkotipaikan hakemisessa", 2019, "fi"),
    ),
]


def test_demo_plants_near_duplicate_proposals(demo_users):
    from experiments.demo.texts.twins import twin_titles

    load_demo()
    assert twin_titles() == [(first[0], second[0]) for first, second in PLANTED_TWINS]
    rows = db.session.execute(
        select(
            Proposal.title,
            func.extract("year", Proposal.submitted_at),
            Proposal.language,
            Proposal.status,
        ).where(
            Proposal.programme_id == _programme_id(),
            Proposal.title.in_([side[0] for pair in PLANTED_TWINS for side in pair]),
        )
    ).all()
    found = {title: (int(year), language, status) for title, year, language, status in rows}
    assert len(rows) == len(found) == 8  # each once
    for first, second in PLANTED_TWINS:
        for title, year, language in (first, second):
            assert found[title][:2] == (year, language), title
        assert found[second[0]][2] in (Status.SUBMITTED, Status.SCREENING, Status.REJECTED)
    assert found["Chatbot varhaiskasvatuksen hakemiseen"][2] == Status.ADOPTED
    assert found["3D-tulostuspajat kirjastoihin"][2] in (Status.REJECTED, Status.WITHDRAWN)
