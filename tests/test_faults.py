"""Faults: a database that fails or is gone, and a mail server that is down."""

import socket

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import MailMessage, Proposal, StatusChange, User
from tests import builders


def _closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assert_clean_503(response, problem=False):
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "OperationalError" not in body
    assert "sqlalchemy" not in body.lower() and "psycopg" not in body.lower()
    if problem:
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 503
    else:
        assert response.mimetype == "text/html"
        assert "<h1" in body


@pytest.fixture
def failing_inserts(app):
    """Make the database fail when history is written, after the proposal row was updated:
    the server going away in the middle of a move's transaction."""

    def fail(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO STATUS_CHANGE"):
            raise OperationalError(
                statement, parameters, Exception("server closed the connection unexpectedly")
            )

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail)
    yield
    event.remove(engine, "before_cursor_execute", fail)


def test_a_database_failure_mid_move_is_a_clean_503_and_writes_nothing(
    app, client, auth, people, programme, outbox, failing_inserts
):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED
        )
    auth.login("staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    _assert_clean_503(response)
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == Status.SUBMITTED and proposal.version == 1
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0
    assert outbox == []


@pytest.fixture
def database_gone(make_app):
    """The app pointed at a database server that is not there (nothing listens)."""
    url = f"postgresql+psycopg://kokeilu:secret@127.0.0.1:{_closed_port()}/kokeilu"
    app = make_app()
    broken = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 3}},
        SECRET_KEY=app.config["SECRET_KEY"],
    )
    yield app, broken
    with broken.app_context():
        db.engine.dispose()


def test_pages_answer_503_when_the_database_is_gone(database_gone):
    _, broken = database_gone
    client = broken.test_client()
    _assert_clean_503(client.get("/"))
    _assert_clean_503(client.get("/experiments"))
    _assert_clean_503(
        client.post("/login", data={"email": "a@test.example", "password": "whatever it is"})
    )


def test_the_api_answers_problem_json_when_the_database_is_gone(database_gone):
    _, broken = database_gone
    client = broken.test_client()
    _assert_clean_503(client.get("/api/v1/programmes"), problem=True)
    _assert_clean_503(
        client.get("/api/v1/proposals", headers={"Authorization": "Bearer not-a-token"}),
        problem=True,
    )


def test_a_signed_in_user_gets_a_clean_503_too(database_gone):
    app, broken = database_gone
    with app.app_context():
        builders.make_user(email="applicant@test.example")
    client = app.test_client()
    client.post("/login", data={"email": "applicant@test.example", "password": builders.PASSWORD})
    cookie = client.get_cookie("session").value
    gone = broken.test_client()
    gone.set_cookie("session", cookie)  # the same signed session, another server
    _assert_clean_503(gone.get("/proposals/mine"))
    _assert_clean_503(gone.get("/"))


@pytest.fixture
def mail_down(make_app):
    """Real SMTP to a loopback port where nothing listens."""
    app = make_app(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_TIMEOUT=3
    )
    with app.app_context():
        people = {
            who: builders.make_user(role, email=f"{who}@test.example", name=who.title())
            for who, role in (("applicant", "applicant"), ("staff", "staff"))
        }
        programme = builders.make_programme()
        people["proposal"] = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED
        )
    return app, people


def test_a_move_succeeds_when_the_mail_server_is_down(mail_down, caplog):
    app, ids = mail_down
    client = app.test_client()
    client.post("/login", data={"email": "staff@test.example", "password": builders.PASSWORD})
    response = client.post(
        f"/proposals/{ids['proposal']}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, ids["proposal"]).status == Status.SCREENING
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 1
        kept = db.session.scalars(select(MailMessage)).one()  # kept, to be tried again
        assert kept.status == "pending" and kept.recipient == "applicant@test.example"
    assert "could not deliver mail" in caplog.text  # the failure is logged for the operators


def test_account_mail_failing_does_not_break_the_pages(mail_down):
    app, _ = mail_down
    client = app.test_client()
    password = "river otter violin"
    response = client.post(
        "/register",
        data={
            "name": "Nea",
            "email": "nea@test.example",
            "password": password,
            "confirm": password,
            "proposer_type": "resident",
            "locale": "fi",
        },
    )
    assert response.status_code == 200
    assert (
        client.post("/password/forgot", data={"email": "applicant@test.example"}).status_code == 200
    )
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nea@test.example"))
