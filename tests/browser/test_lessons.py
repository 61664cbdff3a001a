"""The lessons library in the browser: filters, axe in three languages, a phone's width, and
filters that fold away on a phone but stay usable without JavaScript."""

import pytest

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
HEADINGS = {"fi": "Opit", "sv": "Lärdomar", "en": "Lessons learned"}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_library_passes_axe_and_fits_a_phone(role_pages, live_server, lang):
    page = role_pages["anonymous"]
    page.goto(f"{live_server.url}/lessons?lang={lang}")
    assert page.locator("h1").inner_text() == HEADINGS[lang]
    assert page.locator("ul.lessons > li").count() >= 10  # the demo's decided experiments
    problems = describe(axe_violations(page))
    assert not problems, problems
    overflow = horizontal_overflow(page, 375) + horizontal_overflow(page, 320)
    assert not overflow, overflow
    screenshot(page, f"{lang}-lessons")


def test_filtering_by_outcome_and_words(role_pages, live_server):
    page = role_pages["anonymous"]
    page.goto(f"{live_server.url}/lessons?lang=en")
    page.select_option("#outcome", "discontinued")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "outcome=discontinued" in page.url
    statuses = page.locator("ul.lessons .status").all_inner_texts()
    assert statuses and set(statuses) == {"Discontinued"}
    title = page.locator("ul.lessons h2 a").first.inner_text()
    page.fill("#q", title.upper())
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert page.locator("ul.lessons h2 a").all_inner_texts() == [title]
    with page.expect_navigation():
        page.click("ul.lessons h2 a")
    assert page.locator("h1").inner_text() == title  # the experiment's public page


def test_filters_fold_away_on_a_phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="fi-FI")
    page = context.new_page()
    page.goto(f"{live_server.url}/lessons?lang=en")
    assert not page.locator("details.fold").evaluate("d => d.open")
    assert not page.locator("#outcome").is_visible()
    screenshot(page, "en-lessons-phone")
    page.click("details.fold > summary")
    assert page.locator("#outcome").is_visible()
    problems = describe(axe_violations(page))
    assert not problems, problems
    screenshot(page, "en-lessons-phone-filters")
    # Filters in use stay open, so the person sees what narrowed the list.
    page.goto(f"{live_server.url}/lessons?lang=en&outcome=adopted")
    assert page.locator("#outcome").is_visible()
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/lessons?lang=en")
    assert page.locator("#outcome").is_visible()
    context.close()


def test_filters_work_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="sv-FI", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/lessons")
    assert page.locator("h1").inner_text() == "Lärdomar"
    page.select_option("#outcome", "adopted")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    statuses = page.locator("ul.lessons .status").all_inner_texts()
    assert statuses and set(statuses) == {"Införd"}
    context.close()
