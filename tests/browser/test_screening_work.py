"""Staff's and applicants' screening work in the browser: the more-information loop from the
question to the answer and back to screening, the queue searched, sorted and started in bulk,
and a review written beside the proposal. axe and 375 px at each step; screenshots at laptop and
phone width.
"""

import re

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, Review
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
SCORES = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")
# What the applicant reads about the question, per language: the page's flag in the list,
# the label above the question, and the staff's marker of an answer.
ASKED = {
    "fi": ("Kaupunki kysyi sinulta kysymyksen", "Kaupungin kysymys:"),
    "sv": ("Staden ställde en fråga till dig", "Stadens fråga:"),
    "en": ("The city asked you a question", "The city's question:"),
}


def make_proposal(app, status: Status, title: str, **fields) -> int:
    """A proposal of this test's own, so the shared seed keeps its states for other tests."""
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        owner = app.config["SEED"]["people"]["applicant"]
        return builders.make_proposal(owner, programme_id, status=status, title=title, **fields)


def status_of(app, proposal_id: int) -> Status:
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def problems(page, width: int = PHONE["width"]) -> str:
    """axe violations and sideways scrolling at phone width on the page as it is now."""
    found = describe(axe_violations(page))
    overflow = horizontal_overflow(page, width)
    if overflow:
        found += f"\nscrolls sideways at {width} px:\n    " + "\n    ".join(overflow)
    return found


def screenshots(page, name: str) -> None:
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_the_more_information_loop(role_pages, live_server):
    app, base = live_server.app, live_server.url
    question = "Montako robottia kokeilu tarvitsee Tapiolassa?"
    proposal_id = make_proposal(app, Status.SCREENING, "Lumirobotti (kysymys)")
    staff, applicant = role_pages["staff"], role_pages["applicant"]

    # Staff ask.
    staff.goto(f"{base}/proposals/{proposal_id}?lang=fi")
    staff.fill("#more_info-question", question)
    with staff.expect_navigation():
        staff.click("form.move-more_info button[type=submit]")
    assert status_of(app, proposal_id) == Status.MORE_INFO
    assert question in staff.locator("section.exchange").inner_text()

    # The e-mail holds the question and a link straight to it.
    mail = [
        m
        for m in app.extensions["mailman"].outbox
        if question in m.body and m.to == ["applicant@browser.example"]
    ]
    assert len(mail) == 1
    link = re.search(r"http://\S+#question", mail[0].body).group(0)
    assert link == f"{base}/proposals/{proposal_id}#question"

    # The applicant's list flags it; in every language the question stands above the box.
    for lang, (flag, label) in ASKED.items():
        applicant.goto(f"{base}/proposals/mine?lang={lang}")
        row = applicant.locator("tr", has=applicant.locator(f"a[href='/proposals/{proposal_id}']"))
        assert flag in row.first.inner_text()
        found = problems(applicant)
        assert not found, found
        applicant.goto(link)
        said = applicant.locator("#question")
        assert label in said.inner_text() and question in said.inner_text()
        box = applicant.locator("#submitted-answer")
        said_box, answer_box = said.bounding_box(), box.bounding_box()
        assert said_box["y"] + said_box["height"] <= answer_box["y"]
        assert answer_box["y"] - (said_box["y"] + said_box["height"]) < 120  # right above
        found = problems(applicant)
        assert not found, found
        screenshots(applicant, f"{lang}-applicant-question")

    applicant.fill("#submitted-answer", "Kaksi robottia, yksi kummallekin kävelykadulle.")
    with applicant.expect_navigation():
        applicant.click("form.move-submitted button[type=submit]")
    assert status_of(app, proposal_id) == Status.SUBMITTED

    # Staff see "answered" in the queue and take it back to screening in one action.
    staff.goto(f"{base}/screening?lang=fi&q=kysymys")
    row = staff.locator("tr", has=staff.locator(f"a[href='/proposals/{proposal_id}']")).first
    assert "Vastattu" in row.locator(".marker-answered").inner_text()
    found = problems(staff)
    assert not found, found
    screenshots(staff, "fi-staff-queue-answered")
    with staff.expect_navigation():
        row.locator("form.row-action button").click()
    assert status_of(app, proposal_id) == Status.SCREENING
    assert staff.url == f"{base}/proposals/{proposal_id}"


def _titles(page) -> list[str]:
    return page.locator("table.queue tbody td:nth-child(2) > a").all_inner_texts()


