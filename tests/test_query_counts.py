"""The dashboard's and the catalogue's number of SQL statements does not grow with the data."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import (
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    StatusChange,
    User,
)
from tests import builders

PAGES = (
    "/statistics",
    "/experiments",
    "/experiments?status=adopted&sdg=11",
    "/experiments/open-data.json",
    "/experiments/open-data.csv",
    "/experiments.atom",
    "/calls.ics",
    "/experiments/open-data.ttl",
    "/experiments/open-data.jsonld",
    "/lessons",
    "/lessons?outcome=adopted&centre=tapiola&q=experiment",
)


@contextmanager
def counting(engine):
    """Every statement sent to the database meanwhile."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def grow(programme_id: int, owner_id: int, staff_id: int, experiments: int) -> None:
    """Add experiments with partners, participation, expenses and history, and twice as many
    proposals that stopped earlier."""
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    for n in range(experiments):
        proposal_id = builders.make_proposal(
            owner_id, programme_id, status=Status.ADOPTED, title=f"Experiment {n}"
        )
        experiment = db.session.scalar(
            select(Experiment).where(Experiment.proposal_id == proposal_id)
        )
        for k in range(3):
            organisation = Organisation(name=f"Partner {n}-{k} Oy", type="company")
            experiment.partners.append(ExperimentPartner(organisation=organisation, role="partner"))
            experiment.participation.append(
                Participation(
                    date=date(2024, 2, 1 + k), category="residents_customers", count=10 + k
                )
            )
            experiment.expenses.append(
                Expense(date=date(2024, 3, 1 + k), amount=100, description="Work")
            )
        for source, target, days in (
            ("draft", "submitted", 0),
            ("submitted", "screening", 3),
            ("screening", "pilot", 20),
            ("pilot", "evaluation", 200),
            ("evaluation", "adopted", 220),
        ):
            db.session.add(
                StatusChange(
                    proposal_id=proposal_id,
                    from_status=source,
                    to_status=target,
                    actor_id=staff_id,
                    at=start + timedelta(days=days),
                )
            )
        for status in (Status.REJECTED, Status.SUBMITTED):
            builders.make_proposal(owner_id, programme_id, status=status)
    db.session.commit()


def _statements(client, url) -> int:
    """Statements of one request, made right after the data changed: statistics cached per
    data generation (statistics_cache.py) are computed afresh."""
    client.get("/experiments/open-data")  # warm the app on a page that reads no data
    with client.application.app_context():
        engine = db.engine
    with counting(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.fixture
def ids(app, people):
    with app.app_context():
        programme_id = builders.make_programme()
        owner = db.session.scalar(select(User.id).where(User.email == "applicant@test.example"))
        staff = db.session.scalar(select(User.id).where(User.email == "staff@test.example"))
        return programme_id, owner, staff


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_do_not_grow_with_the_data(app, client, ids, url):
    with app.app_context():
        grow(*ids, experiments=2)
    small = _statements(client, url)
    with app.app_context():
        grow(*ids, experiments=25)
    assert _statements(client, url) == small
    assert small <= 15, small


def test_detail_page_is_a_fixed_number_of_queries(app, client, ids):
    with app.app_context():
        grow(*ids, experiments=2)
        first = db.session.scalar(select(Experiment.id))
    small = _statements(client, f"/experiments/{first}")
    with app.app_context():
        grow(*ids, experiments=10)
    assert _statements(client, f"/experiments/{first}") == small


def test_managers_dashboard_does_not_grow(app, client, auth, ids):
    auth.login("manager")
    with app.app_context():
        grow(*ids, experiments=2)
    small = _statements(client, "/statistics")
    with app.app_context():
        grow(*ids, experiments=20)
    assert _statements(client, "/statistics") == small
