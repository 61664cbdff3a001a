"""A manager reads the programme statistics and fetches the exports, in Finnish, Swedish and
English: where the proposals are now adds up, shares name their base, an over-spent pilot
and a year over its budget are flagged, empty years say why; axe finds nothing and nothing
scrolls sideways on a phone.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Expense, Programme, ProgrammeYear, Proposal
from tests import builders

from .conftest import (
    DESKTOP,
    SCREENSHOTS,
    axe_violations,
    describe,
    horizontal_overflow,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
# Per language: the caption of where the proposals are now (for the test's programme of
# three proposals), the flag of the over-spent pilot, a year before the first call.
TEXTS = {
    "fi": (
        "Missä 3 lähetettyä ehdotusta ovat nyt ja niiden osuus kussakin tilassa",
        "Pilotit, jotka ovat käyttäneet enemmän kuin niille myönnettiin: 1",
        "0: ennen ensimmäistä hakua",
        "Yli vuosibudjetin",
    ),
    "sv": (
        "Var de 3 inlämnade förslagen är nu och deras andel i varje status",
        "Piloter som använt mer än sin beviljade budget: 1",
        "0: före den första utlysningen",
        "Över årsbudgeten",
    ),
    "en": (
        "Where the 3 submitted proposals are now, and their share in each state",
        "Pilots that spent more than their allocated budget: 1",
        "0: before the first call",
        "Over the annual budget",
    ),
}


@pytest.fixture(scope="module")
def manager(browser, live_server):
    """A manager's own browser, so that the languages it visits stay its own."""
    context = browser.new_context(viewport=DESKTOP, locale="fi-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, live_server.url, "manager")
    yield page
    context.close()


@pytest.fixture(scope="module")
def programme(live_server):
    """A programme of 2014–2018 with a call in 2016: one proposal awaiting screening, one
    in screening, one pilot that spent more than its allocation, in a year over budget."""
    app = live_server.app
    with app.app_context():
        programme = Programme(name="Figures that add up", start_year=2014, end_year=2018)
        programme.years = [
            ProgrammeYear(year=y, annual_budget=Decimal("12000.00")) for y in range(2014, 2019)
        ]
        programme.calls.append(
            Call(title="Call 2016", opens_on=date(2016, 1, 1), closes_on=date(2016, 6, 30))
        )
        db.session.add(programme)
        db.session.commit()
        applicant = app.config["SEED"]["people"]["applicant"]
        staff = app.config["SEED"]["people"]["staff"]
        for status in (Status.SUBMITTED, Status.SCREENING, Status.PILOT):
            proposal = db.session.get(
                Proposal,
                builders.make_proposal(
                    applicant,
                    programme.id,
                    status=status,
                    experiment_owner_id=staff,
                    title=f"Figures ({status.value})",
                ),
            )
            proposal.submitted_at = datetime(2016, 3, 1, 10, tzinfo=UTC)
        db.session.add(
            Expense(
                experiment_id=proposal.experiment.id,
                date=date(2015, 6, 1),
                amount=Decimal("12500.00"),
                description="Robots",
            )
        )
        db.session.commit()
        return programme.id


def problems(page) -> str:
    """axe violations, and what scrolls sideways at a phone's 375 px."""
    found = describe(axe_violations(page))
    overflow = horizontal_overflow(page, PHONE["width"])
    if overflow:
        found += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
    return found


def phone_screenshot(page, name: str) -> None:
    """The whole page at a phone's width, and each of its sections apart (readable)."""
    page.set_viewport_size(PHONE)
    try:
        screenshot(page, name)
        for section in page.locator("main section[aria-labelledby]").all():
            part = section.get_attribute("aria-labelledby")
            section.screenshot(path=str(SCREENSHOTS / f"{name}-{part}.png"))
    finally:
        page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_manager_reads_statistics_that_add_up(manager, live_server, programme, lang):
    caption, overspent, before, over_budget = TEXTS[lang]
    manager.goto(f"{live_server.url}/statistics?programme={programme}&lang={lang}")
    assert manager.locator("#outcomes caption").inner_text() == caption
    counts = [
        int(text.split()[0])
        for text in manager.locator("#outcomes tbody td .data").all_inner_texts()
    ]
    assert sum(counts) == 3 and counts[:3] == [1, 1, 0]
    assert manager.locator("#overspent").inner_text() == overspent
    assert manager.locator(".overspent-pilots a").inner_text() == "Figures (pilot)"
    assert manager.locator("#budget-warnings strong").inner_text() == over_budget
    years = manager.locator("#by-year tbody td .data").all_inner_texts()
    assert years[:2] == [before, before]
    found = problems(manager)
    assert not found, found
    screenshot(manager, f"{lang}-manager-statistics-flags")
    phone_screenshot(manager, f"{lang}-manager-statistics-flags-phone")
    assert not live_server.errors


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_demo_programmes_statistics_on_a_laptop_and_a_phone(manager, live_server, lang):
    manager.goto(f"{live_server.url}/statistics?lang={lang}")
    counts = [
        int(text.split()[0].replace("\xa0", "").replace(",", ""))
        for text in manager.locator("#outcomes tbody td .data").all_inner_texts()
    ]
    headline = manager.locator('.tiles [data-metric="proposals"] .tile-value').inner_text()
    assert sum(counts) == int(headline.replace("\xa0", "").replace(",", ""))
    found = problems(manager)
    assert not found, found
    screenshot(manager, f"{lang}-manager-statistics")
    phone_screenshot(manager, f"{lang}-manager-statistics-phone")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_manager_fetches_the_exports(manager, live_server, programme, lang):
    manager.goto(f"{live_server.url}/exports/?lang={lang}")
    section = manager.locator(f'section[aria-labelledby="programme-{programme}"]')
    with manager.expect_download() as download:
        section.locator("a[href*='proposals.xlsx']").click()
    assert download.value.suggested_filename == "proposals.xlsx"
    section.locator("details summary").click()
    assert section.locator(f"a[href$='proposals.csv?programme={programme}']").is_visible()
    found = problems(manager)
    assert not found, found
    screenshot(manager, f"{lang}-manager-exports")
    phone_screenshot(manager, f"{lang}-manager-exports-phone")
    assert not live_server.errors
