"""Fixtures as in Flask's tutorial: a fresh database per test, a client, a login helper.

Set TEST_DATABASE_URL to run the same suite on PostgreSQL.
"""

import os

import pytest

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Role
from tests import builders


@pytest.fixture
def app(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=os.environ.get("TEST_DATABASE_URL", "sqlite://"),
        MAIL_FILE_PATH=str(tmp_path / "outbox"),
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
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
        for name, role in (("applicant", Role.APPLICANT), ("other", Role.APPLICANT),
                           ("staff", Role.STAFF), ("manager", Role.MANAGER),
                           ("admin", Role.ADMIN)):
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
