"""A gunicorn worker killed with SIGKILL in the middle of requests loses no answered write.

Two workers, as in production, on the test database (a SQLite file, or TEST_DATABASE_URL's
PostgreSQL: both lock across processes). Clients keep creating drafts through the JSON API
while one worker is killed outright: it cleans nothing up, so only the database's own
transactions stand between a half-done request and half-written rows. Afterwards every
draft answered 201 is stored, each stored draft is whole (its city centres, its goals, its
organisation and their audit entries), and the master has replaced the worker.
"""

import http.client
import itertools
import json
import os
import signal
import sys
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.models import AuditEntry, Call, Proposal, ProposalCentre, ProposalSdg, User
from experiments.models.types import utcnow
from experiments.services.tokens import issue_token_for
from tests import builders
from tests.servers import children, fetch, gunicorn_master

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers in /proc"),
]

CLIENTS = 6
KILL_TRIES = 5
WAIT_SECONDS = 30  # for a worker to come up, or for answers to arrive (a busy machine)
DRAFT = {
    "summary": "A robot clears pavements.",
    "need": "Pavements ice over.",
    "proposer_type": "company",
    "organisation": {"name": "Robotics Oy", "business_id": "1572860-0"},
    "service_area": "mobility",
    "city_centres": ["tapiola", "leppavaara"],
    "sdgs": [11, 9],
    "requested_budget": "15000.50",
    "planned_duration_months": 6,
}


def _post_draft(port: int, token: str, title: str) -> tuple[int | None, dict]:
    """The answer's status and body; None when the connection broke before an answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/api/v1/proposals",
            body=json.dumps(DRAFT | {"title": title}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    except (OSError, http.client.HTTPException):
        return None, {}
    finally:
        connection.close()


class Load:
    """Clients posting drafts until stopped; what each request got, by title."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.answered: dict[str, int] = {}  # title → id of a 2xx answer
        self.refused: dict[str, int] = {}  # title → status of any other answer
        self.lost: set[str] = set()  # no answer: the connection broke
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client) for _ in range(CLIENTS)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    def _client(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                title = f"Worker kill draft {next(self._numbers)}"
            status, body = _post_draft(self.port, self.token, title)
            with self._lock:
                if status is None:
                    self.lost.add(title)
                elif 200 <= status < 300:
                    self.answered[title] = body["id"]
                else:
                    self.refused[title] = status

    def wait_for_answers(self, count: int) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while len(self.answered) < count:
            assert time.monotonic() < deadline, f"{len(self.answered)} of {count} answers"
            time.sleep(0.05)

    def lost_since(self, count: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.lost) > count:
                return True
            time.sleep(0.05)
        return False


def _workers(master: int, count: int, without: set[int] = frozenset()) -> set[int]:
    """The master's workers, once it has count of them and none of those without."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        found = children(master)
        if len(found) == count and not found & without:
            return found
        assert time.monotonic() < deadline, f"workers {found}, killed {without}"
        time.sleep(0.1)


def _kill_mid_request(master: int, load: Load) -> set[int]:
    """SIGKILL a worker until a kill breaks a request in flight; the pids killed."""
    killed: set[int] = set()
    for _ in range(KILL_TRIES):
        victim = min(_workers(master, 2, killed))
        lost = len(load.lost)
        os.kill(victim, signal.SIGKILL)
        killed.add(victim)
        if load.lost_since(lost, seconds=1.0):
            return killed
    pytest.fail(f"{KILL_TRIES} kills and not one request in flight")


@pytest.fixture
def applicant_token(concurrent_app):
    """An applicant's API token, and one open call.

    The server runs on the wall clock, not the tests' frozen one: the call and the token
    hold on either day.
    """
    with concurrent_app.app_context():
        applicant = builders.make_user(email="applicant@test.example")
        programme = builders.make_programme()
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        call.opens_on, call.closes_on = date(2000, 1, 1), date(2099, 12, 31)
        builders.commit()
        raw, token = issue_token_for(db.session.get(User, applicant))
        token.expires_at = utcnow() + timedelta(days=3 * 366)
        builders.commit()
    return raw


def test_a_killed_worker_loses_no_answered_write(concurrent_app, applicant_token, tmp_path):
    environment = {
        "KOKEILU_CONFIG": "production",
        "DATABASE_URL": concurrent_app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "worker-kill-test-0123456789abcdef",
        "REQUIRE_TOTP": "0",
        "MAIL_BACKEND": "locmem",
    }
    log = tmp_path / "gunicorn.log"
    with gunicorn_master(environment, log, workers=2) as (port, master):
        with Load(port, applicant_token) as load:
            load.wait_for_answers(20)
            killed = _kill_mid_request(master.pid, load)
            replaced = _workers(master.pid, 2, killed)
            load.wait_for_answers(len(load.answered) + 20)
        # The master lives on with two workers, none of them killed, and the app answers.
        assert master.poll() is None
        assert children(master.pid) == replaced
        assert fetch(port, "/healthz")[0] == 200
        status, body = _post_draft(port, applicant_token, "After the kill")
        assert status == 201, body
        load.answered["After the kill"] = body["id"]
    assert not load.refused, (load.refused, log.read_text(errors="replace")[-5000:])

    with concurrent_app.app_context():
        stored = {p.title: p for p in db.session.scalars(select(Proposal))}
        entries = db.session.execute(
            select(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.changes).where(
                AuditEntry.action == "created"
            )
        ).all()
        centres = dict(
            db.session.execute(
                select(ProposalCentre.proposal_id, func.count()).group_by(
                    ProposalCentre.proposal_id
                )
            ).all()
        )
        goals = dict(
            db.session.execute(
                select(ProposalSdg.proposal_id, func.count()).group_by(ProposalSdg.proposal_id)
            ).all()
        )
    created = {(kind, number): changes for kind, number, changes in entries}

    # Every answered write is there, as answered.
    assert {title: stored[title].id for title in load.answered if title in stored} == (
        load.answered
    )
    # Nothing else: a stored draft was answered, or its request lost on the way back.
    assert set(stored) <= set(load.answered) | load.lost
    # Nothing half-written: each draft whole, with the audit entries of all its rows.
    for title, proposal in stored.items():
        assert created[("proposal", proposal.id)]["title"] == [None, title]
        assert ("organisation", proposal.organisation_id) in created, title
        assert (centres.get(proposal.id), goals.get(proposal.id)) == (2, 2), title
    # And no audit entry of a draft that is not there.
    proposals = {number for kind, number in created if kind == "proposal"}
    assert proposals == {proposal.id for proposal in stored.values()}
