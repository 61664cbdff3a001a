"""Backups as the README tells them: a copy restored into an empty database holds every row.

SQLite: Python's online backup API (what `sqlite3 … ".backup …"` does) while the app has the
database open. PostgreSQL: pg_dump and pg_restore into a new database on the same server.
"""

import glob
import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, StatusChange
from tests import builders
from tests.conftest import TEST_DATABASE_URL

ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def _fill(app) -> None:
    """Proposals in several states, and history made by moves through the pages."""
    with app.app_context():
        builders.make_user(Role.STAFF, email="staff@test.example")
        applicant = builders.make_user(email="applicant@test.example")
        programme = builders.make_programme()
        submitted = [
            builders.make_proposal(applicant, programme, status=Status.SUBMITTED) for _ in range(3)
        ]
        builders.make_proposal(applicant, programme)
        builders.make_proposal(applicant, programme, status=Status.PILOT)
    client = app.test_client()
    client.post("/login", data={"email": "staff@test.example", "password": builders.PASSWORD})
    for proposal in submitted[:2]:
        response = client.post(
            f"/proposals/{proposal}/moves/screening",
            data={"screening-to": "screening", "screening-version": "1"},
        )
        assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Proposal)) == 5
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 2


def _contents(app) -> dict[str, list[tuple]]:
    """Every table's rows, in primary key order."""
    with app.app_context():
        with db.engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in db.metadata.sorted_tables
            }


def _assert_same(original: dict, restored: dict) -> None:
    assert restored.keys() == original.keys()
    for table, rows in original.items():
        assert restored[table] == rows, table
    assert len(restored["proposal"]) == 5
    assert len(restored["status_change"]) == 2


def _closed(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_source(tmp_path):
    path = tmp_path / "kokeilu.sqlite3"
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
        MAIL_FILE_PATH=str(tmp_path / "outbox"),
    )
    with app.app_context():
        db.create_all()
    _fill(app)
    yield app, path
    _closed(app)


def test_a_sqlite_online_backup_restores_every_proposal_and_history_entry(sqlite_source, tmp_path):
    import sqlite3

    app, path = sqlite_source
    original = _contents(app)
    copy = tmp_path / "backup.sqlite3"
    with app.app_context(), db.engine.connect():  # the app has the database open meanwhile
        source, target = sqlite3.connect(path), sqlite3.connect(copy)
        with target:
            source.backup(target)
        source.close()
        target.close()
    restored_path = tmp_path / "restored.sqlite3"
    shutil.copyfile(copy, restored_path)  # restoring: the copy becomes the database file
    restored = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{restored_path}")
    try:
        _assert_same(original, _contents(restored))
    finally:
        _closed(restored)


def _postgres_tool(name: str) -> str:
    """The tool of the newest installed PostgreSQL (as scripts/with-postgres.sh picks it)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major)
    if os.environ.get("PG_BIN"):
        found.append(os.path.join(os.environ["PG_BIN"], name))
    path = found[-1] if found else shutil.which(name)
    if not path or not os.access(path, os.X_OK):
        pytest.fail(f"{name} is needed to test backups on PostgreSQL and was not found")
    return path


def _major(path: str) -> int:
    version = path.split("/")[4]
    return int(version) if version.isdigit() else 0


@pytest.fixture
def empty_postgres_database():
    """A new, empty database on the test server; its URL. Dropped afterwards."""
    url = make_url(TEST_DATABASE_URL)
    name = f"kokeilu_restore_{uuid.uuid4().hex[:12]}"
    server = url.set(drivername="postgresql", database="postgres")
    dsn = server.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url) -> tuple[list[str], dict[str, str]]:
    """Connection options for the command-line tools; the password in the environment."""
    arguments = ["--host", url.host, "--port", str(url.port), "--username", url.username]
    return arguments, os.environ | {"PGPASSWORD": url.password or ""}


@pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_pg_dump_and_pg_restore_bring_back_every_proposal_and_history_entry(
    app, empty_postgres_database, tmp_path
):
    _fill(app)
    original = _contents(app)
    source = make_url(TEST_DATABASE_URL)
    dump = tmp_path / "kokeilu.dump"
    arguments, environment = _libpq(source)
    subprocess.run(
        [_postgres_tool("pg_dump"), *arguments, "--format=custom", "--file", str(dump)]
        + ["--dbname", source.database],
        env=environment,
        check=True,
        timeout=120,
    )
    target = empty_postgres_database
    subprocess.run(
        [_postgres_tool("pg_restore"), *arguments, "--no-owner", "--exit-on-error"]
        + ["--dbname", target.database, str(dump)],
        env=environment,
        check=True,
        timeout=120,
    )
    restored = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=target.render_as_string(hide_password=False)
    )
    try:
        _assert_same(original, _contents(restored))
    finally:
        _closed(restored)
