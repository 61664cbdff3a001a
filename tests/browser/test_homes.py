"""Each role signs in and lands on its own home, in Finnish, Swedish and English: axe finds
nothing, nothing scrolls sideways on a phone, the name and "Sign out" stand apart in the
header; the applicant finds the city's question first and, after submitting, the reference
number and what comes next.
"""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, StatusChange
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
LANGUAGES = ("fi", "sv", "en")
# Each role's home heading, per language.
HEADINGS = {
    "applicant": {"fi": "Omat ehdotuksesi", "sv": "Dina förslag", "en": "Your proposals"},
    "staff": {"fi": "Sinua odottaa", "sv": "Det här väntar på dig", "en": "What waits for you"},
    "manager": {
        "fi": "Päätökset ja ohjelma",
        "sv": "Beslut och programmet",
        "en": "Decisions and the programme",
    },
    "admin": {
        "fi": "Käyttäjätilit ja ohjelmat",
        "sv": "Konton och program",
        "en": "Accounts and programmes",
    },
}
SIGN_OUT = {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Sign out"}


def problems_here(page) -> str:
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, 375)
    if overflow:
        problems += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
    return problems


def new_person(app, role: Role, name: str, locale: str = "fi") -> tuple[int, str]:
    address = f"{name.lower().replace(' ', '.')}.{locale}@browser.example"
    with app.app_context():
        return builders.make_user(role, email=address, name=name, locale=locale), address


def signed_in_page(browser, base: str, address: str):
    """A fresh browser that signs in with the form and returns where it landed."""
    context = browser.new_context(viewport=DESKTOP, locale="fi-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", address)
    page.fill("#password", builders.PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return page


def header_apart(page) -> None:
    """The person's name and the sign-out button are separate, side by side or stacked."""
    who = page.locator(".nav-user .who").bounding_box()
    out = page.locator(".nav-user button[type=submit]").bounding_box()
    overlap_x = who["x"] < out["x"] + out["width"] and out["x"] < who["x"] + who["width"]
    overlap_y = who["y"] < out["y"] + out["height"] and out["y"] < who["y"] + who["height"]
    assert not (overlap_x and overlap_y), (who, out)
    gap = max(out["x"] - (who["x"] + who["width"]), out["y"] - (who["y"] + who["height"]))
    assert gap >= 8, f"name and Sign out only {gap}px apart"


@pytest.mark.parametrize("role", ["applicant", "staff", "manager", "admin"])
def test_each_role_signs_in_to_its_own_home(browser, live_server, role):
    app, base = live_server.app, live_server.url
    _, address = new_person(app, Role(role), f"{role.title()} Kotinen")
    page = signed_in_page(browser, base, address)
    try:
        assert page.url == f"{base}/", page.url
        for lang in LANGUAGES:
            page.goto(f"{base}/?lang={lang}")
            assert page.locator("h1").inner_text() == HEADINGS[role][lang]
            assert page.locator(".nav-user button").inner_text() == SIGN_OUT[lang]
            problems = problems_here(page)
            assert not problems, f"[{lang} {role}] {problems}"
            screenshot(page, f"{lang}-{role}-home")
            header_apart(page)
            page.set_viewport_size(PHONE)
            screenshot(page, f"{lang}-{role}-home-phone")
            header_apart(page)
            page.set_viewport_size(DESKTOP)
    finally:
        page.context.close()


def test_the_manager_finds_exports_in_the_menu(role_pages, live_server):
    page = role_pages["manager"]
    page.goto(f"{live_server.url}/?lang=en")
    with page.expect_navigation():
        page.click(".main-nav >> text=Exports")
    assert page.locator("h1").inner_text() == "Exports"


def _asked(app, owner_id: int, staff_id: int, title: str, question: str) -> int:
    with app.app_context():
        programme = db.session.get(Proposal, app.config["SEED"]["proposals"]["draft"]).programme_id
        proposal_id = builders.make_proposal(owner_id, programme, Status.MORE_INFO, title=title)
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=Status.SCREENING,
                to_status=Status.MORE_INFO,
                actor_id=staff_id,
                reason=question,
                language="fi",
            )
        )
        db.session.commit()
        return proposal_id


def test_the_applicant_answers_the_city_question_from_the_home(browser, live_server):
    app, base = live_server.app, live_server.url
    owner, address = new_person(app, Role.APPLICANT, "Kysytty Hakija")
    staff = app.config["SEED"]["people"]["staff"]
    proposal_id = _asked(
        app, owner, staff, "Kirjastorobotti Tapiolaan", "Kuinka monta robottia tarvitaan?"
    )
    page = signed_in_page(browser, base, address)
    try:
        problems = problems_here(page)
        assert not problems, problems
        screenshot(page, "fi-applicant-home-question")
        page.set_viewport_size(PHONE)
        screenshot(page, "fi-applicant-home-question-phone")
        page.set_viewport_size(DESKTOP)
        first = page.locator("main section").first
        assert first.locator("h2").inner_text().startswith("Vastaa kaupungin kysymykseen")
        assert "Kuinka monta robottia tarvitaan?" in first.inner_text()
        assert "Kaupungin henkilöstö kysyi" in first.inner_text()
        with page.expect_navigation():
            first.locator("a.button").click()
        assert page.url.startswith(f"{base}/proposals/{proposal_id}")
        assert page.locator("form.move-submitted textarea").count() == 1
    finally:
        page.context.close()


@pytest.mark.parametrize(
    "lang, heading, reference",
    [
        ("fi", "Ehdotuksesi on lähetetty", "Viitenumero"),
        ("sv", "Ditt förslag har skickats", "Referensnummer"),
        ("en", "Your proposal is submitted", "Reference number"),
    ],
)
def test_after_submitting_the_applicant_sees_the_reference_and_what_comes_next(
    browser, live_server, lang, heading, reference
):
    app, base = live_server.app, live_server.url
    owner, address = new_person(app, Role.APPLICANT, "Lähettävä Hakija", locale=lang)
    with app.app_context():
        programme = db.session.get(Proposal, app.config["SEED"]["proposals"]["draft"]).programme_id
        proposal_id = builders.make_proposal(owner, programme, title="Pyöräkorjaamo Haukilahteen")
    page = signed_in_page(browser, base, address)
    try:
        page.goto(f"{base}/proposals/{proposal_id}?lang={lang}")
        with page.expect_navigation():
            page.click("form.move-submitted button[type=submit]")
        assert page.url == f"{base}/proposals/{proposal_id}/submitted"
        assert page.locator("h1").inner_text() == heading
        assert f"{reference}: {proposal_id}" in page.locator("main").inner_text()
        assert page.locator("#wait-title + p").count() == 1
        problems = problems_here(page)
        assert not problems, problems
        screenshot(page, f"{lang}-applicant-submitted")
        page.set_viewport_size(PHONE)
        screenshot(page, f"{lang}-applicant-submitted-phone")
    finally:
        page.context.close()
