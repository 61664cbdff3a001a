"""Every page, for every role, in Finnish, Swedish and English: zero axe-core violations at
WCAG 2.1 A and AA, one h1, the page's language, no sideways scrolling at 320 px, no raw codes
or untranslated English interface text, autocomplete on personal fields, and every form with
required fields also in its error state (422, with an error summary).

The pages are found by following the links from each role's start pages, so pages added
later are checked too. A role's start pages (its home page, lists and a proposal in each
state it works with) are checked for that role; any other page and form is checked once per
language, by the first role that reaches it. Screenshots of the pages go to
test-artifacts/screenshots/ (see the README).
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.exceptions import HTTPException

from experiments import vocabulary
from experiments.lifecycle import Status
from tests.catalogues import read_catalogue

from .conftest import ROLES, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

LANGUAGES = ("fi", "sv", "en")
NOT_PAGES = ("/static/", "/api/", "/exports/", "/logout")
MAX_PAGES_PER_ROLE = 60
# Stored codes that must never reach a reader untranslated (those with an underscore cannot
# be ordinary words). Examples of a file format in <code> or a hint may show them.
RAW_CODES = sorted(
    code
    for code in {s.value for s in Status}
    | {code for table in vocabulary.LABELS.values() for code in table}
    if "_" in code
)


def english_probes(lang: str) -> list[str]:
    """English interface texts that must not appear on a page in `lang` (their translation
    differs): a view that shows a marked string without translating it is caught."""
    probes = set()
    for message in read_catalogue(lang):
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        for part in re.split(r"%\(\w+\)[sd]|%%", message.id):
            part = part.strip(" .,:;–-")
            if len(part.split()) >= 3:
                probes.add(part)
    return sorted(probes)


PROBES = {lang: english_probes(lang) for lang in ("fi", "sv")}
PAGE_FACTS = """([codes, probes]) => {
  const without = (selector) => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll(selector).forEach(e => e.remove());
    return clone.textContent.replace(/\\s+/g, ' ');
  };
  const text = without('code, pre, samp, kbd, script, style, [hidden], [lang]');
  const words = new Set(without('code, pre, samp, kbd, script, style, .hint')
    .split(/[^A-Za-z_]+/));
  // Personal fields: e-mail and password boxes, and a name asked together with an e-mail.
  const personal = [...document.querySelectorAll('main form')].flatMap(f => [
      ...f.querySelectorAll(f.querySelector('input[type=email]')
        ? 'input[type=email], input[type=password], input[name=name]'
        : 'input[type=password]')])
    .filter(e => !e.hasAttribute('autocomplete')).map(e => e.id || e.name);
  return {codes: codes.filter(c => words.has(c)), personal: personal,
          english: probes.filter(p => text.includes(p))};
}"""


SHARED_STARTS = ("/accessibility", "/no-such-page")


def start_pages(role: str, seed: dict) -> list[str]:
    """Where each role's crawl begins: its main pages and a proposal in each state it sees."""
    proposals = seed["proposals"]
    common = ["/", *SHARED_STARTS]
    by_role = {
        "anonymous": ["/login", "/register", "/login?next=/proposals/mine"],
        "applicant": [
            "/proposals/mine",
            "/proposals/new",
            *(
                f"/proposals/{proposals[s]}"
                for s in ("draft", "more_info", "pilot", "adopted", "withdrawn")
            ),
            f"/proposals/{proposals['draft']}/edit",
        ],
        "staff": [
            "/screening",
            *(
                f"/proposals/{proposals[s]}"
                for s in ("submitted", "screening", "pilot", "evaluation", "rejected")
            ),
            f"/screening/proposals/{proposals['screening']}/review",
        ],
        "manager": [
            "/screening",
            "/accessibility/feedback",
            *(
                f"/proposals/{proposals[s]}"
                for s in ("screening", "pilot", "evaluation", "adopted", "discontinued")
            ),
        ],
        "admin": ["/admin/users"],
    }
    return common + by_role[role]


