"""Two managers allocating the last euros of a year at the same moment: exactly one wins.

Each manager works in their own thread, application context, session and database
connection, on a file database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).
A barrier releases both at once; the budget service's allocation_checked signal holds
every checked allocation open for a moment before it is written, so an implementation that
checked before it locked would over-allocate here.
"""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from experiments.errors import Conflict, DomainError
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Experiment, ProgrammeYear, Proposal, StatusChange, User
from experiments.services.budget import allocation_checked
from experiments.services.workflow import change_status
from experiments.statistics import year_budget
from tests import builders

pytestmark = pytest.mark.slow

CHECK_HOLD_SECONDS = 0.3
ANNUAL = Decimal("250000.00")


@pytest.fixture
def held() -> list[dict]:
    """The allocations that race_app held open: one per budget check that passed."""
    return []


@pytest.fixture
def race_app(concurrent_app, held):
    """A file database (or the PostgreSQL server) whose checked allocations are held open."""

    def hold(app, **allocation):
        """Keep the transaction open between the budget check and the write (widens the race)."""
        held.append(allocation)
        time.sleep(CHECK_HOLD_SECONDS)

    with allocation_checked.connected_to(hold, sender=concurrent_app):
        yield concurrent_app


def _setup(app, already_allocated: Decimal):
    """A programme whose year has `ANNUAL - already_allocated` left, and two managers."""
    with app.app_context():
        programme_id = builders.make_programme(budget=str(ANNUAL))
        applicant = builders.make_user(Role.APPLICANT)
        managers = [builders.make_user(Role.MANAGER) for _ in range(2)]
        staff = builders.make_user(Role.STAFF)
        if already_allocated:
            pid = builders.make_proposal(
                applicant, programme_id, status=Status.PILOT, experiment_owner_id=staff
            )
            experiment = db.session.get(Proposal, pid).experiment
            experiment.allocated_budget = already_allocated
            experiment.start_date = date(date.today().year, 1, 10)
            experiment.planned_end_date = experiment.start_date + timedelta(days=90)
            db.session.commit()
        proposals = [
            builders.make_proposal(applicant, programme_id, status=Status.SCREENING)
            for _ in range(2)
        ]
    return programme_id, managers, staff, proposals


def _race(app, managers, staff, proposals, amount: Decimal):
    """Both managers start a pilot at once; returns each one's outcome."""
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list = [None, None]
    start = date(date.today().year, 6, 1)

    def manager(i: int):
        try:
            with app.app_context():
                proposal = db.session.get(Proposal, proposals[i])
                actor = db.session.get(User, managers[i])
                version = proposal.version
                barrier.wait()
                change_status(
                    proposal,
                    Status.PILOT,
                    actor,
                    version,
                    allocated_budget=amount,
                    start_date=start,
                    planned_end_date=start + timedelta(days=120),
                    owner_id=staff,
                    city_unit="Mobility",
                )
                outcomes[i] = "started"
        except DomainError as error:
            outcomes[i] = error
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcomes[i] = ("crashed", error)

    threads = [threading.Thread(target=manager, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a manager never finished"
    return outcomes


def _pilots(app, programme_id):
    with app.app_context():
        year = date.today().year
        started = db.session.scalar(
            select(func.count())
            .select_from(Proposal)
            .where(Proposal.programme_id == programme_id, Proposal.status == Status.PILOT)
        )
        history = db.session.scalar(
            select(func.count())
            .select_from(StatusChange)
            .where(StatusChange.to_status == Status.PILOT)
        )
        experiments = db.session.scalar(select(func.count()).select_from(Experiment))
        return started, history, experiments, year_budget(programme_id, year)


@pytest.mark.parametrize("rounds", [3])
def test_two_managers_take_the_last_euros_exactly_one_wins(race_app, held, rounds):
    for _ in range(rounds):
        held.clear()
        remaining = Decimal("20000.00")
        programme_id, managers, staff, proposals = _setup(race_app, ANNUAL - remaining)
        outcomes = _race(race_app, managers, staff, proposals, amount=remaining)

        assert all(not isinstance(o, tuple) for o in outcomes), outcomes  # never a crash
        assert outcomes.count("started") == 1, outcomes
        # The loser's check waited for the winner's commit, and then found no room.
        assert [a["amount"] for a in held] == [remaining], held
        loser = next(o for o in outcomes if o != "started")
        assert isinstance(loser, DomainError) and loser.message, loser
        started, _history, _experiments, budget = _pilots(race_app, programme_id)
        # One pilot from the race, plus the one that had taken the rest of the year.
        assert started == 2
        assert budget.allocated == ANNUAL
        assert budget.remaining == 0


def test_two_allocations_that_both_fit_both_succeed(race_app, held):
    programme_id, managers, staff, proposals = _setup(race_app, ANNUAL - Decimal("40000"))
    outcomes = _race(race_app, managers, staff, proposals, amount=Decimal("20000.00"))
    assert outcomes == ["started", "started"], outcomes
    assert len(held) == 2, held
    started, history, experiments, budget = _pilots(race_app, programme_id)
    assert (started, history, experiments) == (3, 2, 3)
    assert budget.remaining == 0


def test_a_budget_lock_that_never_comes_is_a_clean_conflict(race_app):
    """Another transaction holds the year's row too long: refused cleanly, nothing changed."""
    programme_id, managers, staff, proposals = _setup(race_app, Decimal("0"))
    year = date.today().year
    with race_app.app_context():
        holder = db.engine.connect()
    held = holder.begin()
    holder.execute(
        update(ProgrammeYear)
        .where(ProgrammeYear.programme_id == programme_id, ProgrammeYear.year == year)
        .values(allocation_serial=ProgrammeYear.allocation_serial + 1)
    )
    try:
        with race_app.app_context():
            connection = db.session.connection()
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout = 200")
            else:
                connection.exec_driver_sql("SET lock_timeout = '200ms'")
            proposal = db.session.get(Proposal, proposals[0])
            with pytest.raises(Conflict) as error:
                change_status(
                    proposal,
                    Status.PILOT,
                    db.session.get(User, managers[0]),
                    proposal.version,
                    allocated_budget=Decimal("1000"),
                    start_date=date(year, 6, 1),
                    planned_end_date=date(year, 9, 1),
                    owner_id=staff,
                )
            assert "try again" in error.value.message
    finally:
        held.rollback()
        holder.close()
    started, history, experiments, budget = _pilots(race_app, programme_id)
    assert (started, history, experiments, budget.allocated) == (0, 0, 0, 0)