def test_staff_search_sort_and_start_screening_in_bulk(role_pages, live_server):
    app, base = live_server.app, live_server.url
    made = {
        name: make_proposal(app, Status.SUBMITTED, f"Zeppeliini {name}")
        for name in ("Aalto", "Bertta", "Cecilia")
    }
    page = role_pages["staff"]
    page.goto(f"{base}/screening?lang=fi")
    page.fill("#q", "zeppeliini")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert sorted(_titles(page)) == ["Zeppeliini Aalto", "Zeppeliini Bertta", "Zeppeliini Cecilia"]

    # Sorting by title, then the other way: the header says which.
    title = page.locator("th", has=page.locator("a", has_text="Otsikko"))
    with page.expect_navigation():
        title.locator("a").click()
    assert title.get_attribute("aria-sort") == "ascending"
    assert _titles(page) == ["Zeppeliini Aalto", "Zeppeliini Bertta", "Zeppeliini Cecilia"]
    with page.expect_navigation():
        title.locator("a").click()
    assert title.get_attribute("aria-sort") == "descending"
    assert _titles(page) == ["Zeppeliini Cecilia", "Zeppeliini Bertta", "Zeppeliini Aalto"]
    assert "q=zeppeliini" in page.url
    found = problems(page)
    assert not found, found
    screenshots(page, "fi-staff-queue")

    # Each checkbox's cell is a large target.
    cell = page.locator(f"td.select-cell:has(input[value='{made['Aalto']}']) label")
    assert cell.bounding_box()["height"] >= 44 and cell.bounding_box()["width"] >= 44
    page.check(f"input[name=proposal][value='{made['Aalto']}']")
    page.check(f"input[name=proposal][value='{made['Cecilia']}']")
    with page.expect_navigation():
        page.click("#bulk-start button[type=submit]")
    assert page.locator("h1").inner_text() == "Vahvista: Aloita esikäsittely"
    assert page.locator("ul.chosen li").count() == 2
    assert status_of(app, made["Aalto"]) == Status.SUBMITTED  # nothing yet
    found = problems(page)
    assert not found, found
    screenshots(page, "fi-staff-confirm-bulk-start")
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    # Back in the same view of the queue, with the result said.
    assert "q=zeppeliini" in page.url and "sort=-title" in page.url
    assert "Esikäsittely aloitettiin 2 ehdotukselle." in page.locator(".flashes").inner_text()
    assert [status_of(app, made[n]) for n in ("Aalto", "Bertta", "Cecilia")] == [
        Status.SCREENING,
        Status.SUBMITTED,
        Status.SCREENING,
    ]


def test_staff_review_beside_the_proposal(role_pages, live_server):
    app, base = live_server.app, live_server.url
    proposal_id = make_proposal(app, Status.SCREENING, "Kirjastorobotti (arvioitava)")
    with app.app_context():
        colleague = builders.make_user(Role.STAFF, name="Kollega Arvioija")
        db.session.add(
            Review(
                proposal_id=proposal_id,
                reviewer_id=colleague,
                comment="Kollegan arvio.",
                **dict.fromkeys(SCORES, 2),
            )
        )
        db.session.commit()
    page = role_pages["staff"]
    page.goto(f"{base}/proposals/{proposal_id}?lang=fi")

    # Beside the proposal at laptop width.
    details, form = page.locator("section.details"), page.locator("form#review")
    d, f = details.bounding_box(), form.bounding_box()
    assert f["x"] >= d["x"] + d["width"], "the review form stands beside the proposal"
    assert f["y"] < d["y"] + d["height"]
    # Others' scores wait for one's own.
    reviews = page.locator("section.reviews-panel")
    assert "Kollega Arvioija" not in reviews.inner_text()
    assert "Kollegan arvio." not in page.content()
    # The rubric says what 1, 3 and 5 mean; every choice is a large target.
    assert page.locator("#need-rubric dt").all_inner_texts() == ["1", "3", "5"]
    for option in page.locator("label.score-option").all():
        box = option.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    found = problems(page)
    assert not found, found
    screenshots(page, "fi-staff-review-beside")

    # At phone width the form comes under the proposal.
    page.set_viewport_size(PHONE)
    d, f = details.bounding_box(), form.bounding_box()
    assert f["y"] >= d["y"] + d["height"]
    page.set_viewport_size(DESKTOP)

    for name in SCORES:
        page.locator(f"label[for='{name}-3']").click()  # the score 4
    page.fill("#comment", "Selkeä tarve, toteutettavissa.")
    with page.expect_navigation():
        page.click("form#review button[type=submit]")
    assert "Kollega Arvioija" in reviews.inner_text()
    assert "Keskiarvo: 3" in reviews.inner_text()  # (2 + 4) / 2
    with app.app_context():
        count = select(func.count()).select_from(Review).where(Review.proposal_id == proposal_id)
        assert db.session.scalar(count) == 2
