"""Operations: liveness, readiness, a database outage and its recovery, metrics, request ids
and the JSON log."""

import io
import json
import logging
import sqlite3

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from experiments import create_app
from experiments.extensions import db, migrate
from experiments.lifecycle import Role, Status
from experiments.request_log import json_handler
from tests import builders
from tests.conftest import TEST_DATABASE_URL
from tests.servers import fetch, gunicorn
from tests.tcp_proxy import TcpProxy

UNAVAILABLE_EN = "The service is temporarily unavailable."
UNAVAILABLE_FI = "Palvelu ei ole tilapäisesti käytettävissä."


def _stamp_head(app) -> None:
    with app.app_context():
        stamp()


def _drop_alembic_version(app) -> None:
    # The suite empties the models' tables between tests; this one is not among them.
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def migrated(app):
    """The test database, stamped as at the newest migration (the tables are the models')."""
    _stamp_head(app)
    yield app
    _drop_alembic_version(app)


def test_healthz_answers_without_the_database(app, client):
    statements = []
    with app.app_context():
        engine = db.engine

    def seen(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert statements == []


def test_healthz_answers_a_staff_member_owing_a_code(make_app):
    app = make_app(REQUIRE_TOTP=True)
    with app.app_context():
        builders.make_user(Role.STAFF, email="staff@test.example")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"  # signed in by password, the code not yet given
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_at_the_newest_migration(migrated):
    response = migrated.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_unavailable_before_any_migration(app, client):
    _drop_alembic_version(app)  # whatever an earlier test left on a server database
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "reason": "schema not migrated"}


def test_readyz_is_unavailable_when_the_schema_is_behind(migrated):
    with migrated.app_context():
        scripts = ScriptDirectory.from_config(
            migrate.get_config(migrated.extensions["migrate"].directory)
        )
        head = scripts.get_revision(scripts.get_current_head())
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :older"),
                {"older": head.down_revision},
            )
    response = migrated.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "reason": "schema not at the latest migration",
    }


class ConnectSwitch:
    """Lets an engine's new connections fail as if the database had gone away."""

    def __init__(self, engine):
        self.engine = engine
        self.down = False
        event.listen(engine, "do_connect", self._connect)

    def _connect(self, dialect, record, cargs, cparams):
        if self.down:
            raise sqlite3.OperationalError("unable to open database file")
        return None

    def stop(self):
        self.down = True
        self.engine.pool.dispose()  # the connections it had are gone with it

    def start(self):
        self.down = False  # nothing else: the app must find the database again by itself


