"""Searching in the browser: the public catalogue, the screening queue, the pilots list and
the applicant's own proposals, each with its results highlighted; every page passes axe in
Finnish, Swedish and English and fits a phone.
"""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def searched(live_server):
    """A pilot and a submitted proposal of this module's own, with words no seed has."""
    app = live_server.app
    applicant = app.config["SEED"]["people"]["applicant"]
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        for title, status in (
            ("Sienestysretket kirjastoista", Status.PILOT),
            ("Sienikirjasto kouluille", Status.SUBMITTED),
        ):
            builders.make_proposal(
                applicant,
                programme_id,
                status=status,
                title=title,
                summary="Kirjastot lainaavat sienikirjoja ja järjestävät sienestysretkiä.",
                language="fi",
            )


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("anonymous", "/experiments?q=sienestysretki"),
        ("staff", "/screening?q=sienikirjasto"),
        ("staff", "/pilots?q=sienestysretki"),
        ("applicant", "/proposals/mine?q=sieni"),
    ],
)
def test_search_results_are_accessible(role_pages, live_server, searched, role, path, lang):
    page = role_pages[role]
    page.goto(f"{live_server.url}{path}&lang={lang}")
    assert page.locator("input[type=search][name=q]").count() == 1
    assert page.locator("main a", has_text="Sien").count() >= 1
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, 375)
    if overflow:
        problems += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
    assert not problems, problems
    name = path.strip("/").split("?")[0].replace("/", "-")
    screenshot(page, f"search-{role}-{name}-{lang}")


def test_the_catalogue_highlights_matches(role_pages, live_server, searched):
    page = role_pages["anonymous"]
    page.goto(f"{live_server.url}/experiments?q=sienestysretki&lang=fi")
    assert page.locator("main mark").count() >= 1
    assert "Sienikirjasto kouluille" not in page.inner_text("main")  # not public yet
