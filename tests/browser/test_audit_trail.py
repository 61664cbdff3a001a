"""The audit trail page: a manager filters it, axe finds nothing, and it fits a phone."""

from datetime import timedelta

import pytest
from flask_login import login_user

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, Proposal, User
from experiments.services import expenses
from tests import builders

from .conftest import DESKTOP, axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "heading"), [("fi", "Muutosloki"), ("sv", "Ändringslogg")])
def test_a_manager_reads_an_objects_changes(live_server, role_pages, lang, heading):
    app = live_server.app
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        proposal = db.session.get(Proposal, seeded)
        made = builders.make_proposal(
            proposal.owner_id, proposal.programme_id, title="Lokikokeilu: katuvalot"
        )
    page = role_pages["manager"]
    page.goto(f"{live_server.url}/audit?lang={lang}&object_type=proposal&object_id={made}")
    assert page.locator("h1").inner_text() == heading
    assert "Lokikokeilu: katuvalot" in page.locator("main").inner_text()
    screenshot(page, f"audit-{lang}")
    problems = describe(axe_violations(page))
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = horizontal_overflow(page, 375)
    assert not problems and not overflow, problems + "\n".join(overflow)


def _pilot_with_an_expense(app, owner_of, person_id) -> int:
    """A pilot of its own with an expense recorded by the person: the page's history."""
    with app.app_context():
        proposal = db.session.get(Proposal, owner_of)
        made = builders.make_proposal(
            proposal.owner_id,
            proposal.programme_id,
            status=Status.PILOT,
            experiment_owner_id=person_id,
            title="Lokikokeilu: lumityöt",
        )
        experiment_id = db.session.get(Proposal, made).experiment.id
    with app.test_request_context():
        user = db.session.get(User, person_id)
        login_user(user)
        experiment = db.session.get(Experiment, experiment_id)
        day = experiment.start_date + timedelta(days=2)
        expenses.record_expense(
            experiment, user, date=day.isoformat(), amount="480.00", description="Lapiot"
        )
    return experiment_id


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ("Kulu", "Summa (EUR)", "Henkilö")),
        ("en", ("Expense", "Amount (EUR)", "Person")),
    ],
)
def test_the_trail_in_words_and_a_pilots_history(live_server, role_pages, lang, words):
    app = live_server.app
    seeded = app.config["SEED"]
    manager = seeded["people"]["manager"]
    experiment_id = _pilot_with_an_expense(app, seeded["proposals"][Status.DRAFT.value], manager)
    page = role_pages["manager"]
    page.goto(f"{live_server.url}/audit?lang={lang}")
    page.select_option("#object_type", label=words[0])
    page.select_option("#actor_id", label="Manager Testaaja")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    main = page.locator("main").inner_text()
    assert f"{words[1]}: " in main and "Lapiot" in main
    assert page.locator("#actor_id option:checked").inner_text() == "Manager Testaaja"
    screenshot(page, f"audit-filtered-{lang}")
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page, 375)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"audit-filtered-{lang}-375")
    page.set_viewport_size(DESKTOP)

    page.goto(f"{live_server.url}/pilots/{experiment_id}?lang={lang}")
    page.locator("#all-changes summary").click()
    history = page.locator("#all-changes ol").inner_text()
    assert "Lapiot" in history and words[1] in history
    screenshot(page, f"pilot-history-{lang}")
    problems += describe(axe_violations(page))
    overflow += horizontal_overflow(page, 375)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"pilot-history-{lang}-375")
    page.set_viewport_size(DESKTOP)
    assert not problems and not overflow, problems + "\n".join(overflow)
