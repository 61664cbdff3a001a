"""Residents' feedback in the browser: a visitor without an account answers on an
experiment's public page (with the form's error state first), staff approve the comment, and
it is shown; the pages pass axe in Finnish, Swedish and English and fit a 375 px phone.
"""

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import ExperimentFeedback, Proposal
from tests import builders

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375
HEADING = {"fi": "Asukkaiden palaute", "sv": "Invånarnas respons", "en": "Residents' feedback"}


def make_pilot(app, title: str) -> int:
    """A pilot of this test's own, so the shared seed keeps its states for other tests."""
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        owner = app.config["SEED"]["people"]["applicant"]
        proposal_id = builders.make_proposal(owner, programme_id, status=Status.PILOT, title=title)
        return db.session.get(Proposal, proposal_id).experiment.id


def stored(app, experiment_id: int) -> list[ExperimentFeedback]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ExperimentFeedback).where(ExperimentFeedback.experiment_id == experiment_id)
            )
        )


def problems(page) -> str:
    found = describe(axe_violations(page))
    overflow = horizontal_overflow(page, PHONE_WIDTH)
    if overflow:
        found += f"\nscrolls sideways at {PHONE_WIDTH} px:\n    " + "\n    ".join(overflow)
    return found


def test_a_visitor_gives_feedback_and_staff_approve_its_comment(role_pages, live_server):
    app, base = live_server.app, live_server.url
    experiment_id = make_pilot(app, "Kirjaston palautekokeilu")
    visitor = role_pages["anonymous"]
    public = f"{base}/experiments/{experiment_id}"

    for language in ("fi", "sv", "en"):
        visitor.goto(f"{public}?lang={language}")
        assert visitor.locator("#feedback-title").inner_text() == HEADING[language]
        found = problems(visitor)
        assert not found, f"{language}:\n{found}"
        screenshot(visitor, f"{language}-anonymous-experiment-feedback")

    # Sent empty: the answers are asked for by field, and the page still passes.
    visitor.goto(f"{public}?lang=fi")
    with visitor.expect_navigation() as sent:
        visitor.click("#feedback form button[type=submit]")
    assert sent.value.status == 422
    summary = visitor.locator(".error-summary").inner_text()
    assert "Vastaa kyllä tai ei." in summary
    assert "Valitse, kuinka hyödyllinen se oli, asteikolla 1–5." in summary
    found = problems(visitor)
    assert not found, found
    screenshot(visitor, "fi-anonymous-experiment-feedback-errors")

    # The trap is out of reach: from the e-mail field, Tab goes by the privacy link to the
    # button.
    visitor.check("#used-0")
    visitor.check("#usefulness-3")
    visitor.fill("#comment", "Lainasin kirjan kotiovelle, kätevää!")
    visitor.focus("#email")
    visitor.keyboard.press("Tab")
    assert visitor.evaluate("document.activeElement.getAttribute('href')") == "/privacy"
    visitor.keyboard.press("Tab")
    assert visitor.evaluate("document.activeElement.type") == "submit"
    with visitor.expect_navigation() as sent:
        visitor.keyboard.press("Enter")
    assert sent.value.status == 200
    assert "Kiitos palautteestasi." in visitor.locator(".flashes").inner_text()
    [feedback] = stored(app, experiment_id)
    assert (feedback.used, feedback.usefulness, feedback.status.value) == (True, 4, "pending")
    assert "kätevää" not in visitor.locator("#feedback").inner_text()

    # Staff read it in the moderation list (which passes too) and approve it.
    staff = role_pages["staff"]
    for language in ("fi", "sv", "en"):
        staff.goto(f"{base}/feedback/experiments?experiment={experiment_id}&lang={language}")
        found = problems(staff)
        assert not found, f"{language}:\n{found}"
        screenshot(staff, f"{language}-staff-experiment-feedback-list")
    staff.goto(f"{base}/feedback/experiments?experiment={experiment_id}&lang=fi")
    with staff.expect_navigation():
        staff.click(f"#feedback-{feedback.id}-title ~ form button[value=approve]")
    assert "hyväksytty" in staff.locator(".flashes").inner_text()
    assert stored(app, experiment_id)[0].status.value == "approved"

    # The evaluation form shows the figures beside its questions.
    staff.goto(f"{base}/pilots/{experiment_id}/evaluation?lang=fi")
    aside = staff.locator(".feedback-summary").inner_text()
    assert "Mitä asukkaat sanoivat" in aside and "100" in aside
    found = problems(staff)
    assert not found, found
    screenshot(staff, "fi-staff-evaluation-feedback-summary")

    visitor.goto(f"{public}?lang=fi")
    assert "Lainasin kirjan kotiovelle, kätevää!" in visitor.locator("#feedback").inner_text()
    assert not live_server.errors
