"""The look on a phone: at 390 px the main pages, in Finnish, Swedish and English, keep every
text inside its box (a wide table scrolls in its own box instead), never break a word
anywhere in the middle, never scroll sideways and pass axe (colour contrast included). The
header's menu folds behind a button that opens without JavaScript. Screenshots at 1280 and
390 px go to test-artifacts/screenshots/ (look-*)."""

import pytest

from experiments.extensions import db
from experiments.models import Proposal

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LANGUAGES = ("fi", "sv", "en")
MENU = {"fi": "Valikko", "sv": "Meny", "en": "Menu"}

# Elements with text of their own whose content is wider than their box, outside the boxes
# that scroll on purpose (.table-scroll, overflow: auto); and anything set to break words
# at any letter.
TEXT_PROBLEMS = """() => {
  const problems = [];
  const skip = 'script, style, select, option, .visually-hidden, .skip-link';
  for (const el of document.body.querySelectorAll('*')) {
    if (el.matches(skip) || el.closest('.table-scroll')) continue;
    const style = getComputedStyle(el);
    const anywhere = ['break-all', 'break-word'].includes(style.wordBreak);
    if (style.overflowWrap === 'anywhere' || anywhere) {
      problems.push(`${el.tagName.toLowerCase()}.${el.className}: breaks words anywhere`);
    }
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.clientWidth <= 1 || !el.getClientRects().length) continue;
    if (['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth}px in ` +
        `${el.clientWidth}px): ${el.textContent.trim().slice(0, 60)}`);
    }
  }
  return problems.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def places(live_server):
    """The main pages, by name: (who looks, path)."""
    ids = live_server.app.config["SEED"]
    proposals = ids["proposals"]
    with live_server.app.app_context():
        pilot = db.session.get(Proposal, proposals["pilot"])
        adopted = db.session.get(Proposal, proposals["adopted"])
        experiment, programme = adopted.experiment.id, pilot.programme_id
    return {
        "home": ("anonymous", "/"),
        "catalogue": ("anonymous", "/experiments"),
        "experiment": ("anonymous", f"/experiments/{experiment}"),
        "statistics": ("anonymous", "/statistics"),
        "sign-in": ("anonymous", "/login"),
        "queue": ("staff", "/screening?status=all"),
        "proposal": ("staff", f"/proposals/{proposals['pilot']}"),
        "pilots": ("staff", "/pilots"),
        "scorecard": ("manager", f"/scorecards/{programme}"),
    }


@pytest.fixture(scope="module")
def viewers(browser, live_server):
    """A tab per role of its own (the visit's language changes with ?lang=)."""
    pages = {}
    for role in ("anonymous", "staff", "manager"):
        context = browser.new_context(viewport=PHONE, locale="fi-FI")
        context.set_default_timeout(10_000)
        page = context.new_page()
        if role != "anonymous":
            sign_in(page, live_server.url, role)
        pages[role] = page
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_fit_a_phone(viewers, live_server, places, lang):
    problems = []
    for name, (role, path) in places.items():
        page = viewers[role]
        page.set_viewport_size(PHONE)
        separator = "&" if "?" in path else "?"
        response = page.goto(f"{live_server.url}{path}{separator}lang={lang}")
        assert response.status == 200, f"{path}: {response.status}"
        assert page.locator("html").get_attribute("lang") == lang
        screenshot(page, f"look-{lang}-{name}-390")
        found = page.evaluate(TEXT_PROBLEMS)
        found += describe(axe_violations(page)).splitlines()
        found += horizontal_overflow(page, PHONE["width"])
        problems += [f"[{lang} {name}] {line}" for line in found]
        screenshot(page, f"look-{lang}-{name}-1280")
    assert not problems, "\n".join(problems)


def test_the_menu_opens_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="sv-FI", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/experiments")
        button = page.locator("summary.menu-button")
        assert button.inner_text().strip() == MENU["sv"]
        experiments = page.locator(".main-nav a[aria-current=page]")
        assert not experiments.is_visible()
        button.click()
        assert experiments.is_visible()
        assert page.locator(".main-nav a").count() >= 3
        screenshot(page, "look-sv-menu-open-390")
        button.click()
        assert not experiments.is_visible()
        # Wider than a phone the menu is simply open, its button gone.
        page.set_viewport_size(DESKTOP)
        assert experiments.is_visible()
        assert not button.is_visible()
    finally:
        context.close()


def test_the_open_menu_passes_axe(viewers, live_server):
    page = viewers["staff"]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/?lang=en")
    page.click("summary.menu-button")
    assert page.locator(".main-nav").is_visible()
    problems = describe(axe_violations(page))
    assert not problems, problems
    screenshot(page, "look-en-menu-open-staff-390")


# The printable width of an A4 sheet at 96 px per inch: portrait with print.css's 12 mm
# margins, landscape with the scorecard's 10 mm.
A4_PORTRAIT, A4_LANDSCAPE = round((210 - 24) / 25.4 * 96), round((297 - 20) / 25.4 * 96)
PRINT_PROBLEMS = """(width) => {
  const problems = [];
  for (const el of document.querySelectorAll('.site-header, .site-footer, main form')) {
    if (el.getClientRects().length) problems.push(`${el.className || el.tagName} printed`);
  }
  for (const table of document.querySelectorAll('main table')) {
    const right = table.getBoundingClientRect().right;
    if (right > width + 1) problems.push(`table ${table.className} ${Math.round(right)}px wide`);
  }
  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`page ${document.documentElement.scrollWidth}px wide`);
  }
  return problems;
}"""


@pytest.mark.parametrize("name", ["experiment", "statistics", "scorecard"])
def test_pages_print_on_a4(viewers, live_server, places, name):
    role, path = places[name]
    width = A4_LANDSCAPE if name == "scorecard" else A4_PORTRAIT
    page = viewers[role]
    page.goto(f"{live_server.url}{path}?lang=fi")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": width, "height": 1123})
    try:
        problems = page.evaluate(PRINT_PROBLEMS, width)
        assert not problems, problems
        screenshot(page, f"look-fi-{name}-print")
        assert page.pdf(format="A4")[:4] == b"%PDF"
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size(PHONE)
