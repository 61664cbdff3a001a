"""Reviewer assignment in the browser: the proposal page's reviewers panel, the queue with
its "assigned to me" toggle and the call's scoring form pass axe and fit a phone, in fi, sv
and en."""

import pytest

from experiments.lifecycle import Status

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot
from .test_confirmation import make_proposal

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
ASSIGNED = {"fi": "Nimetty sinulle", "sv": "Tilldelad dig", "en": "Assigned to you"}


def page_problems(page) -> str:
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, PHONE["width"])
    if overflow:
        problems += "\nscrolls sideways at 375 px:\n    " + "\n    ".join(overflow)
    return problems


def look(page, name: str) -> None:
    problems = page_problems(page)
    assert not problems, f"{name}: {problems}"
    page.set_viewport_size(DESKTOP)
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_assign_a_reviewer_and_declare_a_conflict(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    seed = app.config["SEED"]["people"]
    proposal_id = make_proposal(app, seed["applicant"], Status.SCREENING, f"Arviorobotti ({lang})")
    url = f"{base}/proposals/{proposal_id}?lang={lang}"

    manager = role_pages["manager"]
    manager.goto(url)
    look(manager, f"assignment-panel-{lang}")
    manager.select_option("#reviewer_id", str(seed["staff"]))
    with manager.expect_navigation():
        manager.click(".assign-form button[type=submit]")
    assert manager.locator(".assigned-reviewers li").count() == 1

    staff = role_pages["staff"]
    staff.goto(f"{base}/screening?lang={lang}")
    assert ASSIGNED[lang] in staff.locator("table.queue").inner_text()
    look(staff, f"assignment-queue-{lang}")

    staff.goto(url)
    staff.click("details.conflict summary")
    staff.fill("#reason", "Sukulainen / släkting / relative")
    with staff.expect_navigation():
        staff.click("details.conflict button[type=submit]")
    look(staff, f"assignment-confirm-conflict-{lang}")
    with staff.expect_navigation():
        staff.click("form.confirm button[type=submit]")
    assert staff.locator("#review").count() == 0
    assert staff.locator(".conflict-note").count() >= 1
    look(staff, f"assignment-conflicted-{lang}")


def test_the_call_form_with_its_weights(role_pages, live_server):
    app, base = live_server.app, live_server.url
    from experiments.extensions import db
    from experiments.models import Call

    with app.app_context():
        call = db.session.scalars(db.select(Call).order_by(Call.id)).first()
        path = f"/programmes/{call.programme_id}/calls/{call.id}/edit"
    manager = role_pages["manager"]
    for lang in ("fi", "sv", "en"):
        manager.goto(f"{base}{path}?lang={lang}")
        look(manager, f"call-weights-{lang}")
