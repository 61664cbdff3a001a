"""What the public reads first: the home page, the statistics, the catalogue and an experiment's
page, in Finnish, Swedish and English, on a laptop and a phone: axe finds nothing, nothing
scrolls sideways at 390 px, every drawn chart has its text alternative, and screenshots at
1280 and 390 px are written for people to look at.
"""

from datetime import date

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Experiment, Proposal

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = 390


@pytest.fixture(scope="module")
def visitor(browser):
    context = browser.new_context(viewport=DESKTOP, locale="fi-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def open_call(live_server):
    """The id of a call open today (the demo's open programme has one)."""
    with live_server.app.app_context():
        return db.session.scalar(
            select(Call.id).where(Call.opens_on <= date.today(), Call.closes_on >= date.today())
        )


@pytest.fixture(scope="module")
def adopted(live_server):
    """The id of an adopted experiment of the demo."""
    with live_server.app.app_context():
        return db.session.scalar(
            select(Experiment.id)
            .join(Proposal, Proposal.id == Experiment.proposal_id)
            .where(Proposal.status == Status.ADOPTED)
            .order_by(Experiment.id)
            .limit(1)
        )


def _look(page, url: str, name: str) -> None:
    """Open the page, check it with axe and at phone width, and photograph it at both."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    violations = axe_violations(page)
    assert not violations, f"{name}:\n{describe(violations)}"
    screenshot(page, f"{name}-1280")
    overflow = horizontal_overflow(page, PHONE)
    assert not overflow, f"{name}: scrolls sideways at {PHONE} px:\n  " + "\n  ".join(overflow)
    page.set_viewport_size({"width": PHONE, "height": 800})
    try:
        screenshot(page, f"{name}-{PHONE}")
    finally:
        page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_public_pages_look_right_everywhere(visitor, live_server, adopted, open_call, lang):
    base = live_server.url
    _look(visitor, f"{base}/?lang={lang}", f"{lang}-public-home")
    _look(visitor, f"{base}/calls/{open_call}?lang={lang}", f"{lang}-public-call")
    _look(visitor, f"{base}/statistics?lang={lang}", f"{lang}-public-statistics")
    _look(visitor, f"{base}/experiments?lang={lang}", f"{lang}-public-catalogue")
    _look(visitor, f"{base}/experiments/{adopted}?lang={lang}", f"{lang}-public-experiment")
    assert not live_server.errors


def test_every_drawn_chart_is_named_and_described(visitor, live_server):
    visitor.goto(f"{live_server.url}/statistics?lang=en")
    charts = visitor.locator("svg.svg-chart")
    assert charts.count() == 5
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "img"
        title_id, desc_id = chart.get_attribute("aria-labelledby").split()
        assert visitor.locator(f"#{title_id}").text_content().strip()
        assert visitor.locator(f"#{desc_id}").text_content().strip()
    # The home's call cards are links to the call as a whole.
    visitor.goto(f"{live_server.url}/?lang=en")
    card = visitor.locator(".call-card").first
    title = card.locator("h3").inner_text()
    # Anywhere on the card: near its bottom, under the description, not on the title.
    box = card.bounding_box()
    card.click(position={"x": 20, "y": box["height"] - 12})
    assert visitor.locator("h1").inner_text() == title
    visitor.goto(f"{live_server.url}/statistics?lang=en")
    # The table beside a chart opens from its summary.
    visitor.get_by_text("The figures as a table").first.click()
    assert visitor.locator("#funnel-table").is_visible()


def test_the_statistics_print_on_a4_without_the_choosers(visitor, live_server):
    visitor.goto(f"{live_server.url}/statistics?lang=fi")
    visitor.emulate_media(media="print")
    try:
        assert not visitor.locator("form.filters").is_visible()
        assert not visitor.locator("nav.contents").is_visible()
        assert visitor.locator("#funnel-chart").is_visible()
        assert visitor.locator(".tiles").is_visible()
        pdf = visitor.pdf(format="A4")
    finally:
        visitor.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")


def test_an_experiment_prints_its_result_and_story(visitor, live_server, adopted):
    visitor.goto(f"{live_server.url}/experiments/{adopted}?lang=sv")
    visitor.emulate_media(media="print")
    try:
        assert not visitor.locator(".site-header").is_visible()
        assert visitor.locator(".result-box").is_visible()
        assert visitor.locator(".story").is_visible()
        pdf = visitor.pdf(format="A4")
    finally:
        visitor.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
