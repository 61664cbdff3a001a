"""Keyboard only (Tab, Shift+Tab, Enter, Space, arrow keys and typing): a Swedish-speaking
resident registers, proposes and submits; a staff member screens the proposal in Finnish;
the resident follows it and answers, all in Swedish. Every focus stop must be visible.
"""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal, Review
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, screenshot
from .seed import email

pytestmark = pytest.mark.browser

RESIDENT = ("Sara Svensson", "sara.svensson@browser.example", "ett långt lösenord 2026")
TITLE = "Lånecyklar för skolor i Esboviken"

FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
    || s.boxShadow !== 'none';
  return {
    tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', name: e.name || '',
    href: e.getAttribute('href') || '', value: e.value || '',
    text: (e.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    form: e.form ? (e.form.className || '') + ' ' + (e.form.getAttribute('action') || '')
      : '',
    inMain: !!e.closest('main'), visible: visible,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, matches, what: str, limit: int = 150) -> dict:
    """Press Tab until the focused element matches; every stop on the way must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["tag"] != "body":
            assert element["visible"], f"focus is not visible on {element}"
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached {what}")


def tab_to_id(page, element_id: str) -> dict:
    return tab_to(page, lambda e: e["id"] == element_id, f"#{element_id}")


def tab_to_link(page, href: str) -> dict:
    return tab_to(page, lambda e: e["tag"] == "a" and e["href"] == href, f"link {href}")


def tab_to_button(page, form_part: str) -> dict:
    return tab_to(
        page,
        lambda e: e["tag"] == "button" and e["inMain"] and form_part in e["form"],
        f"the button of the form {form_part!r}",
    )


def choose(page, element_id: str, value: str) -> None:
    """Pick an option of a focused <select> with the arrow keys."""
    tab_to_id(page, element_id)
    for _ in range(40):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never chose {value!r} in #{element_id}")


def press_and_wait(page, key: str):
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    return navigation.value


def sign_in_by_keyboard(page, address: str, password: str) -> None:
    tab_to_link(page, "/login")
    press_and_wait(page, "Enter")
    tab_to_id(page, "email")
    page.keyboard.type(address)
    tab_to_id(page, "password")
    page.keyboard.type(password)
    response = press_and_wait(page, "Enter")  # Enter in a field sends its form
    assert response.status < 400
    assert page.locator(".nav-user .who").count() == 1, "not signed in"


def sign_out_by_keyboard(page) -> None:
    page.keyboard.press("Shift+Tab")  # from wherever focus is, back up to the header
    tab_to(page, lambda e: e["tag"] == "button" and "/logout" in e["form"], "Sign out")
    press_and_wait(page, "Enter")


def announced(page) -> str:
    """The text of the status message the last action left (role=status)."""
    return page.locator("[role=status]").inner_text()


def proposal_by_title(app, title: str) -> dict:
    """What the database now holds about the proposal."""
    with app.app_context():
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == title))
        return {
            "id": proposal.id,
            "status": proposal.status,
            "sdgs": list(proposal.sdgs),
            "centres": [c.value for c in proposal.city_centres],
            "budget": proposal.requested_budget,
        }


def test_register_propose_screen_and_answer_with_the_keyboard_only(browser, live_server):
    app, base = live_server.app, live_server.url
    name, address, password = RESIDENT
    resident = browser.new_context(viewport=DESKTOP, locale="sv-FI")  # Accept-Language: sv
    resident.set_default_timeout(10_000)
    page = resident.new_page()

    # The first Tab reaches the skip link; Enter takes focus to the main content.
    page.goto(base + "/")
    assert page.evaluate("document.documentElement.lang") == "sv"
    page.keyboard.press("Tab")
    assert focused(page)["href"] == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Register.
    tab_to_link(page, "/register")
    press_and_wait(page, "Enter")
    tab_to_id(page, "name")
    page.keyboard.type(name)
    tab_to_id(page, "email")
    page.keyboard.type(address)
    tab_to_id(page, "password")
    page.keyboard.type(password)
    tab_to_id(page, "confirm")
    page.keyboard.type(password)
    choose(page, "proposer_type", "resident")
    choose(page, "locale", "sv")
    tab_to(page, lambda e: e["tag"] == "button" and e["inMain"], "Create account")
    assert press_and_wait(page, "Enter").status == 200
    assert page.locator("h1").inner_text() == "Kontrollera din e-post"
    [mail] = [m for m in app.extensions["mailman"].outbox if m.to == [address]]
    assert mail.subject == "Bekräfta din e-postadress för Kokeilu"
    link = re.search(r"https?://\S+/register/confirm/\S+", mail.body).group(0)
    page.goto(link)  # the link in the e-mail: confirmed, signed in, on the own home
    assert page.url == base + "/"
    assert page.locator(".nav-user .who").count() == 1, "not signed in"

    # Propose and submit.
    tab_to_link(page, "/proposals/new")
    press_and_wait(page, "Enter")
    assert page.locator("h1").inner_text() == "Föreslå ett försök"
    tab_to_id(page, "title")
    page.keyboard.type(TITLE)
    tab_to_id(page, "summary")
    page.keyboard.type("Skolor i Esboviken lånar ut cyklar till elever under ett läsår.")
    tab_to_id(page, "need")
    page.keyboard.type("Många elever har ingen cykel och skolvägen är lång.")
    choose(page, "service_area", "mobility")
    tab_to_id(page, "city_centres-1")  # Espoonlahti / Esboviken
    page.keyboard.press("Space")
    tab_to_id(page, "requested_budget")
    page.keyboard.type("12 000,00")  # as a Finnish or Swedish speaker writes it
    tab_to_id(page, "planned_duration_months")
    page.keyboard.type("9")
    tab_to_id(page, "sdgs-10")  # goal 11
    page.keyboard.press("Space")
    choose(page, "proposer_type", "resident")
    tab_to(
        page, lambda e: e["tag"] == "button" and e["inMain"] and e["type"] == "submit", "Save draft"
    )
    assert press_and_wait(page, "Enter").status == 200
    proposal = proposal_by_title(app, TITLE)
    assert (proposal["status"], proposal["centres"], proposal["sdgs"], proposal["budget"]) == (
        Status.DRAFT,
        ["espoonlahti"],
        [11],
        Decimal("12000.00"),
    )
    tab_to_button(page, "move-submitted")
    assert press_and_wait(page, "Space").status == 200
    assert announced(page) == "Förslaget har nu status: Inlämnad."
    assert proposal_by_title(app, TITLE)["status"] == Status.SUBMITTED
    screenshot(page, "sv-keyboard-resident-submitted")
    sign_out_by_keyboard(page)

    # A staff member screens it in Finnish.
    staff = browser.new_context(viewport=DESKTOP, locale="fi-FI")
    staff.set_default_timeout(10_000)
    desk = staff.new_page()
    desk.goto(base + "/")
    assert desk.evaluate("document.documentElement.lang") == "fi"
    sign_in_by_keyboard(desk, email("keyboard-staff"), builders.PASSWORD)
    tab_to_link(desk, "/screening")
    press_and_wait(desk, "Enter")
    assert desk.locator("h1").inner_text() == "Esikäsiteltävät ehdotukset"
    tab_to_link(desk, f"/proposals/{proposal['id']}")
    press_and_wait(desk, "Enter")
    tab_to_button(desk, "move-screening")
    assert press_and_wait(desk, "Space").status == 200
    assert "Esikäsittelyssä" in announced(desk)

    # The review form stands on the proposal page, beside the proposal.
    for criterion in ("need", "benefit", "reusability", "feasibility", "cost_effectiveness"):
        tab_to(desk, lambda e, c=criterion: e["name"] == c, f"the {criterion} radios")
        desk.keyboard.press("Space")  # the first score, 1
        for _ in range(3):
            desk.keyboard.press("ArrowRight")  # … up to 4
    tab_to_id(desk, "comment")
    desk.keyboard.type("Hyvä idea; tarvitaan tieto koulujen pyöräkatoksista.")
    tab_to(desk, lambda e: e["tag"] == "button" and e["inMain"], "Save review")
    press_and_wait(desk, "Enter")
    with app.app_context():
        review = db.session.scalar(select(Review).where(Review.proposal_id == proposal["id"]))
        assert (review.need, review.cost_effectiveness) == (4, 4)

    tab_to_id(desk, "more_info-question")
    desk.keyboard.type("Mihin kouluihin pyörät tulisivat?")
    tab_to_button(desk, "move-more_info")
    assert press_and_wait(desk, "Enter").status == 200
    assert proposal_by_title(app, TITLE)["status"] == Status.MORE_INFO
    violations = axe_violations(desk)
    assert not violations, describe(violations)
    screenshot(desk, "fi-keyboard-staff-more-info")
    sign_out_by_keyboard(desk)
    staff.close()

    # The resident follows the proposal and answers, in Swedish.
    sign_in_by_keyboard(page, address, password)
    tab_to_link(page, "/proposals/mine")
    press_and_wait(page, "Enter")
    assert "Komplettering begärd" in page.locator("main").inner_text()
    tab_to_link(page, f"/proposals/{proposal['id']}")
    press_and_wait(page, "Enter")
    assert "Mihin kouluihin pyörät tulisivat?" in page.locator("main").inner_text()
    tab_to_id(page, "submitted-answer")
    page.keyboard.type("Mårtensby skola och Kaitans skola.")
    tab_to_button(page, "move-submitted")
    assert press_and_wait(page, "Enter").status == 200
    assert proposal_by_title(app, TITLE)["status"] == Status.SUBMITTED
    assert page.evaluate("document.documentElement.lang") == "sv"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, "sv-keyboard-resident-answered")
    resident.close()
