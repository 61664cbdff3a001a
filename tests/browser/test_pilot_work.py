"""A pilot's work in the browser: a manager starts a pilot from the prefilled form, seeing the
year's remaining budget and every refusal together; staff record an expense and correct it
over the allocation, confirming; a manager decides with the evaluation in view. Each page
passes axe and fits a 375 px phone."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Expense, Proposal, RecordChange
from experiments.statistics import year_budget
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE_WIDTH = 375


def make_proposal(app, status: Status, title: str, **fields) -> int:
    """A proposal of this test's own in the seeded programme, owned by the seeded applicant."""
    with app.app_context():
        seed = app.config["SEED"]
        programme_id = db.session.get(Proposal, seed["proposals"][Status.DRAFT.value]).programme_id
        return builders.make_proposal(
            seed["people"]["applicant"],
            programme_id,
            status=status,
            title=title,
            experiment_owner_id=seed["people"]["staff"],
            **fields,
        )


def problems(page) -> str:
    """axe violations, and what scrolls sideways on a phone."""
    found = describe(axe_violations(page))
    overflow = horizontal_overflow(page, PHONE_WIDTH)
    if overflow:
        found += f"\nscrolls sideways at {PHONE_WIDTH} px:\n    " + "\n    ".join(overflow)
    return found


def text(locator) -> str:
    """What the element says, with no-break spaces (Finnish amounts) read as spaces."""
    return locator.inner_text().replace("\xa0", " ")


def phone_screenshot(page, name: str) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_a_manager_starts_a_pilot_from_the_prefilled_form(role_pages, live_server):
    app, base = live_server.app, live_server.url
    proposal_id = make_proposal(
        app, Status.SCREENING, "Lainattavat sähköpyörät", requested_budget=Decimal("18500.00")
    )
    year = date.today().year
    with app.app_context():
        programme_id = db.session.get(Proposal, proposal_id).programme_id
        remaining = year_budget(programme_id, year).remaining
    page = role_pages["manager"]
    page.goto(f"{base}/proposals/{proposal_id}?lang=en")

    # The budget asked for is the starting amount; what the year has left is said beside it.
    assert page.input_value("#pilot-allocated_budget") == "18500.00"
    hint = page.locator("#pilot-allocated_budget-hint").inner_text()
    assert f"€{remaining:,.2f} of the {year} budget remains unallocated." == hint
    screenshot(page, "en-manager-pilot-start-prefilled")

    # Too much money and an end before the start: both are said at once, before confirming.
    start = date(year, 2, 1)
    page.fill("#pilot-allocated_budget", f"{remaining + 1}")
    page.fill("#pilot-start_date", start.isoformat())
    page.fill("#pilot-planned_end_date", (start - timedelta(days=1)).isoformat())
    page.select_option("#pilot-owner_id", str(app.config["SEED"]["people"]["staff"]))
    with page.expect_navigation() as navigation:
        page.click("form.move-pilot button[type=submit]")
    assert navigation.value.status == 422
    summary = page.locator("form.move-pilot .error-summary").inner_text()
    assert "The planned end must be after the start." in summary
    assert f"Only €{remaining:,.2f} of the {year} budget remains." in summary
    found = problems(page)
    assert not found, found
    screenshot(page, "en-manager-pilot-start-errors")
    phone_screenshot(page, "en-manager-pilot-start-errors")

    page.fill("#pilot-allocated_budget", "18500")
    page.fill("#pilot-planned_end_date", (start + timedelta(days=150)).isoformat())
    with page.expect_navigation() as navigation:
        page.click("form.move-pilot button[type=submit]")
    assert navigation.value.status == 200
    assert page.locator("h1").inner_text() == "Confirm: Start a pilot"
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == Status.PILOT
        assert proposal.experiment.allocated_budget == Decimal("18500.00")
    page.goto(f"{base}/?lang=fi")


