"""The audit trail page: a manager filters it, axe finds nothing, and it fits a phone."""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

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
