"""The pilot team files a report in the browser and staff accept it: the team page, the
report form with its messages, the review and its confirmation pass axe in fi, sv and en and
fit a phone."""

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, Proposal
from tests import builders

from .conftest import axe_violations, describe, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


def _problems(page) -> str:
    problems = describe(axe_violations(page))
    overflow = horizontal_overflow(page)
    if overflow:
        problems += "\nscrolls sideways:\n    " + "\n    ".join(overflow)
    return problems


def _pilot(app, title: str) -> tuple[int, str]:
    """A pilot of this test's own, owned by the seed's applicant and staff member."""
    people = app.config["SEED"]["people"]
    with app.app_context():
        seeded = app.config["SEED"]["proposals"][Status.DRAFT.value]
        programme_id = db.session.get(Proposal, seeded).programme_id
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme_id,
            status=Status.PILOT,
            experiment_owner_id=people["staff"],
            title=title,
        )
        experiment = db.session.get(Proposal, proposal_id).experiment
        return experiment.id, experiment.start_date.isoformat()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_team_page_and_report_form(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    eid, start = _pilot(app, f"Raportoitava kokeilu {lang}")
    page = role_pages["applicant"]
    page.goto(f"{base}/pilots/{eid}?lang={lang}")
    page.locator("#reports details.add summary").click()
    problems = _problems(page)
    assert not problems, problems
    screenshot(page, f"{lang}-team-page")
    # Sent with the summary missing: the form comes back with its message, still accessible.
    page.fill("#report-period_start", start)
    page.fill("#report-period_end", start)
    page.locator("#reports form button[type=submit]").click()
    assert page.locator("#report-summary").get_attribute("aria-invalid") == "true"
    problems = _problems(page)
    assert not problems, problems
    page.set_viewport_size(PHONE)
    page.reload()
    assert not horizontal_overflow(page)
    screenshot(page, f"{lang}-team-page-phone")


def test_a_report_is_filed_and_accepted(role_pages, live_server):
    app, base = live_server.app, live_server.url
    eid, start = _pilot(app, "Raportoitu kokeilu")
    team = role_pages["applicant"]
    team.goto(f"{base}/pilots/{eid}?lang=en")
    team.locator("#reports details.add summary").click()
    team.fill("#report-period_start", start)
    team.fill("#report-period_end", start)
    team.fill("#report-summary", "Ten walks with the robot.")
    team.fill("#report-count_residents_customers", "12")
    team.locator("#reports form button[type=submit]").click()
    assert "The report is sent to the city for review." in team.content()

    staff = role_pages["staff"]
    staff.goto(f"{base}/pilots/{eid}?lang=en#reports")
    assert "Ten walks with the robot." in staff.locator("#reports").inner_text()
    staff.locator("#reports input[value=accept]").check()
    staff.locator("#reports li.report form button[type=submit]").click()
    assert staff.locator("h1").inner_text() == "Accept the report"
    problems = _problems(staff)
    assert not problems, problems
    screenshot(staff, "en-accept-report")
    staff.locator("form.confirm button[type=submit]").click()
    assert "The report is accepted." in staff.content()
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        assert [p.count for p in experiment.participation] == [12]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_report_is_filed_with_a_file(role_pages, live_server, lang):
    app, base = live_server.app, live_server.url
    eid, start = _pilot(app, f"Kokeilu tiedostoineen {lang}")
    team = role_pages["applicant"]
    team.goto(f"{base}/pilots/{eid}?lang={lang}")
    team.locator("#reports details.add summary").click()
    team.fill("#report-period_start", start)
    team.fill("#report-period_end", start)
    team.fill("#report-summary", "Ten walks with the robot.")
    # A file of a kind not taken: the form says so beside its field, and nothing is sent.
    team.set_input_files(
        "#report-files",
        files=[{"name": "run.pdf", "mimeType": "application/pdf", "buffer": b"\x7fELF" * 16}],
    )
    team.locator("#reports form button[type=submit]").click()
    assert team.locator("#report-files").get_attribute("aria-invalid") == "true"
    assert "run.pdf" in team.locator("#report-files-error").inner_text()
    problems = _problems(team)
    assert not problems, problems
    screenshot(team, f"{lang}-report-file-refused")
    team.set_input_files(
        "#report-files",
        files=[
            {
                "name": "Kävijämäärät tammikuu 2027 Tapiolan kirjasto.csv",
                "mimeType": "text/csv",
                "buffer": b"name;count\nTapiola;12\n",
            }
        ],
    )
    team.locator("#reports form button[type=submit]").click()
    listed = team.locator("#reports li.report ul.files")
    assert "Kävijämäärät tammikuu 2027 Tapiolan kirjasto.csv" in listed.inner_text()
    problems = _problems(team)
    assert not problems, problems
    team.set_viewport_size(PHONE)
    team.reload()
    assert not horizontal_overflow(team)
    screenshot(team, f"{lang}-report-with-file-phone")

    staff = role_pages["staff"]
    staff.goto(f"{base}/pilots/{eid}?lang={lang}#reports")
    link = staff.locator("#reports li.report ul.files a")
    with staff.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Kävijämäärät tammikuu 2027 Tapiolan kirjasto.csv"
