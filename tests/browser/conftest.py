"""A real browser against the app served on loopback: Playwright driving Debian's Chromium.

One Chromium for the session, one signed-in browser context per role, reused by every test.
The app runs in a thread (werkzeug) on a free port of 127.0.0.1 with a file SQLite database
filled by tests/browser/seed.py. Playwright never downloads a browser here: it launches
/usr/bin/chromium, which scripts/ensure-chromium.sh installs (`make test` runs it).
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from experiments import create_app
from experiments.extensions import db
from tests import builders

from .seed import email, seed

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
ROLES = ("anonymous", "applicant", "staff", "manager", "admin")


@pytest.fixture(scope="session")
def chromium_path():
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the browser suite runs once, in the SQLite pass of `make test`")
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


class LiveServer:
    """The app on 127.0.0.1:<free port>, serving from a thread until the session ends."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.errors: list[str] = []

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(chromium_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'browser.sqlite3'}",
        WTF_CSRF_ENABLED=True,  # the browser sends real forms with their tokens
        MAIL_BACKEND="locmem",
        MAIL_FILE_PATH=str(folder / "outbox"),
    )
    with app.app_context():
        db.create_all()
        app.config["SEED"] = seed()

    server = LiveServer(app)

    @app.after_request
    def _note_server_errors(response):
        from flask import request

        if response.status_code >= 500:
            server.errors.append(f"{response.status_code} {request.method} {request.full_path}")
        return response

    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def sign_in(page, base_url: str, who: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email(who))
    page.fill("#password", builders.PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".nav-user .who").count() == 1, f"{who} could not sign in"


@pytest.fixture(scope="session")
def role_pages(browser, live_server):
    """One page per role, signed in once (anonymous: not signed in); reused by the tests."""
    pages = {}
    for role in ROLES:
        context = browser.new_context(viewport=DESKTOP, locale="fi-FI")
        context.set_default_timeout(10_000)
        page = context.new_page()
        if role != "anonymous":
            sign_in(page, live_server.url, role)
        pages[role] = page
    yield pages
    for page in pages.values():
        page.context.close()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async (tags) => {
          const result = await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
          });
          return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({
              target: n.target.join(' '), html: n.html.slice(0, 200), why: n.failureSummary,
            })),
          }));
        }""",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"]:
            lines.append(f"      at {node['target']}: {node['html']}")
            lines.append("         " + node["why"].replace("\n", "\n         "))
    return "\n".join(lines)


def horizontal_overflow(page, width: int = 320) -> list[str]:
    """At `width` CSS pixels: the elements that make the page scroll sideways (WCAG 1.4.10)."""
    page.set_viewport_size({"width": width, "height": 800})
    try:
        return page.evaluate(
            """(width) => {
              if (document.documentElement.scrollWidth <= width + 1) return [];
              const inScroller = (el) => {
                for (let p = el.parentElement; p; p = p.parentElement) {
                  const o = getComputedStyle(p).overflowX;
                  if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
                }
                return false;
              };
              const culprits = [];
              for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > width + 1 && r.width > 0 && !inScroller(el)
                    && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1)) {
                  const id = el.id ? '#' + el.id : '';
                  const cls = el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                  culprits.push(`${el.tagName.toLowerCase()}${id}${cls} ` +
                    `(right edge ${Math.round(r.right)}px): ` +
                    (el.textContent || '').trim().slice(0, 60));
                }
              }
              return culprits.length ? culprits.slice(0, 8)
                : [`page is ${document.documentElement.scrollWidth}px wide`];
            }""",
            width,
        )
    finally:
        page.set_viewport_size(DESKTOP)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