@pytest.fixture
def sqlite_file_app(tmp_path):
    """The app on a SQLite file with a pool of real connections, stamped at the newest
    migration, with a programme in it."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'outage.sqlite3'}",
        MAIL_FILE_PATH=str(tmp_path / "outbox"),
    )
    with app.app_context():
        db.create_all()
        stamp()
        builders.make_programme()
        switch = ConnectSwitch(db.engine)
    yield app, switch
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _assert_down(client, language_page=True):
    assert client.get("/healthz").status_code == 200  # alive, only not ready
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "reason": "database unreachable"}
    page = client.get("/experiments?lang=en")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert UNAVAILABLE_EN in page.get_data(as_text=True)
    if language_page:
        finnish = client.get("/experiments?lang=fi")
        assert finnish.status_code == 503
        assert UNAVAILABLE_FI in finnish.get_data(as_text=True)
    api = client.get("/api/v1/programmes")
    assert api.status_code == 503
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 503


def _assert_up(client):
    assert client.get("/readyz").get_json() == {"status": "ready"}
    assert client.get("/experiments?lang=en").status_code == 200
    api = client.get("/api/v1/programmes")
    assert api.status_code == 200 and len(api.get_json()) == 1


def test_an_outage_answers_503_and_the_app_recovers_by_itself_sqlite(sqlite_file_app):
    app, switch = sqlite_file_app
    client = app.test_client()
    _assert_up(client)
    switch.stop()
    before = _samples(client.get("/metrics"))  # answered without the database
    _assert_down(client)
    after = _samples(client.get("/metrics"))
    switch.start()
    _assert_up(client)
    outages = ("kokeilu_database_unavailable_total", ())
    assert after[outages] - before[outages] == 3  # two pages and the API; not readiness


@pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL (PostgreSQL)"
)
def test_readiness_follows_the_postgresql_server_going_away_and_back(migrated):
    """The server is reached through a loopback relay that is cut off (refusing new
    connections and dropping the open ones, as a stopped server does) and then restored."""
    with migrated.app_context():
        builders.make_programme()
        url = db.engine.url
    with TcpProxy(url.host, url.port) as relay:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=relay.port).render_as_string(
                hide_password=False
            ),
        )
        client = app.test_client()
        try:
            _assert_up(client)
            relay.stop()
            _assert_down(client)
            _assert_down(client, language_page=False)  # and stays down, promptly
            relay.start()
            _assert_up(client)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def _requests(samples, endpoint, status="200") -> float:
    labels = (("endpoint", endpoint), ("method", "GET"), ("status", status))
    return samples.get(("kokeilu_http_requests_total", labels), 0.0)


def test_metrics_count_requests_by_endpoint_status_and_latency(app, client):
    before = _samples(client.get("/metrics"))
    for _ in range(3):
        client.get("/healthz")
    client.get("/no/such/page")
    after = _samples(client.get("/metrics"))
    assert _requests(after, "operations.healthz") - _requests(before, "operations.healthz") == 3
    assert _requests(after, "unmatched", "404") - _requests(before, "unmatched", "404") == 1
    count = (
        "kokeilu_http_request_duration_seconds_count",
        (("endpoint", "operations.healthz"), ("method", "GET")),
    )
    assert after[count] - before.get(count, 0.0) == 3
    assert ("kokeilu_db_pool_connections_in_use", ()) in after
    assert ("kokeilu_db_pool_connections", ()) in after


def test_metrics_are_hidden_from_other_hosts_and_forwarded_requests(make_app):
    app = make_app(METRICS_TOKEN="scrape-0123456789", PROXY_FIX=1)
    client = app.test_client()
    remote = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get("/metrics", environ_base=remote).status_code == 404
    # A forwarded header claiming loopback is not the socket's peer.
    forged = {"X-Forwarded-For": "127.0.0.1"}
    assert client.get("/metrics", environ_base=remote, headers=forged).status_code == 404
    # Through a proxy on this very host: the peer is loopback, but the request is not local.
    proxied = {"X-Forwarded-For": "198.51.100.4"}
    assert client.get("/metrics", headers=proxied).status_code == 404
    wrong = {"Authorization": "Bearer scrape-wrong"}
    assert client.get("/metrics", environ_base=remote, headers=wrong).status_code == 404
    right = {"Authorization": "Bearer scrape-0123456789"}
    assert client.get("/metrics", environ_base=remote, headers=right).status_code == 200
    assert client.get("/metrics").status_code == 200  # this host itself


def test_metrics_without_a_token_configured_refuse_any_bearer(app, client):
    remote = {"REMOTE_ADDR": "192.0.2.7"}
    response = client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer "})
    assert response.status_code == 404


def test_each_response_carries_a_generated_request_id(client):
    first = client.get("/healthz", headers={"X-Request-ID": "from-the-client-1"})
    second = client.get("/healthz")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert ids[0] != "from-the-client-1"  # no proxy is trusted: the client's id is not
    assert ids[0] != ids[1]
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in ids)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("3f2b8c1e-proxy.id:42", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ('x", "level": "CRITICAL', False),
        ("spaces are not ids", False),
        ("", False),
    ],
)
def test_a_trusted_proxys_request_id_is_kept_when_well_formed(make_app, given, kept):
    client = make_app(PROXY_FIX=1).test_client()
    answered = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert (answered == given) is kept
    if not kept:
        assert len(answered) == 32


@pytest.fixture
def json_log(make_app):
    """An app that logs JSON lines; the lines it writes."""
    app = make_app(LOG_FORMAT="json", PROXY_FIX=1)
    handler = json_handler()
    assert handler is not None
    lines = io.StringIO()
    previous = handler.setStream(lines)
    yield app, lines
    handler.setStream(previous)
    logging.getLogger().removeHandler(handler)


def test_the_json_log_has_one_object_per_line_with_the_request_id(json_log):
    app, lines = json_log
    with app.app_context():
        applicant = builders.make_user(email="applicant@test.example")
        proposal = builders.make_proposal(
            applicant, builders.make_programme(), status=Status.SUBMITTED
        )
    client = app.test_client()
    response = client.get(
        f"/proposals/{proposal}?token=secret-in-query", headers={"X-Request-ID": "edge-7"}
    )
    assert response.headers["X-Request-ID"] == "edge-7"
    entries = [json.loads(line) for line in lines.getvalue().splitlines()]
    request = [e for e in entries if e["message"] == "request" and e.get("request_id") == "edge-7"]
    assert len(request) == 1
    assert request[0]["level"] == "INFO"
    assert request[0]["route"] == "/proposals/<id:proposal_id>"
    assert request[0]["status"] == response.status_code
    assert "secret-in-query" not in lines.getvalue()


def test_an_error_logged_during_a_request_carries_its_id(json_log):
    app, lines = json_log
    with app.app_context():
        engine = db.engine

    def fail(conn, cursor, statement, parameters, *args):
        raise OperationalError(statement, parameters, Exception("server closed the connection"))

    event.listen(engine, "before_cursor_execute", fail)
    try:
        response = app.test_client().get("/experiments", headers={"X-Request-ID": "edge-8"})
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert response.status_code == 503
    entries = [json.loads(line) for line in lines.getvalue().splitlines()]
    errors = [e for e in entries if e["level"] == "ERROR" and e.get("request_id") == "edge-8"]
    assert errors and errors[0]["message"] == "database unavailable"


def _scrape(port: int) -> dict[tuple[str, tuple], float]:
    status, body = fetch(port, "/metrics")
    assert status == 200, body
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def test_metrics_add_up_every_gunicorn_worker(tmp_path):
    """Two workers, PROMETHEUS_MULTIPROC_DIR: a scrape counts the requests of both."""
    folder = tmp_path / "metrics"
    environment = {
        "KOKEILU_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        "SECRET_KEY": "metrics-test-0123456789abcdef",
        "MAIL_BACKEND": "locmem",
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    with gunicorn(environment, tmp_path / "gunicorn.log", workers=2) as port:
        before = _scrape(port)
        sent = 40
        for _ in range(sent):
            status, _ = fetch(port, "/healthz")  # a new connection each: any worker takes it
            assert status == 200
        after = _scrape(port)
    healthz = "operations.healthz"
    assert _requests(after, healthz) - _requests(before, healthz) == sent
    workers = {path.name.rsplit("_", 1)[-1] for path in folder.glob("counter_*.db")}
    assert len(workers) == 2, workers  # both workers served, and both were counted
