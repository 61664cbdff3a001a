"""E-mail updates on an experiment, in the browser: the form on the public page (also in its
error state), the confirming page and the unsubscribe page pass axe in Finnish, Swedish and
English and fit a phone's width."""

import re

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import MailMessage, Proposal
from tests import builders

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
# The section's heading, the bad address's message, the answer after sending, the confirming
# button, the page after confirming, the unsubscribe button: per language.
TEXTS = {
    "fi": (
        "Seuraa kokeilua sähköpostilla",
        "Anna kelvollinen sähköpostiosoite.",
        "Katso sähköpostisi",
        "Vahvista tilaus",
        "Seuraat kokeilua",
        "Lopeta tiedotteet",
    ),
    "sv": (
        "Följ försöket per e-post",
        "Ange en giltig e-postadress.",
        "Kolla din e-post",
        "Bekräfta uppdateringarna",
        "Du följer försöket",
        "Avsluta uppdateringarna",
    ),
    "en": (
        "Follow this experiment by e-mail",
        "Enter a valid e-mail address.",
        "Check your e-mail",
        "Confirm the updates",
        "You follow the experiment",
        "Stop the updates",
    ),
}


def make_pilot(app, title: str) -> int:
    """A running pilot of this test's own; its experiment's id."""
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        owner = db.session.get(Proposal, seeded).owner_id
        proposal_id = builders.make_proposal(owner, programme_id, status=Status.PILOT, title=title)
        return db.session.get(Proposal, proposal_id).experiment.id


def newest_link(app, address: str, kind: str) -> str:
    with app.app_context():
        body = db.session.scalars(
            select(MailMessage.body)
            .where(MailMessage.recipient == address)
            .order_by(MailMessage.id.desc())
        ).first()
    found = re.search(rf"http://\S+/experiments/subscriptions/{kind}/\S+", body or "")
    assert found, body
    return found.group(0)


def phone_screenshot(page, name: str) -> None:
    page.set_viewport_size(PHONE)  # the overflow check leaves the page at desktop width
    screenshot(page, name)


def problems(page) -> str:
    found = describe(axe_violations(page))
    overflow = horizontal_overflow(page, PHONE["width"])
    if overflow:
        found += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
    return found


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_subscribing_in_the_browser(browser, live_server, lang):
    app, base = live_server.app, live_server.url
    heading, bad, sent, confirm, done, stop = TEXTS[lang]
    experiment_id = make_pilot(app, f"Lumirobotti ({lang})")
    address = f"follower-{lang}@example.org"
    context = browser.new_context(viewport=PHONE, locale=f"{lang}-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{base}/experiments/{experiment_id}?lang={lang}")
        section = page.locator("section#subscribe")
        assert section.locator("h2").inner_text() == heading
        found = problems(page)
        assert not found, found

        # A wrong address: the form again, its message tied to the field.
        page.fill("#subscribe input[type=email]", "not an address")
        with page.expect_navigation() as navigation:
            page.click("#subscribe button[type=submit]")
        assert navigation.value.status == 422
        field = page.locator("#subscribe input[type=email]")
        assert field.get_attribute("aria-invalid") == "true"
        assert bad in page.locator("#subscribe .field-error").inner_text()
        found = problems(page)
        assert not found, found
        phone_screenshot(page, f"{lang}-subscribe-error-phone")

        field.fill(address)
        with page.expect_navigation():
            page.click("#subscribe button[type=submit]")
        assert sent in page.locator("main").inner_text()

        # The mail's link shows a button; the button confirms.
        page.goto(newest_link(app, address, "confirm"))
        found = problems(page)
        assert not found, found
        with page.expect_navigation():
            page.get_by_role("button", name=confirm).click()
        assert page.locator("h1").inner_text() == done
        found = problems(page)
        assert not found, found
        phone_screenshot(page, f"{lang}-subscription-confirmed-phone")

        # Asking again mails a notice with the unsubscribe link; it asks before it stops.
        page.goto(f"{base}/experiments/{experiment_id}?lang={lang}")
        page.fill("#subscribe input[type=email]", address)
        with page.expect_navigation():
            page.click("#subscribe button[type=submit]")
        page.goto(newest_link(app, address, "unsubscribe"))
        found = problems(page)
        assert not found, found
        phone_screenshot(page, f"{lang}-unsubscribe-phone")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name=stop).click()
        assert navigation.value.status == 200
        found = problems(page)
        assert not found, found
    finally:
        context.close()
    assert not live_server.errors, live_server.errors
