"""The Alembic migrations, applied to an empty database, build exactly the models' schema.

A model changed without a migration fails here (the same check as `flask db check`).
"""

import logging
import os
import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from experiments import create_app
from experiments.extensions import db
from experiments.search import include_name


@pytest.fixture(autouse=True)
def keep_logging():
    """env.py configures logging from alembic.ini; give the other tests theirs back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    loggers = {
        name: (lg.disabled, lg.level)
        for name, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    yield
    root.handlers[:], root.level = handlers, level
    for name, lg in logging.root.manager.loggerDict.items():
        if isinstance(lg, logging.Logger):
            lg.disabled, lg.level = loggers.get(name, (False, logging.NOTSET))


def _migrated_schema_differences(url: str, downgrade_first: bool = False) -> list:
    """Upgrade an empty database to head and compare it with the models."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        try:
            flask_migrate.upgrade()
            if downgrade_first:  # every revision can be undone, and redone
                flask_migrate.downgrade(revision="base")
                assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
                flask_migrate.upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "include_name": include_name}
                )
                return compare_metadata(context, db.metadata)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_one_head():
    app = create_app("testing")
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads, merge them: {heads}"


def test_migrations_match_the_models_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    assert _migrated_schema_differences(url, downgrade_first=True) == []


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="TEST_DATABASE_URL is not a PostgreSQL database",
)
def test_migrations_match_the_models_on_postgresql():
    """In a schema of its own, so the per-test tables of the other tests are left alone."""
    from experiments import database_url

    url = database_url(os.environ["TEST_DATABASE_URL"])
    schema = f"migration_check_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # no CREATE privilege: nothing to check here
        admin.dispose()
        pytest.skip(f"cannot create a schema: {error}")
    separator = "&" if "?" in url else "?"
    try:
        differences = _migrated_schema_differences(
            f"{url}{separator}options=-csearch_path%3D{schema}"
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    assert differences == []


def test_text_written_before_languages_were_recorded_takes_its_authors(tmp_path):
    """The revision that added `language` gives old proposals their owner's saved language."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="748f9834a6cd")
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO user (id, email, name, password_hash, role, locale, "
                        "session_epoch, active, created_at) VALUES "
                        "(1, 'a@test.example', 'A', 'x', 'applicant', 'sv', 0, 1, '2020-01-01'), "
                        "(2, 'b@test.example', 'B', 'x', 'applicant', 'xx', 0, 1, '2020-01-01')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO programme (id, name, description, start_year, end_year, "
                        "created_at) VALUES (1, 'P', '', 2020, 2021, '2020-01-01')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO proposal (id, programme_id, owner_id, title, status, version, "
                        "created_at, updated_at) VALUES "
                        "(1, 1, 1, 'Lånerobot', 'draft', 1, '2020-01-01', '2020-01-01'), "
                        "(2, 1, 2, 'Robot', 'draft', 1, '2020-01-01', '2020-01-01')"
                    )
                )
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                languages = connection.execute(
                    text("SELECT id, language FROM proposal ORDER BY id")
                ).all()
            # A locale the service does not speak leaves the default.
            assert [tuple(row) for row in languages] == [(1, "sv"), (2, "fi")]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_each_risk_keeps_its_assessment_as_its_first_version(tmp_path):
    """The revision that keeps assessments as versions copies each risk's current one."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite3'}")
    rows = {
        "user": "(id, email, name, password_hash, role, locale, session_epoch, active, "
        "created_at) VALUES (1, 'a@test.example', 'A', 'x', 'staff', 'fi', 0, 1, '2020-01-01')",
        "programme": "(id, name, description, start_year, end_year, created_at) "
        "VALUES (1, 'P', '', 2020, 2021, '2020-01-01')",
        "proposal": "(id, programme_id, owner_id, title, status, version, created_at, "
        "updated_at) VALUES (1, 1, 1, 'Robot', 'pilot', 1, '2020-01-01', '2020-01-01')",
        "experiment": "(id, proposal_id, allocated_budget, start_date, planned_end_date, "
        "owner_id, city_unit, created_at) "
        "VALUES (1, 1, 100, '2020-03-01', '2020-09-01', 1, '', '2020-01-01')",
        "risk": "(id, experiment_id, description, probability, impact, mitigation, owner, "
        "status, created_at, language) "
        "VALUES (7, 1, 'Snow', 3, 2, 'Ploughs', '', 'red', '2020-03-02 10:00:00', 'sv')",
        "programme_risk": "(id, programme_id, description, probability, impact, mitigation, "
        "owner, status, created_at, updated_at) VALUES (4, 1, 'Cuts', 2, 4, '', '', "
        "'green', '2020-01-02 10:00:00', '2020-05-06 10:00:00')",
    }
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="a3d1e5f7c902")
            with db.engine.begin() as connection:
                for table, values in rows.items():
                    connection.execute(text(f'INSERT INTO "{table}" {values}'))
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                versions = connection.execute(
                    text(
                        "SELECT risk_id, programme_risk_id, probability, impact, mitigation, "
                        "status, assessed_by_id, assessed_at, language FROM risk_assessment "
                        "ORDER BY id"
                    )
                ).all()
            assert [tuple(row) for row in versions] == [
                (7, None, 3, 2, "Ploughs", "red", None, "2020-03-02 10:00:00", "sv"),
                (None, 4, 2, 4, "", "green", None, "2020-05-06 10:00:00", "fi"),
            ]
        finally:
            db.session.remove()
            db.engine.dispose()
