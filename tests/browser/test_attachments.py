"""Files on the proposal page in the browser: an applicant adds one (and is told why a script
named as a PDF is refused), staff publish and delete; each page passes axe and fits a phone.
"""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders, files

from .conftest import DESKTOP, screenshot
from .test_confirmation import confirmation_problems, make_proposal

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def _add_file(page, data: bytes, name: str, *, confidential=False, public=False) -> None:
    details = page.locator("#attachments details.add")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.set_input_files(
        "#attachment-file", {"name": name, "mimeType": "application/pdf", "buffer": data}
    )
    if confidential:
        page.check("#attachment-confidential")
    if public:
        page.check("#attachment-public")
    with page.expect_navigation():
        page.locator("#attachments form[enctype] button[type=submit]").click()


def _looked_at(page, name: str) -> None:
    """axe and sideways scrolling, then screenshots at laptop and phone width."""
    problems = confirmation_problems(page)
    assert not problems, problems
    screenshot(page, name)
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_an_applicant_adds_files_to_a_draft(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    applicant = app.config["SEED"]["people"]["applicant"]
    proposal_id = make_proposal(app, applicant, Status.DRAFT, f"Tiedostot ({lang})")
    page = role_pages["applicant"]
    page.goto(f"{base}/proposals/{proposal_id}?lang={lang}")

    _add_file(page, files.SCRIPT, "lasku.pdf")
    error = page.locator("#attachment-file-error")
    assert error.count() == 1 and ".txt" in error.inner_text()
    assert page.locator("#attachment-file").get_attribute("aria-describedby")
    _looked_at(page, f"{lang}-applicant-attachment-refused")

    _add_file(page, files.PDF, "Liiketoimintasuunnitelma ja budjetti 2027 – päivitetty.pdf")
    _add_file(page, files.CSV, "osallistujat.csv", confidential=True)
    items = page.locator("#attachments .files .file")
    assert items.count() == 2
    assert "Liiketoimintasuunnitelma" in items.nth(0).inner_text()
    _looked_at(page, f"{lang}-applicant-attachments")


def test_staff_publish_and_delete_a_file(role_pages, live_server):
    app, base = live_server.app, live_server.url
    applicant = app.config["SEED"]["people"]["applicant"]
    proposal_id = make_proposal(app, applicant, Status.SCREENING, "Tiedostot (henkilöstö)")
    page = role_pages["staff"]
    page.goto(f"{base}/proposals/{proposal_id}?lang=fi")
    _add_file(page, files.PDF, "Loppuraportti.pdf", public=True)
    _add_file(page, files.PDF, "Sopimus.pdf", confidential=True)
    items = page.locator("#attachments .files .file")
    assert "Julkinen kokeilun sivulla" in items.nth(0).inner_text()
    assert "Luottamuksellinen" in items.nth(1).inner_text()
    assert items.nth(1).locator("form[action$='/public']").count() == 0
    _looked_at(page, "fi-staff-attachments")

    with page.expect_navigation():
        items.nth(0).locator("form[action$='/delete'] button").click()
    assert "Tätä ei voi kumota." in page.locator(".warning-panel").inner_text()
    _looked_at(page, "fi-staff-confirm-attachment-delete")
    with page.expect_navigation():
        page.locator("form.confirm button[type=submit]").click()
    assert page.locator("#attachments .files .file").count() == 1
    assert "”Loppuraportti.pdf” poistettu" in page.locator("#attachments").inner_text()
    _looked_at(page, "fi-staff-attachment-deleted")


def test_a_published_file_on_the_experiments_public_page(role_pages, live_server):
    app, base = live_server.app, live_server.url
    people = app.config["SEED"]["people"]
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme_id,
            status=Status.ADOPTED,
            experiment_owner_id=people["staff"],
            title="Julkaistu raportti",
        )
        experiment_id = db.session.get(Proposal, proposal_id).experiment.id
    page = role_pages["staff"]
    page.goto(f"{base}/proposals/{proposal_id}?lang=fi")
    _add_file(page, files.PDF, "Loppuraportti 2027.pdf", public=True)
    _add_file(page, files.PDF, "Sopimus.pdf", confidential=True)

    visitor = role_pages["anonymous"]
    visitor.goto(f"{base}/experiments/{experiment_id}?lang=fi")
    listed = visitor.locator(".files").inner_text()
    assert "Loppuraportti 2027.pdf" in listed and "Sopimus.pdf" not in listed
    _looked_at(visitor, "fi-public-experiment-files")