@pytest.fixture(scope="session")
def checked() -> set:
    """What has been checked already: (language, role or '*', page or form)."""
    return set()


class Crawl:
    """Visits pages in a browser tab, collecting what is wrong with each."""

    def __init__(self, page, server, lang: str, role: str, checked: set):
        self.page, self.server, self.lang, self.role = page, server, lang, role
        self.base = server.url
        self.adapter = server.app.url_map.bind("127.0.0.1")
        self.checked = checked
        self.problems: list[str] = []
        self.seen_endpoints: set[str] = set()
        self.visited: set[str] = set()
        self.count = 0

    def first_time(self, what, per_role: bool = False) -> bool:
        """Whether to check this page or form now (see the module's docstring)."""
        key = (self.lang, self.role if per_role else "*", what)
        if key in self.checked:
            return False
        self.checked.add(key)
        return True

    def endpoint(self, path: str) -> tuple[str, dict]:
        try:
            return self.adapter.match(urlsplit(path).path, method="GET")
        except HTTPException:
            return "not_found", {}

    def check_here(self, label: str, expect_errors: bool = False) -> None:
        page = self.page
        self.count += 1
        h1 = page.locator("h1").count()
        if h1 != 1:
            self.problems.append(f"{label}: {h1} h1 elements (want exactly one)")
        lang = page.evaluate("document.documentElement.lang")
        if lang != self.lang:
            self.problems.append(f"{label}: <html lang={lang!r}>, want {self.lang!r}")
        facts = page.evaluate(PAGE_FACTS, [RAW_CODES, PROBES.get(self.lang, [])])
        if facts["english"]:
            self.problems.append(
                f"{label}: English interface text left untranslated: {facts['english'][:5]}"
            )
        if facts["codes"]:
            self.problems.append(f"{label}: raw codes shown: {facts['codes']}")
        if facts["personal"]:
            self.problems.append(
                f"{label}: personal fields without autocomplete: {facts['personal']}"
            )
        if expect_errors and page.locator(".error-summary").count() == 0:
            self.problems.append(f"{label}: the form was refused without an error summary")
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{label}: axe-core found\n{describe(violations)}")
        overflow = horizontal_overflow(page)
        if overflow:
            self.problems.append(
                f"{label}: scrolls sideways at 320 px:\n    " + "\n    ".join(overflow)
            )

    def visit(self, path: str, explicit: bool) -> list[str]:
        """Open a page, check it (unless checked already), and return the links it offers."""
        self.visited.add(path)
        try:
            response = self.page.goto(self.base + path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                return []  # a file, not a page
            raise
        status = response.status if response else 0
        endpoint, _ = self.endpoint(path)
        label = f"[{self.lang} {self.role}] {path} ({endpoint}, {status})"
        if status >= 500:
            self.problems.append(f"{label}: server error")
            return []
        if not response.headers.get("content-type", "").startswith("text/html"):
            return []  # data (JSON, CSV) offered as a link, not a page
        links = self.page.eval_on_selector_all(
            "a[href]:not([download])", "as => as.map(a => a.href)"
        )
        per_role = explicit and path not in SHARED_STARTS
        if self.first_time(path if per_role else endpoint, per_role):
            self.check_here(label)
            if self.lang == "fi" or endpoint == "main.home":
                screenshot(self.page, f"{self.lang}-{self.role}-{endpoint.replace('.', '-')}")
            self.submit_forms_empty(path, endpoint)
        return links

    def submit_forms_empty(self, path: str, endpoint: str) -> None:
        """Send each form that has required fields with its text fields empty: errors show."""
        forms = self.page.eval_on_selector_all(
            "main form",
            """fs => fs.map(f => ({
            post: (f.getAttribute('method') || 'get').toLowerCase() === 'post',
            required: f.querySelector('.req, [required]') !== null,
            action: f.getAttribute('action'),
        }))""",
        )
        fresh = True
        for index, info in enumerate(forms):
            if not (info["post"] and info["required"]):
                continue
            action = info["action"] or path
            action_endpoint, args = self.endpoint(urljoin(path, action))
            if not self.first_time((endpoint, action_endpoint, args.get("target"))):
                continue
            if not fresh:  # an earlier form has posted: load the page again
                self.page.goto(self.base + path)
            fresh = False
            form = self.page.locator("main form").nth(index)
            form.evaluate("""f => {
              f.noValidate = true;
              for (let p = f; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
              for (const el of f.querySelectorAll('input, textarea')) {
                if (['text', 'email', 'number', 'date', 'password', 'url', 'tel',
                     'search', 'textarea'].includes(el.type)) el.value = '';
              }
            }""")
            with self.page.expect_navigation() as navigation:
                form.locator("button[type=submit], input[type=submit]").first.click()
            status = navigation.value.status if navigation.value else 0
            label = f"[{self.lang} {self.role}] {path} form → {action} sent empty ({status})"
            if status >= 500:
                self.problems.append(f"{label}: server error")
                continue
            if status != 422:
                self.problems.append(f"{label}: want 422 with the errors shown")
            self.check_here(label, expect_errors=True)

    def run(self, starts: list[str]) -> None:
        self.page.goto(f"{self.base}/?lang={self.lang}")  # the session remembers the choice
        queue = [(path, True) for path in starts]
        self.seen_endpoints.update(self.endpoint(path)[0] for path in starts)
        while queue and len(self.visited) < MAX_PAGES_PER_ROLE:
            path, explicit = queue.pop(0)
            if path in self.visited:
                continue
            for href in self.visit(path, explicit):
                link = self.internal(href)
                if link is None:
                    continue
                endpoint = self.endpoint(link)[0]
                if endpoint in self.seen_endpoints or endpoint == "not_found":
                    continue
                self.seen_endpoints.add(endpoint)
                queue.append((link, False))

    def internal(self, href: str) -> str | None:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != self.base:
            return None
        if parts.path.startswith(NOT_PAGES) or "lang=" in parts.query:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_passes_axe_in_every_language(role_pages, live_server, checked, lang, role):
    seed = live_server.app.config["SEED"]
    crawl = Crawl(role_pages[role], live_server, lang, role, checked)
    crawl.run(start_pages(role, seed))
    assert len(crawl.visited) >= 4, crawl.visited
    problems = crawl.problems + [f"server error: {e}" for e in live_server.errors]
    live_server.errors.clear()
    assert not problems, (
        f"{len(problems)} problems ({crawl.count} checks, "
        f"{len(crawl.visited)} pages):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_new_proposal_with_bad_values_shows_its_errors_accessibly(role_pages, live_server, lang):
    page = role_pages["applicant"]
    page.goto(f"{live_server.url}/proposals/new?lang={lang}")
    page.fill("#title", "ab")
    page.fill("#requested_budget", "lots")
    page.fill("#planned_duration_months", "99")
    with page.expect_navigation() as navigation:
        page.click("main form button[type=submit]")
    assert navigation.value.status == 422
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    for field in ("title", "requested_budget", "planned_duration_months"):
        assert summary.locator(f'a[href="#{field}"]').count() == 1, field
        assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
        described = page.get_attribute(f"#{field}", "aria-describedby") or ""
        assert f"{field}-error" in described.split()
    # The summary's links move focus to the field.
    summary.locator('a[href="#title"]').click()
    assert page.evaluate("document.activeElement.id") == "title"
    violations = axe_violations(page)
    assert not violations, describe(violations)
    screenshot(page, f"{lang}-applicant-proposal-form-errors")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_submitting_an_incomplete_draft_lists_what_is_missing(role_pages, live_server, lang):
    page = role_pages["applicant"]
    draft = live_server.app.config["SEED"]["incomplete"]
    page.goto(f"{live_server.url}/proposals/{draft}?lang={lang}")
    with page.expect_navigation() as navigation:
        page.click("form.move-submitted button[type=submit]")
    assert navigation.value.status == 422
    assert page.locator(".error-summary li").count() >= 3
    violations = axe_violations(page)
    assert not violations, describe(violations)
