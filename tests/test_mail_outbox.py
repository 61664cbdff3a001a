"""Mail through the outbox: stored with the change, delivered by `flask mail deliver`, never
lost in a mail server outage, sent once, retried with growing delays, failed for admins."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_mailman.backends.locmem import EmailBackend
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from experiments.errors import StaleVersion
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import MailMessage, Proposal, User
from experiments.models.types import utcnow
from experiments.services import mail_outbox
from experiments.services.transaction import unit_of_work
from experiments.services.workflow import change_status
from tests import builders
from tests.conftest import TEST_DATABASE_URL, Auth

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queued(make_app):
    """An app that only stores mail (as production does); one user per role, a proposal."""
    app = make_app(MAIL_DELIVER_AFTER_COMMIT=False)
    with app.app_context():
        people = {
            role.value: builders.make_user(
                role, email=f"{role.value}@test.example", name=role.value.title()
            )
            for role in Role
        }
        programme = builders.make_programme()
        people["proposal"] = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED, title="Robot library"
        )
    app.extensions["mailman"].outbox = []
    return app, people


@pytest.fixture
def server_down(monkeypatch):
    """The mail server refuses connections until the test calls the returned function."""

    def refuse(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    return SimpleNamespace(back=monkeypatch.undo)


def _deliver(app) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    return result.output


def _rows(app) -> list[MailMessage]:
    with app.app_context():
        rows = db.session.scalars(select(MailMessage).order_by(MailMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def _sent(app) -> list:
    return app.extensions["mailman"].outbox


def _screen(app, people, client=None):
    client = client or app.test_client()
    Auth(client).login("staff")
    response = client.post(
        f"/proposals/{people['proposal']}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    assert response.status_code == 303
    return client


def test_a_request_only_stores_the_mail(queued):
    app, people = queued
    _screen(app, people)
    assert _sent(app) == []  # nothing went to the mail server during the request
    [row] = _rows(app)
    assert row.status == "pending" and row.recipient == "applicant@test.example"
    assert row.subject == "Your proposal “Robot library”: In screening"
    assert "Sent 1, to be retried 0, failed 0." in _deliver(app)
    [mail] = _sent(app)
    assert mail.to == ["applicant@test.example"]
    assert mail.subject == "Your proposal “Robot library”: In screening"
    assert "moved from “Submitted” to “In screening”" in mail.body
    assert _rows(app)[0].status == "sent"


def test_an_outage_loses_nothing_and_each_message_goes_once(queued, server_down, frozen_clock):
    app, people = queued
    _screen(app, people)
    client = app.test_client()
    forgot = client.post("/password/forgot", data={"email": "manager@test.example"})
    assert forgot.status_code == 200
    assert len(_rows(app)) == 2

    assert "Sent 0, to be retried 2, failed 0." in _deliver(app)
    assert _sent(app) == []
    assert [(r.status, r.attempts) for r in _rows(app)] == [("pending", 1)] * 2
    assert all("ConnectionRefusedError" in r.last_error for r in _rows(app))

    server_down.back()  # the messages wait for their next try all the same
    assert "Sent 0," in _deliver(app)
    frozen_clock.shift(61)
    assert "Sent 2, to be retried 0, failed 0." in _deliver(app)
    assert "Sent 0, to be retried 0, failed 0." in _deliver(app)
    frozen_clock.shift(24 * 3600)
    _deliver(app)
    assert sorted(m.to[0] for m in _sent(app)) == ["applicant@test.example", "manager@test.example"]
    assert "/password/reset/" in next(
        m.body for m in _sent(app) if m.to == ["manager@test.example"]
    )
    assert [r.status for r in _rows(app)] == ["sent", "sent"]


def test_retries_wait_longer_each_time_then_the_message_fails_for_the_admins(
    queued, server_down, frozen_clock
):
    app, people = queued
    _screen(app, people)
    waits = []
    for _ in range(5):
        _deliver(app)
        [row] = _rows(app)
        assert row.status == "pending"
        wait = row.next_attempt_at - utcnow()
        waits.append(round(wait.total_seconds() / 60))
        frozen_clock.shift(wait + timedelta(seconds=1))
    assert waits == [1, 5, 30, 120, 720]
    assert "failed 1." in _deliver(app)
    [row] = _rows(app)
    assert row.status == "failed" and row.attempts == 6
    assert row.last_error.startswith("ConnectionRefusedError")
    frozen_clock.shift(timedelta(days=7))
    assert "Sent 0, to be retried 0, failed 0." in _deliver(app)  # failed stays failed
    assert _sent(app) == []

    client = app.test_client()
    Auth(client).login("admin")
    page = client.get("/admin/mail")
    assert page.status_code == 200
    assert "Your proposal “Robot library”: In screening" in page.text
    assert "applicant@test.example" in page.text
    assert "ConnectionRefusedError" in page.text and "Connection refused" in page.text
    assert 'href="/admin/mail"' in client.get("/").text  # the admin's home links to it


@pytest.mark.parametrize("who", [None, "applicant", "staff", "manager"])
def test_only_admins_see_the_outgoing_mail(queued, who):
    app, _ = queued
    client = app.test_client()
    if who:
        Auth(client).login(who)
    page = client.get("/admin/mail")
    assert page.status_code == (403 if who else 302)


def test_a_change_that_rolls_back_leaves_no_mail(queued):
    app, people = queued
    with app.app_context():
        proposal = db.session.get(Proposal, people["proposal"])
        staff = db.session.get(User, people["staff"])
        with pytest.raises(RuntimeError), unit_of_work():
            change_status(proposal, Status.SCREENING, staff, proposal.version)
            raise RuntimeError("the rest of the use case failed")
        assert db.session.get(Proposal, people["proposal"]).status == Status.SUBMITTED
    assert _rows(app) == []
    _deliver(app)
    assert _sent(app) == []


def test_a_stale_move_writes_no_second_mail(queued):
    app, people = queued
    with app.app_context():
        staff = db.session.get(User, people["staff"])
        change_status(db.session.get(Proposal, people["proposal"]), Status.SCREENING, staff, 1)
        with pytest.raises(StaleVersion):
            proposal = db.session.get(Proposal, people["proposal"])
            change_status(proposal, Status.REJECTED, staff, 1, reason="Not a fit.")
    assert len(_rows(app)) == 1


def test_line_breaks_in_a_subject_are_mended_not_dropped(queued):
    app, people = queued
    with app.app_context():
        programme = builders.make_programme()
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.SUBMITTED,
            title="Robots\r\nBcc: everyone@example.com",
        )
        proposal = db.session.get(Proposal, proposal_id)
        change_status(proposal, Status.SCREENING, db.session.get(User, people["staff"]), 1)
    assert "Sent 1," in _deliver(app)
    [mail] = _sent(app)
    assert mail.subject == "Your proposal “Robots Bcc: everyone@example.com”: In screening"
    assert mail.to == ["applicant@test.example"] and not mail.bcc
    with app.app_context():
        headers = mail.message()
    assert headers["Bcc"] is None


def test_the_outbox_mends_any_subject_with_line_breaks(queued):
    app, _ = queued
    with app.app_context():
        mail_outbox.queue("test", "a@test.example", "Hello\r\nBcc: b@test.example\x00", "Body")
    assert _rows(app)[0].subject == "Hello Bcc: b@test.example"
    assert "Sent 1," in _deliver(app)
    assert [(m.subject, m.to, m.bcc) for m in _sent(app)] == [
        ("Hello Bcc: b@test.example", ["a@test.example"], [])
    ]


def test_an_address_with_a_line_break_is_refused_when_written(queued):
    app, _ = queued
    with app.app_context():
        with pytest.raises(ValueError):
            mail_outbox.queue("test", "a@test.example\nBcc: b@test.example", "Hi", "Body")
    assert _rows(app) == []


def test_a_deleted_account_gets_no_pending_mail_and_keeps_no_address(queued):
    app, people = queued
    _screen(app, people)
    client = app.test_client()
    Auth(client).login("applicant")
    deleted = client.post(
        "/account/delete", data={"password": builders.PASSWORD, "understood": "y"}
    )
    assert deleted.status_code == 302
    _deliver(app)
    assert _sent(app) == []
    [row] = _rows(app)
    assert row.status == "cancelled"
    assert "applicant" not in (row.recipient + row.subject + row.body).lower()
    assert "Robot library" not in row.subject + row.body


def test_mail_to_others_still_goes_after_a_deletion(queued):
    app, people = queued
    client = app.test_client()
    client.post("/password/forgot", data={"email": "manager@test.example"})
    Auth(client).login("applicant")
    client.post("/account/delete", data={"password": builders.PASSWORD, "understood": "y"})
    assert "Sent 1," in _deliver(app)
    assert [m.to for m in _sent(app)] == [["manager@test.example"]]


def test_development_delivers_right_after_the_commit(make_app):
    app = make_app()  # the tests' and development's default
    with app.app_context():
        builders.make_user(email="applicant@test.example")
    app.extensions["mailman"].outbox = []
    app.test_client().post("/password/forgot", data={"email": "applicant@test.example"})
    [mail] = app.extensions["mailman"].outbox
    assert mail.subject == "Reset your Kokeilu password"
    assert [r.status for r in _rows(app)] == ["sent"]


def test_two_delivery_processes_at_once_send_each_message_once(concurrent_app):
    app = concurrent_app
    app.config["MAIL_DELIVER_AFTER_COMMIT"] = False
    with app.app_context():
        for n in range(30):
            mail_outbox.queue("test", f"person{n}@test.example", f"Message {n}", "Hello")
    app.extensions["mailman"].outbox = []
    send = EmailBackend.send_messages

    def slow(self, messages):  # a real server takes a moment: the passes overlap
        time.sleep(0.02)
        return send(self, messages)

    barrier = threading.Barrier(2, timeout=30)
    outcomes: list = []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                outcomes.append(mail_outbox.deliver_due().sent)
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            outcomes.append(repr(error))
        finally:
            with app.app_context():
                db.session.remove()

    EmailBackend.send_messages = slow
    try:
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        EmailBackend.send_messages = send
    assert sum(o for o in outcomes if isinstance(o, int)) == 30, outcomes
    subjects = sorted(m.subject for m in app.extensions["mailman"].outbox)
    assert subjects == sorted(f"Message {n}" for n in range(30))
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(MailMessage).where(MailMessage.status == "sent")
            )
            == 30
        )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_the_delivery_loop_stops_cleanly_on_sigterm(tmp_path):
    url = TEST_DATABASE_URL
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'loop.sqlite3'}"
    else:
        pytest.skip("the loop is shown on SQLite; the PostgreSQL test database is shared")
    env = os.environ | {
        "FLASK_APP": "app.py",
        "DATABASE_URL": url,
        "SECRET_KEY": "a-test-secret-that-is-long-enough-0123456789",
        "MAIL_BACKEND": "locmem",
        "LANG": "C",
    }
    env.pop("LC_ALL", None)
    flask = str(ROOT / ".venv" / "bin" / "flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    loop = subprocess.Popen(
        [flask, "mail", "deliver", "--loop", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert loop.stdout is not None
        assert "Delivering mail every 0.2 seconds" in loop.stdout.readline()
        time.sleep(0.5)  # a few rounds
        loop.send_signal(signal.SIGTERM)
        out, err = loop.communicate(timeout=20)
    finally:
        if loop.poll() is None:
            loop.kill()
    assert loop.returncode == 0, err
    assert "Mail delivery stopped." in out


def test_a_message_left_by_a_dead_delivery_process_is_sent_after_its_lease(queued, frozen_clock):
    app, people = queued
    _screen(app, people)
    with app.app_context():
        row = db.session.scalars(select(MailMessage)).one()
        # A process claimed it and died before it could say how the send went.
        row.status, row.claim = "sending", "a-process-that-died"
        row.lease_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
    assert "Sent 0," in _deliver(app)  # still held by the other process
    frozen_clock.shift(timedelta(minutes=11))
    assert "Sent 1," in _deliver(app)
    assert [m.to for m in _sent(app)] == [["applicant@test.example"]]
    assert _rows(app)[0].status == "sent" and _rows(app)[0].claim is None


def test_metrics_show_the_queue_and_the_age_of_its_oldest_message(queued, frozen_clock):
    def samples():
        response = app.test_client().get("/metrics")
        assert response.status_code == 200
        return {
            (s.name, tuple(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for s in family.samples
        }

    app, people = queued
    _screen(app, people)
    frozen_clock.shift(90)
    figures = samples()
    assert figures[("kokeilu_mail_messages", (("status", "pending"),))] == 1
    assert figures[("kokeilu_mail_messages", (("status", "sent"),))] == 0
    assert figures[("kokeilu_mail_oldest_unsent_age_seconds", ())] == pytest.approx(90, abs=1)

    _deliver(app)
    figures = samples()
    assert figures[("kokeilu_mail_messages", (("status", "sent"),))] == 1
    assert figures[("kokeilu_mail_messages", (("status", "pending"),))] == 0
    assert figures[("kokeilu_mail_oldest_unsent_age_seconds", ())] == 0
