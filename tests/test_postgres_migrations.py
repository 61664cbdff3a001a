"""The migrations build the models' schema on an empty database, PostgreSQL included."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from experiments import create_app
from experiments.extensions import db
from experiments.search import include_name
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(tmp_path):
    """A URL of a database with nothing in it: a new SQLite file, or a new PG database."""
    if TEST_DATABASE_URL.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    server = make_url(TEST_DATABASE_URL)
    name = f"kokeilu_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _differences(app) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return compare_metadata(context, db.metadata)


def test_migrations_build_the_models_schema(empty_database_url, tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        MAIL_FILE_PATH=str(tmp_path / "outbox"),
    )
    with app.app_context():
        upgrade()
        assert _differences(app) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "proposal", "status_change", "alembic_version"} <= tables

        # Down to nothing and up again: every revision is reversible on this backend.
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _differences(app) == []
        db.engine.dispose()


def test_upgrading_encrypts_the_stored_totp_secrets_and_downgrading_decrypts(
    empty_database_url, tmp_path
):
    from experiments.secrets_at_rest import unseal

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        MAIL_FILE_PATH=str(tmp_path / "outbox"),
    )
    clear = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    insert = text(
        'INSERT INTO "user" (email, name, password_hash, role, locale, session_epoch, '
        "active, created_at, totp_secret) VALUES (:email, 'X', 'h', 'staff', 'fi', 0, "
        "true, CURRENT_TIMESTAMP, :secret)"
    )
    stored = text('SELECT email, totp_secret FROM "user" ORDER BY email')
    with app.app_context():
        upgrade(revision="eeef8725691d")  # the last revision with secrets in clear
        with db.engine.begin() as connection:
            connection.execute(insert, {"email": "a@test.example", "secret": clear})
            connection.execute(insert, {"email": "b@test.example", "secret": None})
        upgrade(revision="79219ae6af18")
        with db.engine.connect() as connection:
            rows = dict(connection.execute(stored).all())
        assert rows["a@test.example"].startswith("gAAAA") and rows["b@test.example"] is None
        assert unseal(rows["a@test.example"]) == clear

        downgrade(revision="eeef8725691d")
        with db.engine.connect() as connection:
            assert dict(connection.execute(stored).all()) == {
                "a@test.example": clear,
                "b@test.example": None,
            }
        db.engine.dispose()
