"""Exports for managers: who may download, RFC 4180 CSV, XLSX, formulas neutralised."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from experiments.exports import neutralise, statistics_rows
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Participation, Proposal, User
from experiments.statistics import programme_statistics
from tests import builders

URLS = ("/exports/", "/exports/proposals.csv", "/exports/proposals.xlsx", "/exports/statistics.csv")
# The managers' proposals export, column by column (what their spreadsheets rely on).
PROPOSAL_HEADER = [
    "id",
    "programme",
    "call",
    "title",
    "status",
    "proposer_type",
    "organisation",
    "organisation_business_id",
    "service_area",
    "city_centres",
    "sdgs",
    "requested_budget",
    "planned_duration_months",
    "summary",
    "need",
    "owner_name",
    "owner_email",
    "submitted_at",
    "created_at",
    "allocated_budget",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "city_unit",
    "residents_customers",
    "companies_communities",
    "employees",
]
HOSTILE = {
    "title": "=1+1",
    "summary": "+SUM(A1:A9)",
    "need": "-2+3",
    "organisation": "@cmd|' /C calc'!A0",
    "city_unit": "\tTabbed",
    "decision": "\rCarriage",
}


@pytest.fixture
def data(app, people):
    """A programme with a hostile adopted experiment and an ordinary draft."""
    with app.app_context():
        programme = builders.make_programme()
        owner_id = db.session.scalar(select(User.id).where(User.email == "applicant@test.example"))
        hostile = builders.make_proposal(
            owner_id,
            programme,
            status=Status.ADOPTED,
            title=HOSTILE["title"],
            summary=HOSTILE["summary"],
            need=HOSTILE["need"],
        )
        proposal = db.session.get(Proposal, hostile)
        proposal.organisation.name = HOSTILE["organisation"]
        proposal.experiment.city_unit = HOSTILE["city_unit"]
        proposal.experiment.decision = HOSTILE["decision"]
        db.session.add(
            Participation(
                experiment_id=proposal.experiment.id,
                date=date(2020, 2, 2),
                category="employees",
                count=3,
            )
        )
        builders.make_proposal(owner_id, programme, status=Status.DRAFT, title="Plain draft")
        db.session.commit()
        return {"programme": programme, "hostile": hostile}


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_sign_in(client, data, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["applicant", "staff", "admin"])
@pytest.mark.parametrize("url", URLS)
def test_only_managers(client, auth, data, who, url):
    auth.login(who)
    assert client.get(url).status_code == 403


def test_proposals_csv_is_streamed_rfc4180_and_neutralised(client, auth, data):
    auth.login("manager")
    response = client.get(f"/exports/proposals.csv?programme={data['programme']}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="proposals.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data().decode("utf-8")
    assert raw.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[0] == PROPOSAL_HEADER
    assert len(rows) == 3
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["title"] == "'=1+1"
    assert record["summary"] == "'+SUM(A1:A9)"
    assert record["need"] == "'-2+3"
    assert record["organisation"] == "'@cmd|' /C calc'!A0"
    assert record["city_unit"] == "'\tTabbed"
    assert record["status"] == "adopted" and record["employees"] == "3"
    assert record["allocated_budget"] == "10000.00"
    assert record["owner_email"] == "applicant@test.example"
    draft = dict(zip(rows[0], rows[2], strict=True))
    assert draft["title"] == "Plain draft" and draft["allocated_budget"] == ""


def test_proposals_csv_of_every_programme(client, auth, data, app):
    with app.app_context():
        other = builders.make_programme()
        builders.make_proposal(
            db.session.scalar(select(User.id).where(User.email == "other@test.example")),
            other,
            status=Status.SUBMITTED,
            title="Elsewhere",
        )
    auth.login("manager")
    rows = list(csv.reader(io.StringIO(client.get("/exports/proposals.csv").text)))
    assert [r[3] for r in rows[1:]] == ["'=1+1", "Plain draft", "Elsewhere"]
    one = list(
        csv.reader(io.StringIO(client.get(f"/exports/proposals.csv?programme={other}").text))
    )
    assert [r[3] for r in one[1:]] == ["Elsewhere"]


def test_proposals_xlsx_neutralised_and_typed(client, auth, data):
    auth.login("manager")
    response = client.get(f"/exports/proposals.xlsx?programme={data['programme']}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Proposals", "codes"]
    sheet = workbook["codes"]
    header = [cell.value for cell in sheet[1]]
    assert header == PROPOSAL_HEADER
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    # The reader's sheet has the same cells, column by column, but for its labels.
    read = dict(zip(header, workbook.active[2], strict=True))
    for name, value in (
        ("title", "=1+1"),
        ("summary", "+SUM(A1:A9)"),
        ("need", "-2+3"),
        ("organisation", HOSTILE["organisation"]),
        ("city_unit", "\tTabbed"),
    ):
        for cells in (row, read):
            assert cells[name].data_type == "s", name
            assert cells[name].value == "'" + value, name
    for cells in (row, read):
        assert cells["allocated_budget"].data_type == "n"
        assert cells["allocated_budget"].value == 10000
        assert cells["start_date"].is_date
    assert (row["status"].value, read["status"].value) == ("adopted", "Adopted")


# As stored before control characters were refused: a worksheet cannot hold them.
CONTROLLED = {"title": "Line\x0bbreak\x01", "summary": "\x01=1+1", "need": "Tab\tand\r\nlines"}


@pytest.fixture
def controlled(app, people):
    """A programme with a draft whose texts hold control characters."""
    with app.app_context():
        programme = builders.make_programme()
        builders.make_proposal(people["applicant"], programme, status=Status.DRAFT, **CONTROLLED)
        return programme


def test_proposals_xlsx_drops_characters_a_worksheet_cannot_hold(client, auth, controlled):
    auth.login("manager")
    response = client.get("/exports/proposals.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["codes"]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert row["title"] == "Linebreak"
    assert row["summary"] == "'=1+1"  # what is left is still no formula
    assert row["need"] == "Tab\tand\nlines"  # XML reads a CR LF as one LF


def test_proposals_csv_drops_control_characters_too(client, auth, controlled):
    auth.login("manager")
    rows = list(csv.reader(io.StringIO(client.get("/exports/proposals.csv").text, newline="")))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["title"], record["summary"]) == ("Linebreak", "'=1+1")
    assert record["need"] == "Tab\tand\r\nlines"


def test_neutralise_every_dangerous_start():
    for cell in ("=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"):
        assert neutralise(cell) == "'" + cell
    for cell in ("1+1", "Tapiola", "", " =1", "'=1"):
        assert neutralise(cell) == cell
    assert neutralise(-2) == -2 and neutralise(None) is None
    assert neutralise("\x00\x08a\x0b\x0c\x0e\x1fb\t\n\r") == "ab\t\n\r"
    assert neutralise("\x1b@cmd") == "'@cmd"


def test_statistics_csv_has_the_dashboards_numbers(client, auth, data, app):
    auth.login("manager")
    response = client.get(f"/exports/statistics.csv?programme={data['programme']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["figure", "key", "value"]
    with app.app_context():
        expected = statistics_rows(programme_statistics(data["programme"]))
    assert rows[1:] == [["" if v is None else str(v) for v in row] for row in expected]
    values = {(f, k): v for f, k, v in rows[1:]}
    assert values[("proposals", "")] == "1"
    assert values[("carried_out", "")] == "1"
    assert values[("participants", "employees")] == "3"
    assert values[("median_experiment_days", "")] == "170.0"


def test_statistics_csv_filters_and_bad_arguments(client, auth, data, app):
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.programme_id == data["programme"]))
        other = builders.make_programme()
        other_call = db.session.scalar(select(Call.id).where(Call.programme_id == other))
    auth.login("manager")
    base = f"/exports/statistics.csv?programme={data['programme']}"
    rows = list(csv.reader(io.StringIO(client.get(f"{base}&call={call_id}&year=2020").text)))
    assert ["filter", "call", str(call_id)] in rows and ["filter", "year", "2020"] in rows
    assert client.get(f"{base}&call={other_call}").status_code == 404
    assert client.get(f"{base}&call=abc").status_code == 400
    assert client.get(f"{base}&year=-1").status_code == 400
    assert client.get("/exports/statistics.csv?programme=999999").status_code == 404
    assert client.get("/exports/proposals.csv?programme=abc").status_code == 400
    assert client.get("/exports/proposals.xlsx?programme=999999").status_code == 404
    # Without ?programme= the statistics are the default programme's.
    assert client.get("/exports/statistics.csv").status_code == 200


def test_exports_page_lists_programmes(client, auth, data):
    auth.login("manager")
    page = client.get("/exports/").text
    assert f"/exports/statistics.csv?programme={data['programme']}" in page
