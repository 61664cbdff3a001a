"""Two people acting on one proposal at the same moment: one wins, the other sees a conflict.

Each person works in their own thread, application context, session and database
connection (the `concurrent_app` fixture: a SQLite file, or PostgreSQL under
`make test-postgres`). A barrier releases both at once, and every flush that wrote a
proposal (the ORM's after_flush event) is held open for a moment before its commit, so the
second writer really meets the first one's lock.
"""

import threading
import time

import pytest
from sqlalchemy import event, func, select

from experiments.errors import DomainError, StaleVersion
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Organisation, Proposal, StatusChange, User
from experiments.services import proposals as proposal_service
from experiments.services.workflow import change_status
from tests import builders

pytestmark = pytest.mark.slow
HOLD_SECONDS = 0.3


@pytest.fixture
def race_app(concurrent_app):
    held = []

    def hold(session, flush_context):
        if any(isinstance(row, Proposal) for row in session.dirty):
            held.append(session)
            time.sleep(HOLD_SECONDS)  # the row stays locked, the transaction open

    event.listen(db.session, "after_flush", hold)
    yield concurrent_app
    event.remove(db.session, "after_flush", hold)
    assert held, "no write of a proposal was held open: the race was not run"


def _at_once(app, proposal_id: int, actions) -> list:
    """Run each action(proposal, version) in its own thread, released together."""
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes: list = [None] * len(actions)

    def run(i: int):
        try:
            with app.app_context():
                proposal = db.session.get(Proposal, proposal_id)
                version = proposal.version
                barrier.wait()
                actions[i](proposal, version)
                outcomes[i] = "done"
        except DomainError as error:
            outcomes[i] = error
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcomes[i] = ("crashed", repr(error))
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an action never finished"
    return outcomes


def _one_won(outcomes):
    assert sorted(map(str, outcomes)).count("done") == 1, outcomes
    loser = next(o for o in outcomes if o != "done")
    assert isinstance(loser, StaleVersion), outcomes


def _history(app, proposal_id):
    with app.app_context():
        return db.session.scalars(
            select(StatusChange.to_status).where(StatusChange.proposal_id == proposal_id)
        ).all()


def test_two_staff_deciding_at_once_one_sees_a_conflict(race_app):
    with race_app.app_context():
        programme = builders.make_programme()
        owner = builders.make_user()
        staff = [builders.make_user(Role.STAFF) for _ in range(2)]
        proposal_id = builders.make_proposal(owner, programme, status=Status.SCREENING)

    def reject(proposal, version):
        change_status(
            proposal,
            Status.REJECTED,
            db.session.get(User, staff[0]),
            version,
            reason="Not a fit for the programme.",
        )

    def ask(proposal, version):
        change_status(
            proposal,
            Status.MORE_INFO,
            db.session.get(User, staff[1]),
            version,
            question="Which schools would take part?",
        )

    _one_won(_at_once(race_app, proposal_id, [reject, ask]))
    history = _history(race_app, proposal_id)
    assert len(history) == 1
    with race_app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == history[0] and proposal.version == 2


def test_a_double_submission_is_recorded_once(race_app):
    with race_app.app_context():
        programme = builders.make_programme()
        owner = builders.make_user()
        proposal_id = builders.make_proposal(owner, programme, status=Status.DRAFT)

    def submit(proposal, version):
        change_status(proposal, Status.SUBMITTED, db.session.get(User, owner), version)

    _one_won(_at_once(race_app, proposal_id, [submit, submit]))
    assert _history(race_app, proposal_id) == [Status.SUBMITTED]


def test_two_editors_saving_at_once_one_sees_a_conflict(race_app):
    with race_app.app_context():
        programme = builders.make_programme()
        owner = builders.make_user()
        proposal_id = builders.make_proposal(owner, programme, status=Status.DRAFT)

    def edit(title):
        def save(proposal, version):
            proposal_service.update_content(
                proposal, db.session.get(User, owner), version, {"title": title}
            )

        return save

    outcomes = _at_once(
        race_app, proposal_id, [edit("Version from the laptop"), edit("Version from the phone")]
    )
    _one_won(outcomes)
    winner = ["Version from the laptop", "Version from the phone"][outcomes.index("done")]
    with race_app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.title == winner and proposal.version == 2
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_two_first_drafts_of_one_company_at_once_both_are_made(concurrent_app):
    """Neither finds the company, both store it: the second learns of the first's and uses it."""
    with concurrent_app.app_context():
        builders.make_programme()
        owners = [builders.make_user() for _ in range(2)]
    both_looked = threading.Barrier(2, timeout=10)

    def meet(session, flush_context, instances):
        if any(isinstance(row, Organisation) for row in session.new):
            both_looked.wait()  # each has looked for the company and not found it

    values = builders.complete_values(call_id=None) | {
        "organisation": {"name": "Robotics Oy", "business_id": "1572860-0"}
    }
    outcomes: list = [None, None]

    def propose(i: int) -> None:
        try:
            with concurrent_app.app_context():
                owner = db.session.get(User, owners[i])
                outcomes[i] = proposal_service.create_draft(owner, values).organisation_id
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcomes[i] = ("crashed", repr(error))
        finally:
            with concurrent_app.app_context():
                db.session.remove()

    event.listen(db.session, "before_flush", meet)
    try:
        threads = [threading.Thread(target=propose, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(db.session, "before_flush", meet)
    with concurrent_app.app_context():
        companies = db.session.scalars(select(Organisation.id)).all()
        drafts = db.session.scalars(select(Proposal.organisation_id)).all()
    assert len(companies) == 1 and outcomes == companies * 2, outcomes
    assert drafts == companies * 2
