"""An experiment's public timeline and the staff's milestones in the browser: accessible
(axe) in fi, sv and en, and no sideways scrolling on a phone (375 px) or at 320 px."""

from datetime import UTC, date, datetime

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders

from .conftest import SCREENSHOTS, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = 375


def _problems(page) -> str:
    problems = describe(axe_violations(page))
    for width in (PHONE, 320):  # a phone, and WCAG's reflow width
        overflow = horizontal_overflow(page, width)
        if overflow:
            problems += f"\nscrolls sideways at {width} px:\n    " + "\n    ".join(overflow)
    return problems


def _followed_pilot(app, title: str) -> int:
    """A pilot of this test's own with a history, an accepted report and milestones."""
    people = app.config["SEED"]["people"]
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme_id,
            status=Status.PILOT,
            experiment_owner_id=people["staff"],
            title=title,
        )
        experiment = db.session.get(Proposal, proposal_id).experiment
        start = experiment.start_date
        builders.add_history(
            proposal_id,
            people["staff"],
            ("draft", "submitted", datetime(start.year - 1, 11, 2, 9, tzinfo=UTC)),
            ("screening", "pilot", datetime(start.year - 1, 12, 1, 9, tzinfo=UTC)),
        )
        builders.make_report(
            experiment.id,
            people["applicant"],
            (start, start),
            "Kirjastorobotti opasti 120 kävijää ensimmäisellä viikolla; "
            "palautteen mukaan opastus oli selkeää ja nopeaa.",
            status="accepted",
            reviewer_id=people["staff"],
            reviewed_at=datetime(start.year, start.month, start.day, 12, tzinfo=UTC),
            language="fi",
        )
        builders.make_milestone(
            experiment.id,
            people["staff"],
            "Robotit kolmessa kirjastossa",
            start,
            start,
            description="Sello, Iso Omena ja Entresse.",
            language="fi",
        )
        builders.make_milestone(
            experiment.id, people["staff"], "Robotit kaikissa kirjastoissa", date(2199, 1, 1)
        )
        return experiment.id


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_public_timeline(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    eid = _followed_pilot(app, f"Seurattava kokeilu {lang}")
    page = role_pages["anonymous"]
    page.goto(f"{base}/experiments/{eid}?lang={lang}")
    timeline = page.locator("#timeline")
    # Proposed, started, the report and the milestone reached; ahead a milestone and the end.
    assert timeline.locator("ol.timeline:not(.upcoming) > li").count() == 4
    assert timeline.locator("ol.upcoming > li").count() == 2
    assert timeline.locator("time[datetime]").count() == 6
    problems = _problems(page)
    assert not problems, problems
    screenshot(page, f"{lang}-experiment-timeline")
    page.set_viewport_size({"width": PHONE, "height": 800})
    screenshot(page, f"{lang}-experiment-timeline-phone")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_staff_set_a_milestone_and_mark_it_reached(role_pages, live_server):
    app, base = live_server.app, live_server.url
    eid = _followed_pilot(app, "Välitavoitteellinen kokeilu")
    staff = role_pages["staff"]
    staff.goto(f"{base}/pilots/{eid}?lang=en#milestones")
    section = staff.locator("#milestones")
    section.locator("details.add summary").click()
    # Sent without a title: the form comes back open with its message, still accessible.
    staff.fill("#milestone-planned_date", "2199-06-01")
    section.locator("details.add form button[type=submit]").click()
    assert staff.locator("#milestone-title").get_attribute("aria-invalid") == "true"
    problems = _problems(staff)
    assert not problems, problems
    staff.fill("#milestone-title", "A robot in the city hall")
    staff.locator("#milestones details.add form button[type=submit]").click()
    assert "The milestone is saved; the public timeline shows it." in staff.content()
    problems = _problems(staff)
    assert not problems, problems
    screenshot(staff, "en-pilot-milestones")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / "en-pilot-milestones-section.png"))
    item = staff.locator("#milestones li.milestone", has_text="A robot in the city hall")
    item.locator("button", has_text="Mark reached today").click()
    assert "The milestone is marked reached today." in staff.content()
    # Removing asks first, and the question passes axe too.
    staff.locator("#milestones li.milestone", has_text="A robot in the city hall").locator(
        "a", has_text="Change or remove"
    ).click()
    assert staff.locator("h1").inner_text() == "Change the milestone"
    problems = _problems(staff)
    assert not problems, problems
    staff.locator("form.danger-zone button[type=submit]").click()
    assert staff.locator("h1").inner_text() == "Remove the milestone"
    problems = _problems(staff)
    assert not problems, problems
    staff.locator("form.confirm button[type=submit]").click()
    assert "The milestone is removed." in staff.content()
    assert "A robot in the city hall" not in staff.locator("#milestones ol").inner_text()
