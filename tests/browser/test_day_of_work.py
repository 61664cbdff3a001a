"""A working day, from each person's home page, in Finnish, Swedish and English: the applicant
answers the city's question, staff take the answer back to screening, find a proposal in the
queue and review it beside the proposal, a manager starts a pilot from the prefilled form and
decides an evaluated one with the evaluation in view. After signing in, only what a person
sees is clicked; every irreversible move asks first. Each page passes axe and fits a 375 px
phone; screenshots at 1280 and 375 px.
"""

from datetime import date
from decimal import Decimal

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Experiment, Proposal, Review, StatusChange
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
LANGUAGES = ("fi", "sv", "en")
SCORES = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")

# What each person reads on the way, per language: written out here, not taken from the code.
TEXTS = {
    "fi": {
        "question_section": "Vastaa kaupungin kysymykseen",
        "answer_link": "Vastaa kysymykseen",
        "answer_button": "Vastaa ja lähetä uudelleen",
        "answer_sent": "Kiitos, vastauksesi on lähetetty kaupungille.",
        "waiting_section": "Odottaa kaupunkia",
        "submitted": "Lähetetty",
        "answered_section": "Hakijoiden vastaukset",
        "answered": "Vastattu",
        "start_screening": "Aloita esikäsittely",
        "open_queue": "Avaa esikäsittelyjono",
        "show": "Näytä",
        "save_review": "Tallenna arvio",
        "ready_for_pilot": "Valmiina pilottipäätökseen",
        "start_pilot": "Käynnistä pilotti",
        "remains": "budjetista on jakamatta",
        "confirm_start": "Vahvista: Käynnistä pilotti",
        "ready_to_decide": "Valmiina käyttöönottoon tai lopettamiseen",
        "open_experiment": "Avaa kokeilu",
        "evidence": "Arviointi päätöksen tueksi",
        "recommendation": "Ota käyttöön",
        "confirm_adopt": "Vahvista: Ota käyttöön",
        "undone": "Tätä ei voi kumota.",
        "adopted": "Otettu käyttöön",
    },
    "sv": {
        "question_section": "Svara på stadens fråga",
        "answer_link": "Svara på frågan",
        "answer_button": "Svara och skicka in på nytt",
        "answer_sent": "Tack, ditt svar har skickats till staden.",
        "waiting_section": "Väntar på staden",
        "submitted": "Inlämnad",
        "answered_section": "Svar från sökande",
        "answered": "Besvarad",
        "start_screening": "Börja granskningen",
        "open_queue": "Öppna granskningskön",
        "show": "Visa",
        "save_review": "Spara bedömningen",
        "ready_for_pilot": "Redo för beslut om pilot",
        "start_pilot": "Starta en pilot",
        "remains": "återstår",
        "confirm_start": "Bekräfta: Starta en pilot",
        "ready_to_decide": "Redo att införas eller avslutas",
        "open_experiment": "Öppna försöket",
        "evidence": "Utvärderingen som stöd för beslutet",
        "recommendation": "Inför",
        "confirm_adopt": "Bekräfta: Inför",
        "undone": "Det går inte att ångra.",
        "adopted": "Införd",
    },
    "en": {
        "question_section": "Answer the city's question",
        "answer_link": "Answer the question",
        "answer_button": "Answer and resubmit",
        "answer_sent": "Thank you: your answer is sent to the city",
        "waiting_section": "Waiting for the city",
        "submitted": "Submitted",
        "answered_section": "Answers from applicants",
        "answered": "Answered",
        "start_screening": "Start screening",
        "open_queue": "Open the screening queue",
        "show": "Show",
        "save_review": "Save review",
        "ready_for_pilot": "Ready for a pilot decision",
        "start_pilot": "Start a pilot",
        "remains": "budget remains unallocated",
        "confirm_start": "Confirm: Start a pilot",
        "ready_to_decide": "Ready to adopt or discontinue",
        "open_experiment": "Open the experiment",
        "evidence": "The evaluation, for the decision",
        "recommendation": "Adopt",
        "confirm_adopt": "Confirm: Adopt",
        "undone": "This cannot be undone.",
        "adopted": "Adopted",
    },
}


