"""A manager stages a call's decisions in the browser, sees them against the budget and
applies them through the confirmation page; the pages pass axe in Finnish, Swedish and
English and fit a phone."""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Programme, Proposal
from experiments.statistics.budget import budget_years

from .conftest import axe_violations, describe, horizontal_overflow, screenshot
from .test_confirmation import make_proposal, status_of

pytestmark = pytest.mark.browser

ROOM = 100_000
HEADINGS = {"fi": "Päätökset", "sv": "Beslut", "en": "Decisions"}


def _problems(page, width: int = 375) -> str:
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, width)
    if overflow:
        problems += f"\nscrolls sideways at {width} px:\n    " + "\n    ".join(overflow)
    return problems


@pytest.fixture
def budget_room(live_server):
    """Earlier browser tests spend the shared seed's budget (by the time this runs every year
    may be over it): this test's programme gets EUR 100,000 a year more while it runs."""
    app = live_server.app
    with app.app_context():
        seeded = db.session.get(Proposal, app.config["SEED"]["proposals"][Status.DRAFT.value])
        programme_id = seeded.programme_id
        for year in db.session.get(Programme, programme_id).years:
            year.annual_budget += ROOM
        db.session.commit()
    yield programme_id
    with app.app_context():
        for year in db.session.get(Programme, programme_id).years:
            year.annual_budget -= ROOM
        db.session.commit()


def test_a_manager_stages_checks_the_budget_and_applies(role_pages, live_server, budget_room):
    app, base = live_server.app, live_server.url
    applicant = app.config["SEED"]["people"]["applicant"]
    proposal_id = make_proposal(app, applicant, Status.SCREENING, "Kävelykatujen lumirobotti")
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        call_id, programme = proposal.call_id, proposal.programme
        assert programme.id == budget_room
        years = budget_years(programme.id)
        inner = [y for y in years if programme.start_year < y.year < programme.end_year]
        year = max(inner, key=lambda y: y.remaining).year
    page = role_pages["manager"]

    page.goto(f"{base}/?lang=fi")
    with page.expect_navigation():
        page.click(f"a[href='/calls/{call_id}/decisions']")
    row = page.locator(f"#proposal-{proposal_id}")
    with page.expect_navigation():
        row.locator("a", has_text="Valmistele päätös").click()
    problems = _problems(page)
    assert not problems, problems
    screenshot(page, "fi-manager-stage-decision")
    page.check("input[name=to_status][value=pilot]")
    page.fill("#allocated_budget", "9999999")
    page.fill("#start_date", f"{year}-09-01")
    page.fill("#planned_end_date", f"{year + 1}-02-01")
    page.select_option("#owner_id", index=1)
    with page.expect_navigation():
        page.click("main form:not(.inline-form) button[type=submit]")
    assert page.locator(".error-summary").count() == 1  # more than a year's budget
    page.fill("#allocated_budget", "1000")
    with page.expect_navigation():
        page.click("main form:not(.inline-form) button[type=submit]")
    refused = page.locator(".error-summary")
    assert refused.count() == 0, refused.inner_text()
    assert "Käynnistä pilotti 1 000,00" in row.inner_text().replace("\xa0", " ")
    for lang in ("fi", "sv", "en"):
        page.goto(f"{base}/calls/{call_id}/decisions?lang={lang}")
        assert page.locator("h1").inner_text().startswith(HEADINGS[lang])
        assert page.locator("table caption", has_text="").count() >= 2
        problems = _problems(page)
        assert not problems, f"{lang}:\n{problems}"
        screenshot(page, f"{lang}-manager-decisions")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "en-manager-decisions-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Changed to a rejection (the shared seed's budget stays as it was), then applied.
    change = row.locator(f"a[href='/calls/{call_id}/decisions/{proposal_id}']")
    assert change.inner_text().startswith("Change")
    page.goto(f"{base}/calls/{call_id}/decisions/{proposal_id}")
    page.check("input[name=to_status][value=rejected]")
    page.fill("#reason", "Not new for the city.")
    with page.expect_navigation():
        page.click("main form:not(.inline-form) button[type=submit]")
    with page.expect_navigation():
        page.click("main form button:has-text('Apply the staged decisions')")
    assert page.locator(".warning-panel").count() == 1
    assert "Not new for the city." in page.locator("main").inner_text()
    assert status_of(app, proposal_id) == Status.SCREENING
    problems = _problems(page)
    assert not problems, problems
    screenshot(page, "en-manager-confirm-apply")
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    assert status_of(app, proposal_id) == Status.REJECTED
    assert "1 decision is made and each applicant is told." in page.locator(".flashes").inner_text()
