"""Fixtures as in Flask's tutorial: a fresh database per test, a client, a login helper.

Set TEST_DATABASE_URL to run the same suite on PostgreSQL.
"""

import os

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Role
from experiments.models.statistics_generation import StatisticsGeneration, first_generation
from tests import builders, statistics_guard  # noqa: F401 (its listeners watch every test)
from tests.clock import frozen_now

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "sqlite://")
TEST_NOW = frozen_now()


_session_clock = time_machine.travel(TEST_NOW, tick=True)


def pytest_configure(config):
    # From the start, so that what test modules compute at import (this year, say) and the
    # session fixtures (the browser suite's seed and server) see the tests' day too.
    _session_clock.start()


def pytest_unconfigure(config):
    _session_clock.stop()


def pytest_report_header(config):
    return f"clock: every test starts at {TEST_NOW.isoformat()} (KOKEILU_TEST_TODAY)"


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """Each test starts at the same moment, whatever the date; the clock then ticks.

    Browser tests keep the session's ticking clock instead: their signed-in browsers hold
    session cookies signed earlier in the session, and a clock sent back before that
    signature would make the cookies "from the future" and sign everyone out.
    """
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


_schema_ready: set[str] = set()  # server databases whose tables this session has created


def _fresh_database(url: str) -> None:
    """Empty tables for the test: SQLite is rebuilt, a server database truncated (fast)."""
    if url.startswith("sqlite"):
        db.drop_all()
        db.create_all()
        return
    if url not in _schema_ready:
        # Start from nothing once per session, whatever an earlier run left behind.
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        _schema_ready.add(url)
        return
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    try:
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            # As on a fresh database: the generation row, with a token no earlier test's
            # cached statistics were keyed by.
            connection.execute(StatisticsGeneration.__table__.insert().values(**first_generation()))
    except ProgrammingError:  # a test dropped tables: build them again
        db.drop_all()
        db.create_all()


def _make_app(tmp_path, url: str, **overrides):
    settings = {"SQLALCHEMY_DATABASE_URI": url, "MAIL_FILE_PATH": str(tmp_path / "outbox")}
    app = create_app("testing", **(settings | overrides))
    with app.app_context():
        _fresh_database(url)
    return app


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    """The app on a fresh, empty database (in-memory SQLite, or TEST_DATABASE_URL)."""
    app = _make_app(tmp_path, TEST_DATABASE_URL)
    yield app
    _close(app)


@pytest.fixture
def concurrent_app(tmp_path):
    """Like app, but every connection is its own (a SQLite file, or the server database).

    For race tests: threads each get a real connection, so locks and transactions
    interleave as in production. With TEST_DATABASE_URL set, it is the same as app.
    """
    url = TEST_DATABASE_URL
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    app = _make_app(tmp_path, url)
    yield app
    _close(app)


@pytest.fixture
def make_app(tmp_path):
    """Build the app with other settings (e.g. RATELIMIT_ENABLED=True) on a fresh database.

    Call it once per test; the database is emptied as for app, and closed afterwards.
    """
    made = []

    def make(**overrides):
        made.append(_make_app(tmp_path, TEST_DATABASE_URL, **overrides))
        return made[-1]

    yield make
    for app in made:
        _close(app)


@pytest.fixture
def client(app):
    """A browser that states no language: it reads the tests' default, English (config.py).

    A test about language asks for one as a browser does (Accept-Language, ?lang=); tests of
    the shipped Finnish default use the finnish_app fixture.
    """
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that use the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def people(app):
    """One user per role, plus a second applicant; maps name → (id, email)."""
    with app.app_context():
        made = {}
        for name, role in (
            ("applicant", Role.APPLICANT),
            ("other", Role.APPLICANT),
            ("staff", Role.STAFF),
            ("manager", Role.MANAGER),
            ("admin", Role.ADMIN),
        ):
            email = f"{name}@test.example"
            made[name] = builders.make_user(role, email=email, name=name.title())
        return made


@pytest.fixture
def programme(app):
    with app.app_context():
        return builders.make_programme()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, who: str, password: str = builders.PASSWORD):
        return self.client.post(
            "/login", data={"email": f"{who}@test.example", "password": password}
        )

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, people):
    return Auth(client)


@pytest.fixture
def outbox(app):
    """The messages the app sends during the test (Flask-Mailman's locmem backend)."""
    state = app.extensions["mailman"]
    state.outbox = []
    return state.outbox


class ApiClient:
    """The JSON API through the test client, with a bearer token per person."""

    def __init__(self, client, people):
        self.client = client
        self.people = people
        self.tokens: dict[str, str] = {}

    def token(self, who: str) -> str:
        """A token for one of the people (issued directly: the password check is slow)."""
        if who not in self.tokens:
            from experiments.models import User
            from experiments.services.tokens import issue_token_for

            with self.client.application.app_context():
                user = db.session.get(User, self.people[who])
                self.tokens[who] = issue_token_for(user)[0]
        return self.tokens[who]

    def request(self, method: str, path: str, who: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def get(self, path, who=None, **kwargs):
        return self.request("GET", path, who, **kwargs)

    def post(self, path, who=None, **kwargs):
        return self.request("POST", path, who, **kwargs)

    def patch(self, path, who=None, **kwargs):
        return self.request("PATCH", path, who, **kwargs)

    def put(self, path, who=None, **kwargs):
        return self.request("PUT", path, who, **kwargs)

    def delete(self, path, who=None, **kwargs):
        return self.request("DELETE", path, who, **kwargs)


@pytest.fixture
def api(client, people):
    """Call /api/v1 as a person: api.get("/me", "staff")."""
    return ApiClient(client, people)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The .mo files as `make translations` writes them, so a plain `pytest` sees the .po."""
    from tests.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def english_speaking_operator(monkeypatch):
    """`flask …` commands speak English in the tests, whatever the machine's locale.

    The CLI follows LC_ALL, LC_MESSAGES and LANG; tests of its language set their own.
    """
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
