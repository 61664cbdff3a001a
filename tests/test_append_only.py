"""The history tables take new rows, and the database refuses to change or delete them.

Proven on the schema the migrations build (a new SQLite file, or a new PostgreSQL database
when TEST_DATABASE_URL names one) and on the test suite's own schema (db.create_all).
"""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import AccountChange, Proposal, RecordChange, StatusChange
from experiments.models.experiment import RecordAction, RecordKind
from tests import builders
from tests.test_postgres_migrations import empty_database_url  # noqa: F401 (a fixture)

HISTORY = ("status_change", "record_change", "account_change")
TABLES = (*HISTORY, "audit_entry")  # the audit trail's entries come with every write
BEFORE_THIS_REVISION = "0cfb34ac6d81"  # before the history tables' triggers and the trail


def _one_row_each() -> None:
    """An entry in each history table, inserted as the app inserts them."""
    staff = builders.make_user(Role.STAFF)
    applicant = builders.make_user(Role.APPLICANT)
    proposal_id = builders.make_proposal(applicant, builders.make_programme(), Status.PILOT)
    experiment = db.session.get(Proposal, proposal_id).experiment
    db.session.add_all(
        [
            StatusChange(
                proposal_id=proposal_id,
                from_status=Status.SCREENING,
                to_status=Status.PILOT,
                actor_id=staff,
                reason="Promising.",
            ),
            RecordChange(
                experiment_id=experiment.id,
                kind=RecordKind.EXPENSE,
                record_id=1,
                action=RecordAction.REMOVED,
                changes={"amount": ["10.00", None]},
                actor_id=staff,
            ),
            AccountChange(
                user_id=applicant,
                actor_id=staff,
                old_role=Role.APPLICANT,
                new_role=Role.STAFF,
                old_active=True,
                new_active=True,
            ),
        ]
    )
    builders.commit()


def _count(table: str) -> int:
    return db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _refused(statement: str) -> str:
    """Run the statement in a transaction of its own; the database's error, or fail."""
    with pytest.raises(DBAPIError) as refused:
        with db.engine.begin() as connection:
            connection.execute(text(statement))
    return str(refused.value.orig)


def _assert_append_only() -> None:
    for table in TABLES:
        rows = _count(table)
        assert rows >= 1, table
        message = _refused(f"UPDATE {table} SET actor_id = actor_id")
        assert f"{table} is append-only: UPDATE refused" in message
        message = _refused(f"DELETE FROM {table}")
        assert f"{table} is append-only: DELETE refused" in message
        db.session.rollback()
        assert _count(table) == rows, table


@pytest.mark.parametrize("run", ["first", "second"])
def test_the_test_schema_refuses_update_and_delete(app, run):
    """Twice: the suite's emptying between tests (TRUNCATE on PostgreSQL) still clears them."""
    with app.app_context():
        assert [_count(table) for table in TABLES] == [0, 0, 0, 0]
        _one_row_each()
        _assert_append_only()


def test_the_migrated_schema_refuses_update_and_delete_and_the_downgrade_allows_them(
    empty_database_url,  # noqa: F811 (the fixture imported above)
    tmp_path,
):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        MAIL_FILE_PATH=str(tmp_path / "outbox"),
    )
    with app.app_context():
        try:
            upgrade()
            _one_row_each()
            _assert_append_only()

            db.session.remove()
            downgrade(revision=BEFORE_THIS_REVISION)
            with db.engine.begin() as connection:
                for table in HISTORY:
                    connection.execute(text(f"UPDATE {table} SET actor_id = actor_id"))
            upgrade()
            _one_row_each()  # the trail's table is new again: it gets entries of its own
            _assert_append_only()
        finally:
            db.session.remove()
            db.engine.dispose()