class Walk:
    """One person's browser: each page reached is checked (axe, 375 px) and photographed."""

    def __init__(self, page, lang: str, who: str):
        self.page, self.lang, self.who, self.step = page, lang, who, 0

    def look(self, name: str) -> None:
        page = self.page
        assert page.evaluate("document.documentElement.lang") == self.lang
        found = describe(axe_violations(page))
        overflow = horizontal_overflow(page, PHONE["width"])
        if overflow:
            found += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
        assert not found, f"[{self.lang} {self.who} {name}] {found}"
        self.step += 1
        shot = f"day-{self.lang}-{self.who}-{self.step}-{name}"
        screenshot(page, shot)
        page.set_viewport_size(PHONE)
        screenshot(page, f"{shot}-phone")
        page.set_viewport_size(DESKTOP)

    def click(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()


def person(app, role: Role, name: str, lang: str) -> tuple[int, str]:
    address = f"{name.lower().replace(' ', '.')}.{lang}@day.example"
    with app.app_context():
        return builders.make_user(role, email=address, name=name, locale=lang), address


def signed_in(browser, base: str, address: str, lang: str, who: str) -> Walk:
    """A fresh browser signed in through the form; it lands on the person's home."""
    context = browser.new_context(viewport=DESKTOP, locale=f"{lang}-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/login?lang={lang}")
    page.fill("#email", address)
    page.fill("#password", builders.PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == f"{base}/", page.url
    return Walk(page, lang, who)


def status_of(app, proposal_id: int) -> Status:
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def programme_id(app) -> int:
    with app.app_context():
        draft = app.config["SEED"]["proposals"][Status.DRAFT.value]
        return db.session.get(Proposal, draft).programme_id


def asked(app, owner: int, title: str, question: str) -> int:
    """A proposal of owner's on which the seeded staff member asked question."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            owner, programme_id(app), Status.MORE_INFO, title=title
        )
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=Status.SCREENING,
                to_status=Status.MORE_INFO,
                actor_id=app.config["SEED"]["people"]["staff"],
                reason=question,
                language="fi",
            )
        )
        db.session.commit()
    return proposal_id


def task(page, section_heading: str, title: str):
    """The task of this title in the home's section of this heading."""
    section = page.locator("section.home-section", has=page.locator("h2", has_text=section_heading))
    return section.locator("li.task", has=page.get_by_role("link", name=title, exact=True))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_applicant_answers_the_city_from_the_home(browser, live_server, lang):
    app, base, say = live_server.app, live_server.url, TEXTS[lang]
    owner, address = person(app, Role.APPLICANT, "Aino Vastaaja", lang)
    title = f"Kirjastorobotti Tapiolaan ({lang})"
    question = "Kuinka monta robottia tarvitaan?"
    proposal_id = asked(app, owner, title, question)
    walk = signed_in(browser, base, address, lang, "applicant")
    page = walk.page
    try:
        item = task(page, say["question_section"], title)
        assert question in item.inner_text()
        walk.look("home-question")
        walk.click(item.get_by_role("link", name=say["answer_link"]))
        # The question stands right above the box, in view.
        said = page.locator("#question")
        assert question in said.inner_text()
        assert said.evaluate("e => e.getBoundingClientRect().top < innerHeight")
        walk.look("question")
        page.fill("#submitted-answer", "Kaksi robottia, yksi kummallekin kävelykadulle.")
        walk.click(page.get_by_role("button", name=say["answer_button"]))
        assert status_of(app, proposal_id) == Status.SUBMITTED
        assert say["answer_sent"] in page.locator(".flashes").inner_text()
        walk.look("answered")
        walk.click(page.locator("a.brand"))
        waiting = task(page, say["waiting_section"], title)
        assert say["submitted"] in waiting.inner_text()
        assert page.locator("section.home-section", has_text=say["question_section"]).count() == 0
        walk.look("home-waiting")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_take_the_answer_back_and_review_from_the_queue(browser, live_server, lang):
    app, base, say = live_server.app, live_server.url, TEXTS[lang]
    applicant = app.config["SEED"]["people"]["applicant"]
    answered_title = f"Lumirobotti vastattu ({lang})"
    answered = asked(app, applicant, answered_title, "Missä robotti talvehtii?")
    with app.app_context():
        proposal = db.session.get(Proposal, answered)
        proposal.status = Status.SUBMITTED
        db.session.add(
            StatusChange(
                proposal_id=answered,
                from_status=Status.MORE_INFO,
                to_status=Status.SUBMITTED,
                actor_id=applicant,
                reason="Varastossa Otaniemessä.",
                language="fi",
            )
        )
        db.session.commit()
        screened = builders.make_proposal(
            applicant, programme_id(app), Status.SCREENING, title=f"Ilmapallokirjasto {lang}"
        )
    _, address = person(app, Role.STAFF, "Sanna Seulonta", lang)
    walk = signed_in(browser, base, address, lang, "staff")
    page = walk.page
    try:
        item = task(page, say["answered_section"], answered_title)
        assert say["answered"] in item.inner_text()
        walk.look("home")
        walk.click(item.get_by_role("link", name=answered_title))
        walk.look("answered-proposal")
        # One action beside the answer, no confirmation: it can be undone by asking again.
        answer = page.locator("section.exchange.answered")
        walk.click(answer.get_by_role("button", name=say["start_screening"]))
        assert status_of(app, answered) == Status.SCREENING

        walk.click(page.locator("a.brand"))
        walk.click(page.get_by_role("link", name=say["open_queue"]).first)
        page.fill("#q", "ilmapallokirjasto")
        walk.click(page.locator("form.filters").get_by_role("button", name=say["show"]))
        walk.look("queue-searched")
        # On a phone each row is a block of labelled lines: nothing hides to the right.
        page.set_viewport_size(PHONE)
        wide, shown = page.locator("table.queue").evaluate(
            "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
        )
        assert wide <= shown, f"the queue scrolls sideways in its box ({wide} > {shown})"
        page.set_viewport_size(DESKTOP)
        walk.click(
            page.locator("table.queue").get_by_role("link", name=f"Ilmapallokirjasto {lang}")
        )
        form = page.locator("form#review")
        details = page.locator("section.details").bounding_box()
        assert form.bounding_box()["x"] >= details["x"] + details["width"]
        walk.look("review-beside")
        for name in SCORES:
            page.locator(f"label[for='{name}-4']").click()  # the score 5
        page.fill("#comment", "Selkeä tarve.")
        walk.click(form.get_by_role("button", name=say["save_review"]))
        walk.look("reviewed")
        with app.app_context():
            assert db.session.query(Review).filter_by(proposal_id=screened).count() == 1
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_manager_starts_a_pilot_and_decides_from_the_home(browser, live_server, lang):
    app, base, say = live_server.app, live_server.url, TEXTS[lang]
    seed = app.config["SEED"]
    to_start = f"Aurinkopenkit ({lang})"
    to_decide = f"Sähköpotkulaudat ({lang})"
    with app.app_context():
        programme = programme_id(app)
        start_id = builders.make_proposal(
            seed["people"]["applicant"],
            programme,
            Status.SCREENING,
            title=to_start,
            requested_budget=Decimal("1200.00"),
        )
        db.session.add(
            Review(
                proposal_id=start_id,
                reviewer_id=seed["people"]["staff"],
                comment="Hyvä.",
                **dict.fromkeys(SCORES, 5),
            )
        )
        db.session.commit()
        decide_id = builders.make_proposal(
            seed["people"]["applicant"],
            programme,
            Status.EVALUATION,
            title=to_decide,
            experiment_owner_id=seed["people"]["staff"],
        )
        builders.make_evaluation(decide_id, seed["people"]["staff"])
        experiment_id = db.session.query(Experiment).filter_by(proposal_id=decide_id).one().id
    _, address = person(app, Role.MANAGER, "Maija Päättäjä", lang)
    walk = signed_in(browser, base, address, lang, "manager")
    page = walk.page
    try:
        # Starting a pilot: the request is the starting amount, the year's budget is beside it.
        item = task(page, say["ready_for_pilot"], to_start)
        walk.look("home")
        walk.click(item.get_by_role("link", name=to_start))
        form_top = page.locator("form.move-pilot").evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= form_top < DESKTOP["height"], "the home opens the proposal at its form"
        assert page.input_value("#pilot-allocated_budget") == "1200.00"
        assert say["remains"] in page.locator("#pilot-allocated_budget-hint").inner_text()
        walk.look("pilot-form")
        year = date.today().year  # the tests' clock, not the browser's
        page.fill("#pilot-start_date", f"{year}-03-01")
        page.fill("#pilot-planned_end_date", f"{year}-08-31")
        page.select_option("#pilot-owner_id", str(seed["people"]["staff"]))
        walk.click(page.get_by_role("button", name=say["start_pilot"]))
        assert page.locator("h1").inner_text() == say["confirm_start"]
        assert say["undone"] in page.locator(".warning-panel").inner_text()
        assert status_of(app, start_id) == Status.SCREENING  # nothing yet
        walk.look("confirm-pilot")
        walk.click(page.locator("form.confirm").get_by_role("button", name=say["start_pilot"]))
        assert status_of(app, start_id) == Status.PILOT

        # Deciding: from the home to the experiment, the evaluation beside the form.
        walk.click(page.locator("a.brand"))
        item = task(page, say["ready_to_decide"], to_decide)
        assert say["recommendation"] in item.inner_text()
        walk.click(item.get_by_role("link", name=to_decide))
        walk.click(page.get_by_role("link", name=say["open_experiment"]))
        assert page.url == f"{base}/pilots/{experiment_id}"
        evidence = page.locator("aside.evidence")
        assert evidence.locator("h3").inner_text() == say["evidence"]
        assert say["recommendation"] in evidence.locator("strong").inner_text()
        walk.look("decide")
        # Forgetting the decision is said on this same page, beside the form.
        walk.click(page.locator("form.move-adopted button[type=submit]"))
        assert page.url == f"{base}/proposals/{decide_id}/moves/adopted"
        assert page.locator("section#facts").count() == 1
        assert page.locator("form.move-adopted .error-summary").is_visible()
        walk.look("decide-refused")
        page.fill("#adopted-decision", "Käyttöön kaikissa kirjastoissa.")
        adopt = page.locator("form.move-adopted button[type=submit]")
        assert "danger" not in (adopt.get_attribute("class") or "")
        walk.click(adopt)
        assert page.locator("h1").inner_text() == say["confirm_adopt"]
        assert status_of(app, decide_id) == Status.EVALUATION  # nothing yet
        walk.look("confirm-adopt")
        walk.click(page.locator("form.confirm button[type=submit]"))
        # Back on the experiment's page, where the decision was made.
        assert page.url == f"{base}/pilots/{experiment_id}"
        assert say["adopted"] in page.locator(".meta .status").inner_text()
        assert status_of(app, decide_id) == Status.ADOPTED
        walk.look("decided")
    finally:
        page.context.close()
