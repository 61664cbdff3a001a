"""The conversation in the browser: staff write internally and to the applicant, the applicant
answers; the proposal page with its thread passes axe for both and fits a phone, and an
internal message is marked in words and never on the applicant's page."""

import pytest

from experiments.lifecycle import Status

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot
from .test_confirmation import make_proposal

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
INTERNAL = {
    "fi": ("Budjetti näyttää väljältä; kysytään taloudesta.", "Sisäinen – ei näy hakijalle"),
    "sv": ("Budgeten ser generös ut; vi frågar ekonomin.", "Intern – syns inte för sökanden"),
    "en": (
        "The budget looks padded; ask finance first.",
        "Internal — not visible to the applicant",
    ),
}
TO_APPLICANT = "Voisitteko lähettää robotin turvallisuustodistuksen?"
REPLY = "Tässä on todistus molemmille roboteille."


def page_problems(page) -> str:
    """axe violations, and sideways scrolling at the phone's width."""
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, PHONE["width"])
    if overflow:
        problems += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
    return problems


def shots(page, name: str) -> None:
    page.set_viewport_size(DESKTOP)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def send(page, text: str, visibility: str | None = None) -> None:
    page.fill("#text", text)
    if visibility:
        page.check(f"#message-form input[name=visibility][value={visibility}]")
    with page.expect_navigation():
        page.click("#message-form button[type=submit]")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_thread_for_staff_and_for_the_applicant(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    note, mark = INTERNAL[lang]
    applicant = app.config["SEED"]["people"]["applicant"]
    proposal_id = make_proposal(app, applicant, Status.SCREENING, f"Keskustelurobotti ({lang})")
    url = f"{base}/proposals/{proposal_id}?lang={lang}"

    staff = role_pages["staff"]
    staff.goto(url)
    # Internal is chosen until staff choose the applicant.
    assert staff.is_checked("#message-form input[name=visibility][value=internal]")
    with staff.expect_navigation() as navigation:
        staff.click("#message-form button[type=submit]")  # nothing written
    assert navigation.value.status == 422
    assert staff.locator("#message-form .error-summary").count() == 1
    problems = page_problems(staff)
    assert not problems, problems
    send(staff, note)
    send(staff, TO_APPLICANT, "applicant")
    thread = staff.locator("#conversation .thread")
    assert thread.locator("li.internal").count() == 1
    assert mark in thread.locator("li.internal").inner_text()
    assert note in thread.inner_text() and TO_APPLICANT in thread.inner_text()

    applicant_page = role_pages["applicant"]
    applicant_page.goto(url)
    send(applicant_page, REPLY)
    mine = applicant_page.locator("#conversation").inner_text()
    assert TO_APPLICANT in mine and REPLY in mine
    assert note not in applicant_page.content() and mark not in applicant_page.content()
    assert applicant_page.locator("#message-form input[name=visibility]").count() == 0
    problems = page_problems(applicant_page)
    assert not problems, problems
    applicant_page.locator("#conversation").scroll_into_view_if_needed()
    shots(applicant_page, f"{lang}-applicant-conversation")

    staff.goto(url)
    assert REPLY in staff.locator("#conversation").inner_text()
    problems = page_problems(staff)
    assert not problems, problems
    shots(staff, f"{lang}-staff-conversation")
