"""Two reviewers save their reviews of one proposal at the same moment: the score kept on the
proposal ends as the average of both reviews.

Each reviewer works in their own thread, application context, session and connection (the
`concurrent_app` fixture: a SQLite file, or PostgreSQL under `make test-postgres`). A barrier
releases both at once; each review's INSERT is held open for a moment, so that both reviews
are written before either score is computed, and each score's UPDATE too, so that the other
transaction computes its score while the first is still uncommitted.
"""

import threading
import time

import pytest
from sqlalchemy import event, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, Review, User
from experiments.queries import REVIEW_AVERAGE, with_weights
from experiments.services.reviews import save_review
from tests import builders

pytestmark = pytest.mark.slow
HOLD_SECONDS = 0.3
CRITERIA = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


@pytest.fixture
def race_app(concurrent_app):
    held: list[str] = []

    def hold(connection, cursor, statement, parameters, context, executemany):
        written = statement.lstrip().upper()
        if written.startswith("INSERT INTO REVIEW") or (
            written.startswith("UPDATE PROPOSAL") and "REVIEW_SCORE" in written
        ):
            held.append(written[:20])
            time.sleep(HOLD_SECONDS)  # the transaction stays open

    with concurrent_app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", hold)
    yield concurrent_app
    event.remove(engine, "after_cursor_execute", hold)
    assert len(held) >= 4, f"the writes were not held open: the race was not run ({held})"


def _through_the_service(proposal: Proposal, reviewer: User, score: int) -> None:
    save_review(proposal, reviewer, dict.fromkeys(CRITERIA, score), "")


def _committed_directly(proposal: Proposal, reviewer: User, score: int) -> None:
    # Without the service's unit of work, whose statistics token is a row every counted write
    # updates (and so waits for): the proposal's own row lock alone keeps the score right.
    db.session.add(
        Review(proposal_id=proposal.id, reviewer_id=reviewer.id, **dict.fromkeys(CRITERIA, score))
    )
    db.session.commit()


@pytest.mark.parametrize("write", [_through_the_service, _committed_directly])
def test_two_reviews_at_once_both_count_in_the_score(race_app, write):
    with race_app.app_context():
        programme = builders.make_programme()
        owner = builders.make_user()
        reviewers = [builders.make_user(Role.STAFF) for _ in range(2)]
        proposal_id = builders.make_proposal(owner, programme, status=Status.SCREENING)

    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[object] = [None, None]

    def review(i: int, score: int) -> None:
        try:
            with race_app.app_context():
                proposal = db.session.get(Proposal, proposal_id)
                reviewer = db.session.get(User, reviewers[i])
                barrier.wait()
                write(proposal, reviewer, score)
                outcomes[i] = "done"
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcomes[i] = repr(error)
        finally:
            with race_app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=review, args=(i, s)) for i, s in ((0, 1), (1, 4))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a review never finished"
    assert outcomes == ["done", "done"], outcomes

    with race_app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        live = db.session.scalar(
            with_weights(select(REVIEW_AVERAGE)).where(Review.proposal_id == proposal_id)
        )
        assert proposal.review_count == 2
        assert float(proposal.review_score) == 2.5  # (1 × 5 + 4 × 5) / 10
        assert proposal.review_score == live
