"""The development outbox shows the e-mail the app wrote to files, to admins only; nowhere else."""

import re
from pathlib import Path

import pytest

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Role
from experiments.models import Proposal, User
from experiments.services.workflow import change_status
from tests import builders
from tests.conftest import TEST_DATABASE_URL, Auth, _close, _fresh_database


@pytest.fixture
def development(make_app, tmp_path):
    """An app that writes its mail to files (as development does), with one user per role."""
    app = make_app(MAIL_BACKEND="file", MAIL_FILE_PATH=str(tmp_path / "files"))
    with app.app_context():
        for role in Role:
            builders.make_user(role, email=f"{role.value}@test.example", name=role.value.title())
    return app


def test_admins_read_the_mail_written_to_files(development):
    with development.app_context():
        programme = builders.make_programme()
        owner = builders.make_user("applicant", email="åsa@test.example", name="Åsa Öberg")
        proposal_id = builders.make_proposal(
            owner, programme, status="submitted", title="Ääniopas museoon"
        )
        proposal = db.session.get(Proposal, proposal_id)
        staff = db.session.scalar(db.select(User).filter_by(role=Role.STAFF))
        change_status(proposal, "screening", staff, proposal.version)
    client = development.test_client()
    Auth(client).login("admin")
    page = client.get("/dev/outbox")
    assert page.status_code == 200
    assert re.search(r"<h1>\s*Development outbox\s*</h1>", page.text)
    assert "Ääniopas museoon" in page.text
    assert "Åsa Öberg" in page.text


@pytest.mark.parametrize("who", [None, "applicant", "staff", "manager"])
def test_nobody_else_reads_a_password_reset_link_there(development, who):
    client = development.test_client()
    client.post("/password/forgot", data={"email": "admin@test.example"})
    assert "/password/reset/" in _written_mail(development)  # the link is in the outbox files
    if who:
        Auth(client).login(who)
    page = client.get("/dev/outbox")
    assert page.status_code == (403 if who else 302)
    if not who:
        assert page.headers["Location"].startswith("/login")
    assert "/password/reset/" not in page.text


def _written_mail(app) -> str:
    """Everything the file backend wrote."""
    return "".join(p.read_text() for p in Path(app.config["MAIL_FILE_PATH"]).iterdir())


def test_no_outbox_page_where_mail_is_sent(client, auth):
    auth.login("admin")
    assert client.get("/dev/outbox").status_code == 404


def test_no_outbox_page_in_production_even_with_mail_in_files(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", TEST_DATABASE_URL)
    monkeypatch.setenv("SECRET_KEY", "a-test-secret-that-is-long-enough-0123456789")
    monkeypatch.setenv("MAIL_BACKEND", "file")
    app = create_app("production", MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        _fresh_database(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        assert app.test_client().get("/dev/outbox", base_url="https://localhost").status_code == 404
    finally:
        _close(app)
