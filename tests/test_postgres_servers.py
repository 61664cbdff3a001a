"""Several app servers on one PostgreSQL: a move made through one is seen through the other.

Two gunicorn processes (two workers each), started as in production, on two loopback ports.
Signing in on one and acting on the other also shows that sessions live in signed cookies,
not in any process's memory. Runs under `make test-postgres` (TEST_DATABASE_URL).
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal
from tests import builders
from tests.conftest import TEST_DATABASE_URL

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL (PostgreSQL)"
)
ROOT = Path(__file__).parent.parent
# Bounded, but generous: a worker imports the app on its first request, slowly on a busy CI.
START_SECONDS = 60
REQUEST_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(port: int, log: Path) -> subprocess.Popen:
    environment = os.environ | {
        "KOKEILU_CONFIG": "production",
        "DATABASE_URL": TEST_DATABASE_URL,
        "SECRET_KEY": "shared-by-every-app-server-0123456789abcdef",
        "REQUIRE_TOTP": "0",
        "MAIL_BACKEND": "locmem",
    }
    with log.open("wb") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                "app:app",
            ],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _wait_until_serving(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on port {port} did not start:\n" + log.read_text(errors="replace"))


@pytest.fixture
def servers(app, tmp_path):
    """Two gunicorn processes on the test database; their ports."""
    started = []
    try:
        for name in ("a", "b"):
            port, log = _free_port(), tmp_path / f"gunicorn-{name}.log"
            started.append((port, _start(port, log), log))
        for port, process, log in started:
            _wait_until_serving(port, process, log)
        yield [port for port, _, _ in started]
    finally:
        for _, process, _ in started:
            process.terminate()
        for _, process, _ in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


class Browser:
    """A minimal client that keeps the session cookie across servers (hosts)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, text


def _hidden_fields(page: str, action: str) -> dict:
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posting to {action}"
    return dict(
        re.findall(
            r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(1)
        )
        + re.findall(
            r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', form.group(1)
        )
    )


def test_a_move_through_one_server_is_seen_through_the_other(app, servers):
    with app.app_context():
        staff = builders.make_user(Role.STAFF, email="staff@test.example")
        applicant = builders.make_user(email="applicant@test.example")
        programme = builders.make_programme()
        proposal = builders.make_proposal(applicant, programme, status=Status.SUBMITTED)
    assert staff
    first, second = servers
    browser = Browser()

    # Sign in through the first server.
    status, _, page = browser.request(first, "GET", "/login?lang=en")
    assert status == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    status, headers, _ = browser.request(
        first,
        "POST",
        "/login?lang=en",
        {"email": "staff@test.example", "password": builders.PASSWORD, "csrf_token": token},
    )
    assert status == 302, headers

    # Move the proposal through the second: the session is honoured there too.
    path = f"/proposals/{proposal}"
    status, _, page = browser.request(second, "GET", path + "?lang=en")
    assert status == 200 and "Submitted" in page
    action = f"{path}/moves/screening"
    form = _hidden_fields(page, action)
    assert form.get("screening-version") == "1"
    status, headers, _ = browser.request(second, "POST", action, form)
    assert status == 303, headers

    # The first server sees the move at once (both read the one database).
    status, _, page = browser.request(first, "GET", path + "?lang=en")
    assert status == 200
    assert "In screening" in page
    assert _hidden_fields(page, f"{path}/moves/rejected").get("rejected-version") == "2"


def test_a_public_page_kept_by_every_worker_is_fresh_after_a_write(app, servers):
    """Each worker of each server keeps the catalogue; a commit made elsewhere (here, by the
    test) replaces the generation, and no worker serves the old page again."""
    with app.app_context():
        applicant = builders.make_user(email="applicant@test.example")
        programme = builders.make_programme()
        proposal = builders.make_proposal(
            applicant, programme, status=Status.ADOPTED, title="Snow robot"
        )
    reader = Browser()
    for port in servers:
        for _ in range(4):  # a sync worker serves one request at a time: both get some
            status, headers, page = reader.request(port, "GET", "/experiments?lang=en")
            assert status == 200 and "Snow robot" in page
            assert headers["ETag"].startswith('W/"')
    with app.app_context():
        db.session.get(Proposal, proposal).title = "Ice robot"
        builders.commit()
    for port in servers:
        for _ in range(4):
            status, _, page = reader.request(port, "GET", "/experiments?lang=en")
            assert status == 200 and "Ice robot" in page and "Snow robot" not in page
