"""Similar proposals and experiments: the staff list and the public one, who may use them,
what the public one never shows, and their quality on the demo data."""

import pytest
import time_machine
from sqlalchemy import select

from experiments.demo.storyline import load_demo
from experiments.demo.texts.twins import twin_titles
from experiments.demo.users import DEMO_USERS
from experiments.extensions import db
from experiments.lifecycle import Role
from experiments.models import Proposal, User
from experiments.services.tokens import issue_token_for
from tests import builders
from tests.conftest import TEST_DATABASE_URL, TEST_NOW, _close, _make_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded once for the module (it takes a while); a staff token."""
    with time_machine.travel(TEST_NOW, tick=True):
        app = _make_app(tmp_path_factory.mktemp("demo"), TEST_DATABASE_URL)
        with app.app_context():
            for email, name, role, _password in DEMO_USERS:
                builders.make_user(role, email=email, name=name)
            load_demo()
            staff = builders.make_user(Role.STAFF, email="similar-staff@test.example")
            token = issue_token_for(db.session.get(User, staff))[0]
            ids = dict(db.session.execute(select(Proposal.title, Proposal.id)).all())
    yield app, token, ids
    _close(app)


@pytest.mark.parametrize("pair", twin_titles(), ids=lambda pair: pair[0][:30])
def test_each_planted_twin_is_the_first_similar(demo, pair):
    app, token, ids = demo
    client = app.test_client()
    for this, other in (pair, pair[::-1]):
        response = client.get(
            f"/api/v1/proposals/{ids[this]}/similar",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.json
        items = response.json["items"]
        assert items[0]["title"] == other, [i["title"] for i in items]
        assert items[0]["id"] == ids[other]
