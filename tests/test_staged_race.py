"""Two managers apply a call's staged decisions at the same moment: exactly one applies them.

Each manager works in their own thread, application context, session and connection, on a
file database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set). The budget service's
allocation_checked signal holds each checked allocation open for a moment, so that the second
manager arrives while the first is still applying.
"""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from experiments.errors import Conflict, DomainError
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    Call,
    Experiment,
    MailMessage,
    Programme,
    Proposal,
    StagedDecision,
    StatusChange,
    User,
)
from experiments.services import staged_decisions
from experiments.services.budget import allocation_checked
from experiments.statistics import year_budget
from tests import builders

pytestmark = pytest.mark.slow


@pytest.fixture
def race_app(concurrent_app):
    def hold(app, **allocation):
        time.sleep(0.3)

    with allocation_checked.connected_to(hold, sender=concurrent_app):
        yield concurrent_app


def _setup(app):
    """A call with two pilots and a rejection staged, and two managers."""
    year = date.today().year
    with app.app_context():
        programme_id = builders.make_programme(budget="100000.00")
        applicants = [builders.make_user(Role.APPLICANT) for _ in range(3)]
        managers = [builders.make_user(Role.MANAGER) for _ in range(2)]
        staff = builders.make_user(Role.STAFF)
        proposals = [
            builders.make_proposal(a, programme_id, status=Status.SCREENING) for a in applicants
        ]
        call = db.session.get(Programme, programme_id).calls[0]
        manager = db.session.get(User, managers[0])
        for proposal_id, amount in zip(proposals[:2], ("60000.00", "40000.00"), strict=True):
            staged_decisions.stage(
                call,
                db.session.get(Proposal, proposal_id),
                manager,
                "pilot",
                allocated_budget=amount,
                start_date=date(year, 9, 1),
                planned_end_date=date(year + 1, 2, 1),
                owner_id=staff,
            )
        staged_decisions.stage(
            call, db.session.get(Proposal, proposals[2]), manager, "rejected", reason="No."
        )
        return programme_id, call.id, managers, proposals


def _race(app, call_id, managers):
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list = [None, None]

    def manager(i: int):
        try:
            with app.app_context():
                call = db.session.get(Call, call_id)
                actor = db.session.get(User, managers[i])
                barrier.wait()
                outcomes[i] = staged_decisions.apply(call, actor)
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


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("rounds", [2])
def test_two_managers_apply_at_once_exactly_one_applies(race_app, rounds):
    for _ in range(rounds):
        programme_id, call_id, managers, proposals = _setup(race_app)
        outcomes = _race(race_app, call_id, managers)
        assert all(not isinstance(o, tuple) for o in outcomes), outcomes  # never a crash
        applied = [o for o in outcomes if isinstance(o, staged_decisions.Applied)]
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(applied) == 1 and len(refused) == 1, outcomes
        assert (applied[0].pilots, applied[0].rejections) == (2, 1)
        assert isinstance(refused[0], Conflict) and refused[0].message, refused
        assert "another manager" in refused[0].message or "try again" in refused[0].message
        with race_app.app_context():
            statuses = [db.session.get(Proposal, p).status for p in proposals]
            assert statuses == [Status.PILOT, Status.PILOT, Status.REJECTED]
            assert _count(StatusChange, StatusChange.proposal_id.in_(proposals)) == 3
            assert _count(MailMessage, MailMessage.kind != "") >= 3
            assert _count(StagedDecision, StagedDecision.call_id == call_id) == 0
            assert _count(Experiment, Experiment.proposal_id.in_(proposals)) == 2
            budget = year_budget(programme_id, date.today().year)
            assert budget is not None and budget.remaining == Decimal("0.00")


def test_a_pilot_allocated_meanwhile_refuses_the_whole_application(race_app):
    """The budget is read again under the lock: an allocation made after the page was read
    makes the staged pilots no longer fit, and nothing is applied."""
    programme_id, call_id, managers, proposals = _setup(race_app)
    year = date.today().year
    with race_app.app_context():
        other = builders.make_proposal(
            builders.make_user(Role.APPLICANT), programme_id, status=Status.SCREENING
        )
        staff = db.session.scalar(select(User.id).where(User.role == Role.STAFF))
        proposal = db.session.get(Proposal, other)
        from experiments.services.workflow import change_status

        change_status(
            proposal,
            Status.PILOT,
            db.session.get(User, managers[1]),
            proposal.version,
            allocated_budget=Decimal("1.00"),
            start_date=date(year, 3, 1),
            planned_end_date=date(year, 6, 1),
            owner_id=staff,
        )
        mails = _count(MailMessage)
        with pytest.raises(staged_decisions.ApplyRefused) as refused:
            staged_decisions.apply(db.session.get(Call, call_id), db.session.get(User, managers[0]))
        assert list(refused.value.errors) == [str(proposals[1])]
        assert [db.session.get(Proposal, p).status for p in proposals] == [Status.SCREENING] * 3
        assert _count(MailMessage) == mails
        assert _count(StagedDecision, StagedDecision.call_id == call_id) == 3
