"""The admins' outgoing-mail page: failed and waiting messages, readable with axe finding
nothing, and usable at phone width."""

from datetime import timedelta

import pytest

from experiments.extensions import db
from experiments.models import MailMessage
from experiments.models.types import utcnow

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser


def test_admins_read_failed_and_waiting_mail(live_server, role_pages):
    app = live_server.app
    with app.app_context():
        db.session.add_all(
            [
                MailMessage(
                    kind="proposal_moved",
                    recipient="aino.virtanen.failed@browser.example",
                    subject="Ehdotuksesi “Kirjastorobotti koulujen lukupiireihin”: Hylätty",
                    body="Hei",
                    status="failed",
                    attempts=6,
                    next_attempt_at=utcnow(),
                    last_error="SMTPRecipientsRefused: {'aino.virtanen.failed@browser.example': "
                    "(550, b'5.1.1 Mailbox unavailable: the address does not exist here')}",
                ),
                MailMessage(
                    kind="reset_link",
                    recipient="waiting@browser.example",
                    subject="Vaihda Kokeilun salasana",
                    body="Hei",
                    status="pending",
                    attempts=1,
                    next_attempt_at=utcnow() + timedelta(minutes=5),
                    last_error="ConnectionRefusedError: [Errno 111] Connection refused",
                ),
            ]
        )
        db.session.commit()
    page = role_pages["admin"]
    page.goto(f"{live_server.url}/admin/mail?lang=fi")
    assert page.locator("h1").inner_text() == "Lähtevä sähköposti"
    text = page.locator("main").inner_text()
    assert "Mailbox unavailable" in text and "Epäonnistui" in text
    assert "Odottaa lähetystä" in text
    screenshot(page, "admin-mail")
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, 375)
    assert not problems and not overflow, problems + "\n".join(overflow)
