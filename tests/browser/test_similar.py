"""Similar proposals in the browser: the staff proposal page lists them (passes axe, fits a
phone), and the proposal form suggests earlier experiments while the applicant types."""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, Proposal
from tests import builders

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

IDEA = dict(
    summary="A glowing kayak-rental kiosk on the Matinkylä shore lends kayaks by the hour.",
    need="Residents without a kayak cannot reach the archipelago of Matinkylä.",
)


def make(app, status: Status, title: str, lessons: str | None = None) -> int:
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        owner = app.config["SEED"]["people"]["applicant"]
        proposal_id = builders.make_proposal(
            owner, programme_id, status=status, title=title, **IDEA
        )
        if lessons:
            experiment = db.session.scalar(
                db.select(Experiment).where(Experiment.proposal_id == proposal_id)
            )
            experiment.lessons_learned = lessons
            builders.commit()
        return proposal_id


def test_the_staff_page_lists_similar_proposals(role_pages, live_server):
    app, base = live_server.app, live_server.url
    first = make(app, Status.SUBMITTED, "Kayak kiosk for the Matinkylä shore")
    make(
        app,
        Status.DISCONTINUED,
        "Kayak rental at Matinkylä",
        "Kayaks were rented on sunny days only. Rest.",
    )
    page = role_pages["staff"]
    page.goto(f"{base}/proposals/{first}?lang=en")
    section = page.locator("section.similar")
    assert section.locator("h2").inner_text() == "Similar proposals and earlier experiments"
    first_item = section.locator("li").first
    assert first_item.locator("a").inner_text() == "Kayak rental at Matinkylä"
    assert "Discontinued" in first_item.inner_text()
    assert "Kayaks were rented on sunny days only." in first_item.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    overflow = horizontal_overflow(page, 375)
    assert not overflow, overflow
    page.set_viewport_size({"width": 375, "height": 800})
    section.scroll_into_view_if_needed()
    screenshot(page, "similar-staff-375")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_form_suggests_experiments_while_typing(role_pages, live_server):
    app, base = live_server.app, live_server.url
    make(app, Status.ADOPTED, "Glowing kayak kiosk", "Lend kayaks by the hour.")
    page = role_pages["applicant"]
    page.goto(f"{base}/proposals/new?lang=en")
    results = page.locator("section.tried [aria-live=polite]")
    assert "earlier experiments like yours are shown here" in results.inner_text()
    page.fill("#title", "A kayak kiosk")
    page.locator("section.tried li a", has_text="Glowing kayak kiosk").wait_for()
    assert "Adopted" in results.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations)
    overflow = horizontal_overflow(page, 375)
    assert not overflow, overflow
    screenshot(page, "similar-form")
