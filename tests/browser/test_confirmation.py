"""A move that cannot be undone asks first, in the browser: an applicant withdraws and staff
reject, each through the confirmation page, with JavaScript on and off; the page passes axe in
Finnish, Swedish and English, fits a phone, and going back changes nothing.
"""

import re

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
# The confirmation page's heading and warning, and the proposal's new status, per language.
REJECT = {
    "fi": ("Vahvista: Hylkää", "Tätä ei voi kumota.", "Hylätty"),
    "sv": ("Bekräfta: Avslå", "Det går inte att ångra.", "Avslagen"),
    "en": ("Confirm: Reject", "This cannot be undone.", "Rejected"),
}


def make_proposal(app, owner_id: int, status: Status, title: str) -> int:
    """A proposal of this test's own, so the shared seed keeps its states for other tests."""
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        return builders.make_proposal(owner_id, programme_id, status=status, title=title)


def status_of(app, proposal_id: int) -> Status:
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def confirmation_problems(page) -> str:
    """axe violations and sideways scrolling on the page as it is now."""
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page)
    if overflow:
        problems += "\nscrolls sideways at 320 px:\n    " + "\n    ".join(overflow)
    return problems


def test_an_applicant_withdraws_through_the_confirmation(role_pages, live_server):
    app, base = live_server.app, live_server.url
    applicant = app.config["SEED"]["people"]["applicant"]
    proposal_id = make_proposal(app, applicant, Status.SUBMITTED, "Kirjastorobotti (peruttava)")
    page = role_pages["applicant"]
    page.goto(f"{base}/proposals/{proposal_id}?lang=fi")

    # Withdrawing is drawn apart from the primary actions, and says that it asks first.
    button = page.locator("form.move-withdrawn button[type=submit]")
    assert "danger-outline" in button.get_attribute("class")
    assert button.get_attribute("aria-describedby") == "move-withdrawn-confirm"
    page.fill("#withdrawn-reason", "Löysimme toisen kumppanin.")
    with page.expect_navigation() as navigation:
        button.click()
    assert navigation.value.status == 200
    assert page.locator("h1").inner_text() == "Vahvista: Peru ehdotus"
    panel = page.locator(".warning-panel")
    assert "Varoitus:" in panel.inner_text() and "Tätä ei voi kumota." in panel.inner_text()
    assert "Sitä ei voi lähettää uudelleen" in panel.inner_text()
    assert "Löysimme toisen kumppanin." in page.locator("dl.entered").inner_text()
    assert status_of(app, proposal_id) == Status.SUBMITTED  # nothing has changed yet

    # The confirming button looks unlike the primary one (red, filled) and says the action.
    confirm = page.locator("form.confirm button[type=submit]")
    colours = confirm.evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
    )
    assert colours == ["rgb(176, 16, 56)", "rgb(255, 255, 255)"]  # HDS --color-error
    problems = confirmation_problems(page)
    assert not problems, problems
    screenshot(page, "fi-applicant-confirm-withdraw")
    page.set_viewport_size(PHONE)
    screenshot(page, "fi-applicant-confirm-withdraw-phone")
    page.set_viewport_size(DESKTOP)

    with page.expect_navigation() as navigation:
        confirm.click()
    assert navigation.value.url == f"{base}/proposals/{proposal_id}"
    assert "Peruttu" in page.locator("[role=status]").inner_text()
    assert status_of(app, proposal_id) == Status.WITHDRAWN


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_staff_reject_through_the_confirmation(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    heading, warning, rejected = REJECT[lang]
    applicant = app.config["SEED"]["people"]["applicant"]
    proposal_id = make_proposal(app, applicant, Status.SCREENING, f"Library robot ({lang})")
    page = role_pages["staff"]
    page.goto(f"{base}/proposals/{proposal_id}?lang={lang}")
    page.fill("#rejected-reason", "Out of scope.")
    with page.expect_navigation():
        page.click("form.move-rejected button[type=submit]")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("h1").inner_text() == heading
    assert warning in page.locator(".warning-panel").inner_text()
    problems = confirmation_problems(page)
    assert not problems, problems
    screenshot(page, f"{lang}-staff-confirm-reject")

    # Going back changes nothing; the move is still there to make.
    with page.expect_navigation():
        page.click("form.confirm .confirm-actions a")
    assert page.url == f"{base}/proposals/{proposal_id}"
    assert status_of(app, proposal_id) == Status.SCREENING

    page.fill("#rejected-reason", "Out of scope.")
    with page.expect_navigation():
        page.click("form.move-rejected button[type=submit]")
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    assert page.url == f"{base}/proposals/{proposal_id}"
    assert rejected in page.locator(".meta .status").inner_text()
    assert status_of(app, proposal_id) == Status.REJECTED


def test_without_javascript_the_confirmation_is_a_page(browser, live_server):
    app, base = live_server.app, live_server.url
    with app.app_context():
        person = builders.make_user(
            Role.APPLICANT, email="no-script@browser.example", name="Noa Skriptitön", locale="sv"
        )
    proposal_id = make_proposal(app, person, Status.DRAFT, "Cykelverkstad i Hagalund")
    context = browser.new_context(viewport=DESKTOP, locale="sv-FI", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{base}/login")
        page.fill("#email", "no-script@browser.example")
        page.fill("#password", builders.PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.goto(f"{base}/proposals/{proposal_id}")
        assert page.evaluate("document.documentElement.lang") == "sv"
        with page.expect_navigation() as navigation:
            page.click("form.move-withdrawn button[type=submit]")  # no reason: it is optional
        assert navigation.value.status == 200
        assert page.locator("h1").inner_text() == "Bekräfta: Återta"
        assert "Det går inte att ångra." in page.locator(".warning-panel").inner_text()
        assert status_of(app, proposal_id) == Status.DRAFT
        with page.expect_navigation():
            page.click("form.confirm button[type=submit]")
        assert re.search(r"Återtagen", page.locator("[role=status]").inner_text())
        assert status_of(app, proposal_id) == Status.WITHDRAWN
    finally:
        context.close()


def test_removing_a_scorecard_risk_asks_first(role_pages, live_server):
    app, base = live_server.app, live_server.url
    from experiments.models import ProgrammeRisk

    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        risk = ProgrammeRisk(
            programme_id=programme_id,
            description="Kumppanit menettävät kiinnostuksensa.",
            probability=2,
            impact=3,
            status="yellow",
            language="fi",
        )
        db.session.add(risk)
        db.session.commit()
        risk_id = risk.id
    page = role_pages["manager"]
    page.goto(f"{base}/scorecards/{programme_id}/risks/{risk_id}/edit?lang=fi")
    with page.expect_navigation() as navigation:
        page.click("form.danger-zone button[type=submit]")
    assert navigation.value.status == 200
    assert "Tätä ei voi kumota." in page.locator(".warning-panel").inner_text()
    problems = confirmation_problems(page)
    assert not problems, problems
    with app.app_context():
        assert db.session.get(ProgrammeRisk, risk_id) is not None
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    with app.app_context():
        assert db.session.get(ProgrammeRisk, risk_id) is None
