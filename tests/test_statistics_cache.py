"""Cached statistics are served only while the data under them is unchanged.

The cache (experiments/statistics_cache.py) keys results by a token that every counted unit
of work replaces as it commits; these tests write in every way the app does and expect
fresh figures.
"""

from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text, update

import experiments
from experiments import create_app
from experiments.errors import Invalid
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Participation, Proposal, StatisticsGeneration, User
from experiments.services.transaction import unit_of_work
from experiments.services.workflow import change_status
from experiments.statistics import programme_statistics
from experiments.statistics_cache import current_token
from tests import builders


@pytest.fixture
def stats_app(app):
    """The app with its generation row (a truncated server database may lack it)."""
    with app.app_context():
        if current_token() is None:
            db.session.execute(insert(StatisticsGeneration).values(id=1, token=7))
            db.session.commit()
    return app


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def fresh_stats(programme_id):
    """The statistics as a new request would see them (a new session)."""
    db.session.remove()
    return programme_statistics(programme_id)


def test_a_second_request_is_served_from_the_cache(stats_app, people):
    with stats_app.app_context():
        programme_id = builders.make_programme()
        builders.make_proposal(people["applicant"], programme_id, status=Status.SUBMITTED)
        first = fresh_stats(programme_id)
        db.session.remove()
        with counting() as statements:
            second = programme_statistics(programme_id)
        assert second == first
        assert len(statements) == 1  # the token only
        assert second is not programme_statistics(programme_id)  # callers get their own copy


def test_a_move_is_counted_at_once(stats_app, people):
    with stats_app.app_context():
        programme_id = builders.make_programme()
        proposal_id = builders.make_proposal(
            people["applicant"], programme_id, status=Status.SUBMITTED
        )
        assert fresh_stats(programme_id).screened == 0
        token = current_token()
        proposal = db.session.get(Proposal, proposal_id)
        change_status(
            proposal, Status.SCREENING, db.session.get(User, people["staff"]), proposal.version
        )
        assert current_token() != token
        assert fresh_stats(programme_id).screened == 1


def test_a_move_through_the_pages_is_counted_at_once(stats_app, client, auth, people):
    with stats_app.app_context():
        programme_id = builders.make_programme()
        proposal_id = builders.make_proposal(
            people["applicant"], programme_id, status=Status.SUBMITTED
        )
        assert fresh_stats(programme_id).screened == 0
    auth.login("staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    assert response.status_code == 303
    with stats_app.app_context():
        assert fresh_stats(programme_id).screened == 1


def test_a_unit_of_work_replaces_the_token_whatever_it_writes(stats_app, people):
    with stats_app.app_context():
        programme_id = builders.make_programme()
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme_id,
            status=Status.PILOT,
            experiment_owner_id=people["staff"],
        )
        assert fresh_stats(programme_id).participants["residents_customers"] == 0
        experiment = db.session.get(Proposal, proposal_id).experiment
        with unit_of_work():
            db.session.execute(
                insert(Participation).values(
                    experiment_id=experiment.id,
                    date=experiment.start_date,
                    category="residents_customers",
                    count=40,
                    note="",
                )
            )
        assert fresh_stats(programme_id).participants["residents_customers"] == 40

        with unit_of_work():
            db.session.execute(update(Participation).values(count=45))
        assert fresh_stats(programme_id).participants["residents_customers"] == 45

        with unit_of_work():
            db.session.execute(text("DELETE FROM participation"))
        assert fresh_stats(programme_id).participants["residents_customers"] == 0


def test_a_refused_unit_of_work_keeps_the_token_and_writes_nothing(stats_app, people):
    with stats_app.app_context():
        programme_id = builders.make_programme()
        proposal_id = builders.make_proposal(
            people["applicant"], programme_id, status=Status.SUBMITTED
        )
        token = current_token()
        with pytest.raises(Invalid):
            with unit_of_work():
                db.session.get(Proposal, proposal_id).status = Status.REJECTED
                db.session.flush()
                raise Invalid({"reason": ["No."]})
        assert current_token() == token
        assert fresh_stats(programme_id).rejected == 0


def test_the_guard_fails_an_app_commit_that_keeps_the_token(stats_app, people):
    """The suite's safety net (tests/statistics_guard.py) can fail: a commit made by code in
    the app's package that writes a counted table without a new token is an error."""
    source = "def commit_without_token():\n    db.session.commit()\n"
    namespace = {"db": db}
    exec(compile(source, str(Path(experiments.__file__).parent / "careless.py"), "exec"), namespace)
    with stats_app.app_context():
        programme_id = builders.make_programme()
        builders.make_proposal(people["applicant"], programme_id, status=Status.SUBMITTED)
        db.session.execute(update(Proposal).values(status=Status.REJECTED))
        with pytest.raises(AssertionError, match="without replacing the statistics token"):
            namespace["commit_without_token"]()


def test_own_uncommitted_writes_are_seen_and_not_cached(stats_app, people):
    with stats_app.app_context():
        programme_id = builders.make_programme()
        proposal_id = builders.make_proposal(
            people["applicant"], programme_id, status=Status.SUBMITTED
        )
        assert fresh_stats(programme_id).rejected == 0
        token = current_token()
        db.session.execute(
            update(Proposal).where(Proposal.id == proposal_id).values(status=Status.REJECTED)
        )
        assert programme_statistics(programme_id).rejected == 1
        db.session.rollback()
        assert current_token() == token
        assert fresh_stats(programme_id).rejected == 0


def test_signing_in_does_not_replace_the_token(stats_app, client, auth, people):
    with stats_app.app_context():
        token = current_token()
    auth.login("manager")
    with stats_app.app_context():
        assert current_token() == token
        with unit_of_work(counted=False):
            db.session.execute(update(User).values(locale="sv"))
        assert current_token() == token


def test_another_process_sees_a_write_of_this_one(tmp_path):
    """Two apps on one database file stand in for two workers (each with its own cache)."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = (create_app("testing", SQLALCHEMY_DATABASE_URI=url) for _ in range(2))
    try:
        with first.app_context():
            db.create_all()
            owner_id = builders.make_user(Role.APPLICANT)
            programme_id = builders.make_programme()
            proposal_id = builders.make_proposal(owner_id, programme_id, status=Status.SUBMITTED)
            assert fresh_stats(programme_id).rejected == 0
        with second.app_context():
            assert fresh_stats(programme_id).rejected == 0
            with unit_of_work():
                db.session.execute(
                    update(Proposal)
                    .where(Proposal.id == proposal_id)
                    .values(status=Status.REJECTED)
                )
        with first.app_context():
            assert fresh_stats(programme_id).rejected == 1
            assert db.session.scalar(select(StatisticsGeneration.token)) == current_token()
    finally:
        for app in (first, second):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