def test_staff_record_and_correct_an_expense(role_pages, live_server):
    app, base = live_server.app, live_server.url
    proposal_id = make_proposal(app, Status.PILOT, "Kirjastorobotti (kulut)")
    with app.app_context():
        experiment = db.session.get(Proposal, proposal_id).experiment
        eid, start = experiment.id, experiment.start_date
    page = role_pages["staff"]
    page.goto(f"{base}/pilots/{eid}?lang=fi")

    page.click("#expenses details.add summary")
    page.fill("#expense-date", start.isoformat())
    page.fill("#expense-amount", "9500")
    page.fill("#expense-description", "Robotin vuokra")
    with page.expect_navigation():
        page.click("#expenses form button[type=submit]")
    assert "Kulu on tallennettu." in page.locator("[role=status]").inner_text()
    row = page.locator("#expenses tbody tr", has_text="Robotin vuokra")
    assert "9 500,00 €" in text(row)

    # Corrected over the 10 000 € allocation: the page asks first, and saves nothing yet.
    with page.expect_navigation():
        row.get_by_role("link", name="Korjaa tai poista").click()
    assert page.locator("h1").inner_text() == "Korjaa kulu"
    page.fill("#expense-amount", "10400")
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 200
    assert page.locator("h1").inner_text() == "Vahvista: kulut ylittävät myönnetyn budjetin"
    assert "budjetti ylittyy 400,00 €" in text(page.locator(".warning-panel"))
    with app.app_context():
        assert db.session.query(Expense).filter_by(experiment_id=eid).one().amount == Decimal(
            "9500.00"
        )
    found = problems(page)
    assert not found, found
    screenshot(page, "fi-staff-confirm-overspending")
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")

    assert "Korjaus on tallennettu." in page.locator("[role=status]").inner_text()
    history = text(page.locator("#changes"))
    assert "Kulua korjattu" in history and "9 500,00 € → 10 400,00 €" in history
    with app.app_context():
        assert db.session.query(RecordChange).filter_by(experiment_id=eid).count() == 1
    found = problems(page)
    assert not found, found
    screenshot(page, "fi-staff-pilot-page")
    phone_screenshot(page, "fi-staff-pilot-page")


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("fi", ("Arviointi päätöksen tueksi", "Ota käyttöön", "Vahvista: Ota käyttöön")),
        ("sv", ("Utvärderingen som stöd för beslutet", "Inför", "Bekräfta: Inför")),
        ("en", ("The evaluation, for the decision", "Adopt", "Confirm: Adopt")),
    ],
)
def test_a_manager_decides_with_the_evaluation_in_view(role_pages, live_server, lang, texts):
    evidence_title, recommendation, confirm_heading = texts
    app, base = live_server.app, live_server.url
    proposal_id = make_proposal(app, Status.EVALUATION, f"Lumirobotti ({lang})")
    with app.app_context():
        builders.make_evaluation(proposal_id, app.config["SEED"]["people"]["staff"])
        eid = db.session.get(Proposal, proposal_id).experiment.id
    page = role_pages["manager"]
    page.goto(f"{base}/pilots/{eid}?lang={lang}")

    evidence = page.locator("aside.evidence")
    assert evidence.locator("h3").inner_text() == evidence_title
    assert recommendation in evidence.locator("strong").inner_text()
    assert "Works on flat streets." in evidence.inner_text()
    assert page.input_value("#adopted-lessons_learned") == "Works on flat streets."
    found = problems(page)
    assert not found, found
    screenshot(page, f"{lang}-manager-decide-with-evaluation")
    phone_screenshot(page, f"{lang}-manager-decide-with-evaluation")

    page.fill("#adopted-decision", "Adopted in every library.")
    with page.expect_navigation():
        page.click("form.move-adopted button[type=submit]")
    assert page.locator("h1").inner_text() == confirm_heading
    with page.expect_navigation():
        page.click("form.confirm button[type=submit]")
    with app.app_context():
        experiment = db.session.get(Proposal, proposal_id).experiment
        assert experiment.proposal.status == Status.ADOPTED
        assert experiment.lessons_learned == "Works on flat streets."
    page.goto(f"{base}/?lang=fi")


def test_the_pilots_list_sorts_by_its_columns(role_pages, live_server):
    base = live_server.url
    page = role_pages["staff"]
    page.goto(f"{base}/pilots?lang=fi")
    sorted_column = page.locator("table.pilots").first.locator("th[aria-sort]")
    assert sorted_column.get_attribute("aria-sort") == "ascending"
    assert "Suunniteltu päättyminen" in sorted_column.inner_text()
    with page.expect_navigation():
        page.locator("table.pilots").first.get_by_role("link", name="Käytetty / myönnetty").click()
    sorted_column = page.locator("table.pilots").first.locator("th[aria-sort]")
    assert "Käytetty / myönnetty" in sorted_column.inner_text()
    assert sorted_column.get_attribute("aria-sort") == "ascending"
    with page.expect_navigation():
        sorted_column.get_by_role("link").click()
    assert (
        page.locator("table.pilots").first.locator("th[aria-sort]").get_attribute("aria-sort")
        == "descending"
    )
    found = problems(page)
    assert not found, found
    screenshot(page, "fi-staff-pilots-list")
    phone_screenshot(page, "fi-staff-pilots-list")


def test_a_reassessed_risk_shows_its_earlier_assessment(role_pages, live_server):
    app, base = live_server.app, live_server.url
    proposal_id = make_proposal(app, Status.PILOT, "Kirjastorobotti (riskit)")
    with app.app_context():
        eid = db.session.get(Proposal, proposal_id).experiment.id
    page = role_pages["staff"]
    page.goto(f"{base}/pilots/{eid}?lang=fi")
    page.click("#risks details.add summary")
    page.fill("#risk-description", "Robotti liukastuu jäällä")
    page.locator("#risk-probability input[value='3']").check()
    page.locator("#risk-impact input[value='4']").check()
    page.select_option("#risk-status", "red")
    with page.expect_navigation():
        page.click("#risks details.add form button[type=submit]")
    row = page.locator("#risks tbody tr", has_text="Robotti liukastuu jäällä")
    with page.expect_navigation():
        row.get_by_role("link", name="Arvioi uudelleen").click()
    page.locator("#probability input[value='1']").check()
    page.select_option("#status", "green")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    row = page.locator("#risks tbody tr", has_text="Robotti liukastuu jäällä")
    earlier = text(row.locator(".risk-trend"))
    assert earlier.startswith("Aiemmat arviot:")
    assert "3 × 4 = 12" in earlier and "Punainen" in earlier
    found = problems(page)
    assert not found, found
    screenshot(page, "fi-staff-risk-trend")
    phone_screenshot(page, "fi-staff-risk-trend")
