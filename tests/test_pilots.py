"""The experiment page: partners, participants (by hand and CSV), expenses and risks."""

import re
from datetime import date
from decimal import Decimal
from html import unescape
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from experiments.errors import Conflict, Invalid, NotAllowed
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import (
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Proposal,
    Risk,
    User,
)
from experiments.services import (
    expenses,
    participation,
    participation_import,
    partners,
    risks,
)
from experiments.vocabulary import OrganisationType
from tests.pilot_support import business_id, count, login, make_pilot


@pytest.fixture
def pilot(app, people, programme):
    """(proposal id, experiment id) of a running pilot; its start is 1 March this year (or
    today, if that is earlier)."""
    return make_pilot(app, people["applicant"], programme)


@pytest.fixture
def staff(auth, client, people):
    login(auth, client, "staff")
    return client


def _start(app, experiment_id) -> date:
    with app.app_context():
        return db.session.get(Experiment, experiment_id).start_date


# Partners.


def test_a_new_partner_is_verified_and_never_duplicated(app, staff, pilot, people, programme):
    _, eid = pilot
    y = business_id(2345678)
    response = staff.post(
        f"/pilots/{eid}/partners",
        data={
            "partner-organisation_name": "Aalto Research Oy",
            "partner-organisation_type": "research",
            "partner-organisation_business_id": y,
            "partner-role": "research",
        },
    )
    assert response.status_code == 303
    assert "Aalto Research Oy" in staff.get(f"/pilots/{eid}").text

    # Another experiment names the same business ID under another name: the same organisation.
    _, other = make_pilot(app, people["applicant"], programme)
    response = staff.post(
        f"/pilots/{other}/partners",
        data={
            "partner-organisation_name": "Aalto R&D",
            "partner-organisation_type": "research",
            "partner-organisation_business_id": y,
            "partner-role": "partner",
        },
    )
    assert response.status_code == 303
    assert count(app, Organisation, Organisation.business_id == y) == 1
    with app.app_context():
        names = db.session.scalars(
            select(Organisation.name)
            .join(ExperimentPartner)
            .where(ExperimentPartner.experiment_id == other)
        ).all()
    assert names == ["Aalto Research Oy"]

    # The same organisation twice in one experiment: refused with a clear message.
    response = staff.post(
        f"/pilots/{eid}/partners",
        data={
            "partner-organisation_name": "Whatever",
            "partner-organisation_type": "company",
            "partner-organisation_business_id": y,
            "partner-role": "lead",
        },
    )
    assert response.status_code == 422
    assert "“Aalto Research Oy” is already a partner in this experiment." in response.text
    assert count(app, ExperimentPartner, ExperimentPartner.experiment_id == eid) == 1


def test_an_existing_organisation_is_chosen_from_the_searchable_list(app, staff, pilot):
    _, eid = pilot
    y = business_id(3456789)
    with app.app_context():
        org = Organisation(
            name="Espoo Library Friends ry", type=OrganisationType.COMMUNITY, business_id=y
        )
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    page = staff.get(f"/pilots/{eid}").text
    # A text box that suggests the register's names as one types, without JavaScript.
    assert 'list="organisations"' in page
    assert f'<option value="Espoo Library Friends ry ({y})"></option>' in page
    response = staff.post(
        f"/pilots/{eid}/partners",
        data={
            "partner-organisation_id": f"Espoo Library Friends ry ({y})",
            "partner-role": "partner",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        partner = db.session.scalar(
            select(ExperimentPartner).where(ExperimentPartner.organisation_id == org_id)
        )
        assert partner is not None and partner.experiment_id == eid
    # An id, as the register's list sent before, still names it.
    response = staff.post(
        f"/pilots/{eid}/partners",
        data={"partner-organisation_id": str(org_id), "partner-role": "lead"},
    )
    assert response.status_code == 422
    assert "is already a partner" in response.text
    assert count(app, ExperimentPartner, ExperimentPartner.experiment_id == eid) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "partner-organisation_name": "Bad Id Oy",
                "partner-organisation_business_id": "1234567-2",
                "partner-role": "partner",
            },
            "Enter a valid Finnish business ID",
        ),
        (
            {"partner-organisation_name": "Good Oy", "partner-role": "sponsor"},
            "Unknown value “sponsor”; choose one of: lead, partner, research, education.",
        ),
        (
            {"partner-organisation_name": "Good Oy", "partner-role": ""},
            "Choose one of: Lead partner, Partner, Research partner, Education partner.",
        ),
        (
            {"partner-organisation_id": "Nobody in the register", "partner-role": "partner"},
            "Choose an organisation from the list.",
        ),
        ({"partner-role": "partner"}, "Choose an existing organisation or enter a new one."),
        (
            {"partner-organisation_id": "999999", "partner-role": "partner"},
            "Choose an organisation from the list.",
        ),
        (
            {"partner-organisation_id": "9" * 30, "partner-role": "partner"},
            "Choose an organisation from the list.",
        ),
        (
            {"partner-organisation_name": "Null\x00 Oy", "partner-role": "partner"},
            "Remove the invisible control characters from the text.",
        ),
        (
            {
                "partner-organisation_name": "Good Oy",
                "partner-organisation_type": "guild",
                "partner-role": "partner",
            },
            "Unknown value “guild”",
        ),
    ],
)
def test_bad_partners_are_refused_with_a_message(app, staff, pilot, data, message):
    _, eid = pilot
    organisations = count(app, Organisation)
    response = staff.post(
        f"/pilots/{eid}/partners", data={"partner-organisation_type": "company", **data}
    )
    assert response.status_code == 422
    assert message in response.text
    assert count(app, ExperimentPartner) == 0
    assert count(app, Organisation) == organisations


def test_service_errors_use_the_api_field_names(app, pilot, people):
    _, eid = pilot
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        staff = db.session.get(User, people["staff"])
        with pytest.raises(Invalid) as error:
            partners.add_partner(
                experiment,
                staff,
                role="partner",
                organisation={"name": "", "type": "x", "business_id": "1"},
            )
        assert set(error.value.errors) == {
            "organisation.name",
            "organisation.type",
            "organisation.business_id",
        }
        with pytest.raises(Invalid) as error:
            participation.record_participation(
                experiment, staff, [{"date": "2026-13-01", "category": "tourists", "count": 0}]
            )
        assert set(error.value.errors) == {"date", "category", "count"}
        with pytest.raises(Invalid) as error:
            participation.record_participation(
                experiment,
                staff,
                [
                    {"date": _iso(experiment.start_date), "category": "employees", "count": 2},
                    {"date": _iso(experiment.start_date), "category": "employees", "count": -1},
                ],
            )
        assert list(error.value.errors) == ["row 2"]
        assert error.value.errors["row 2"][0].startswith("count: Enter a whole number from 1")
        with pytest.raises(Invalid) as error:
            expenses.record_expense(experiment, staff, date=None, amount="1e3x", description="")
        assert set(error.value.errors) == {"date", "amount", "description"}
        with pytest.raises(Invalid) as error:
            risks.add_risk(
                experiment,
                staff,
                description="x",
                probability=5,
                impact="0",
                mitigation="",
                status="purple",
            )
        assert set(error.value.errors) == {"probability", "impact", "status"}
        applicant = db.session.get(User, people["applicant"])
        with pytest.raises(NotAllowed):
            expenses.record_expense(
                experiment, applicant, date=date.today(), amount="1", description="x"
            )
    assert count(app, Participation) == count(app, Expense) == count(app, Risk) == 0


def _iso(day: date) -> str:
    return day.isoformat()


# Participation.


def test_participants_are_recorded_by_hand(app, staff, pilot):
    _, eid = pilot
    start = _start(app, eid)
    response = staff.post(
        f"/pilots/{eid}/participation",
        data={
            "participation-date": _iso(start),
            "participation-category": "residents_customers",
            "participation-count": "42",
            "participation-note": "Opening day",
        },
    )
    assert response.status_code == 303
    page = staff.get(f"/pilots/{eid}").text
    assert "Opening day" in page
    with app.app_context():
        totals = participation.participation_totals(db.session.get(Experiment, eid))
    assert totals == {"residents_customers": 42, "companies_communities": 0, "employees": 0}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"participation-count": "0"}, "Enter a whole number from 1 to 1,000,000."),
        ({"participation-count": "-3"}, "Enter a whole number from 1 to 1,000,000."),
        ({"participation-count": "many"}, "Enter a whole number, e.g. 25."),
        ({"participation-count": ""}, "Enter how many people took part (1 or more)."),
        ({"participation-category": "tourists"}, "Unknown value “tourists”"),
        ({"participation-date": "31/02/2026"}, "Enter a date, e.g. 2025-03-31."),
        ({"participation-date": "2000-01-01"}, "The date is before the pilot started"),
    ],
)
def test_bad_participation_is_refused(app, staff, pilot, fields, message):
    _, eid = pilot
    data = {
        "participation-date": _iso(_start(app, eid)),
        "participation-category": "employees",
        "participation-count": "5",
        **fields,
    }
    response = staff.post(f"/pilots/{eid}/participation", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Participation) == 0


def _upload(client, eid, content: bytes, name="participants.csv"):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"import-file": FileStorage(BytesIO(content), filename=name)})
    return client.post(
        f"/pilots/{eid}/participation/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_a_csv_file_is_imported_whole(app, staff, pilot):
    _, eid = pilot
    day = _iso(_start(app, eid))
    content = (
        "\ufeffdate,category,count,note\r\n"
        f"{day},residents_customers,40,Kick-off\r\n"
        f"{day},companies_communities,3,\r\n"
        "\r\n"
        f'{day},employees,7,"Staff, trained"\r\n'
    ).encode()
    response = _upload(staff, eid, content)
    assert response.status_code == 303
    assert "3 participation records imported." in staff.get(response.headers["Location"]).text
    with app.app_context():
        totals = participation.participation_totals(db.session.get(Experiment, eid))
        notes = db.session.scalars(select(Participation.note).order_by(Participation.id)).all()
    assert totals == {"residents_customers": 40, "companies_communities": 3, "employees": 7}
    assert notes == ["Kick-off", "", "Staff, trained"]


def test_a_spreadsheet_csv_with_semicolons_and_finnish_dates_is_read(app, staff, pilot):
    _, eid = pilot
    start = _start(app, eid)
    content = (
        f"date;category;count\n{start.day}.{start.month}.{start.year};employees;4\n"
    ).encode()
    assert _upload(staff, eid, content).status_code == 303
    assert count(app, Participation) == 1


def test_a_csv_with_bad_rows_saves_nothing_and_lists_each_row(app, staff, pilot):
    _, eid = pilot
    day = _iso(_start(app, eid))
    content = (
        "date,category,count,note\n"
        f"{day},residents_customers,40,fine\n"
        f"{day},tourists,0,two problems\n"
        f"{day},employees,5\n"
        f"someday,employees,5,bad date\n"
        f"{day},employees,2.5,decimal count\n"
    ).encode()
    response = _upload(staff, eid, content)
    assert response.status_code == 422
    page = response.text
    assert "4 rows need correcting; nothing was imported." in page
    assert "category: Unknown value “tourists”" in page
    assert "count: Enter a whole number from 1 to 1,000,000." in page
    assert "expected 4 values, found 3." in page
    assert "date: Enter a date as 2025-03-31 or 31.3.2025." in page
    for row in (
        '<th scope="row">3</th>',
        '<th scope="row">4</th>',
        '<th scope="row">5</th>',
        '<th scope="row">6</th>',
    ):
        assert row in page
    assert '<th scope="row">2</th>' not in page
    assert count(app, Participation) == 0

    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        staff_user = db.session.get(User, experiment.owner_id)
        with pytest.raises(Invalid) as error:
            participation_import.import_participation_csv(experiment, staff_user, content, "p.csv")
    assert list(error.value.errors) == ["row 3", "row 4", "row 5", "row 6"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"date,category,count,note\n", "p.csv", "The file has a header but no rows."),
        (b"", "p.csv", "The file is empty."),
        (
            b"when,who,how many\n2026-03-01,employees,3\n",
            "p.csv",
            "The first row must name the columns: date,category,count,note",
        ),
        (b"date,category,count,count\n", "p.csv", "The first row must name the columns"),
        (
            b"date,category,count\n2026-03-01,employees,3\n",
            "p.xlsx",
            "Choose a CSV file (a name ending in .csv).",
        ),
        (
            "date,category,count,note\n2026-03-01,employees,3,Järvenpää\n".encode("latin-1"),
            "p.csv",
            "The file is not UTF-8 text.",
        ),
        (b"PK\x03\x04\x00\x00binary", "p.csv", "This is not a CSV text file."),
        (
            b"date,category,count\n" + b"2026-03-01,employees,1\n" * 5001,
            "p.csv",
            "At most 5,000 rows at a time; split the file.",
        ),
        (
            b"date,category,count,note\n" + b"2026-03-01,employees,1," + b"x" * 1_000_000 + b"\n",
            "p.csv",
            "The file is too large: at most 1 MB.",
        ),
    ],
)
def test_malformed_csv_files_are_refused(app, staff, pilot, content, name, message):
    _, eid = pilot
    response = _upload(staff, eid, content, name)
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Participation) == 0


def test_a_file_over_the_request_limit_is_explained_not_crashed(app, staff, pilot):
    _, eid = pilot
    response = _upload(staff, eid, b"date,category,count\n" + b"x" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert "The file is too large: at most 1 MB." in response.text
    assert count(app, Participation) == 0


def test_no_file_chosen(app, staff, pilot):
    _, eid = pilot
    response = staff.post(
        f"/pilots/{eid}/participation/import", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a CSV file to upload." in response.text


def test_exactly_5000_rows_are_accepted(app, staff, pilot):
    _, eid = pilot
    day = _iso(_start(app, eid)).encode()
    content = b"date,category,count\n" + (day + b",employees,1\n") * 5000
    assert _upload(staff, eid, content).status_code == 303
    assert count(app, Participation) == 5000
    page = staff.get(f"/pilots/{eid}").text
    assert "5,000 participation records, newest first" in page
    assert "Page 1 of 250" in page
    page = staff.get(f"/pilots/{eid}?participation_page=250").text
    assert "Page 250 of 250" in page and 'rel="prev"' in page


# Expenses.


def test_expenses_show_spent_against_allocated_and_warn_over(app, staff, pilot):
    _, eid = pilot  # 10,000.00 allocated
    response = staff.post(
        f"/pilots/{eid}/expenses",
        data={
            "expense-date": "2026-03-15",
            "expense-amount": "9 999,50",
            "expense-description": "Robot rental",
        },
    )
    assert response.status_code == 303
    page = staff.get(f"/pilots/{eid}").text
    assert "Robot rental" in page and "Warning:" not in page
    batteries = {
        "expense-date": "2026-04-01",
        "expense-amount": "0.51",
        "expense-description": "Batteries",
    }
    # Going over the allocation is asked first, not refused: nothing is saved yet.
    response = staff.post(f"/pilots/{eid}/expenses", data=batteries)
    assert response.status_code == 200
    assert "Confirm: spending over the allocation" in response.text
    assert "With this, €10,000.01 is spent of the €10,000.00 allocated" in response.text
    assert 'name="expense-confirmed" type="hidden" value="yes"' in response.text
    assert count(app, Expense) == 1
    response = staff.post(
        f"/pilots/{eid}/expenses",
        data={**batteries, "expense-confirmed": "yes"},
        follow_redirects=True,
    )
    assert "Spending now exceeds the allocated budget." in response.text
    assert "spending exceeds the allocated budget by €0.01." in response.text
    with app.app_context():
        spent = expenses.spending(db.session.get(Experiment, eid))
    assert (spent.allocated, spent.spent, spent.over) == (
        Decimal("10000.00"),
        Decimal("10000.01"),
        True,
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The amount must be more than zero."),
        ("0", "The amount must be more than zero."),
        ("0.00", "The amount must be more than zero."),
        ("abc", "Enter an amount in euros, e.g. 250 or 250.50."),
        ("12.345", "Use at most two decimals (cents)."),
        ("NaN", "Enter an amount in euros"),
        ("Infinity", "Enter an amount in euros"),
        ("", "Enter an amount in euros."),
        ("20000000", "The amount may be at most 10 000 000 euros."),
    ],
)
def test_bad_amounts_are_refused(app, staff, pilot, amount, message):
    _, eid = pilot
    response = staff.post(
        f"/pilots/{eid}/expenses",
        data={
            "expense-date": "2026-03-15",
            "expense-amount": amount,
            "expense-description": "Something",
        },
    )
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Expense) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"expense-date": ""}, "Enter a date, e.g. 2025-03-31."),
        ({"expense-date": "2026-02-30"}, "Enter a date, e.g. 2025-03-31."),
        ({"expense-description": "  "}, "Describe the expense."),
        ({"expense-description": "Coffee\x00"}, "Remove the invisible control characters"),
    ],
)
def test_bad_expense_fields_are_refused(app, staff, pilot, fields, message):
    _, eid = pilot
    data = {
        "expense-date": "2026-03-15",
        "expense-amount": "10",
        "expense-description": "Something",
        **fields,
    }
    response = staff.post(f"/pilots/{eid}/expenses", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Expense) == 0


# Risks.


def test_risks_are_listed_and_placed_in_the_matrix(app, staff, pilot):
    _, eid = pilot
    for description, p, i, status in (
        ("Robot slips on ice", "3", "4", "red"),
        ("Supplier goes bankrupt", "1", "2", "green"),
    ):
        response = staff.post(
            f"/pilots/{eid}/risks",
            data={
                "risk-description": description,
                "risk-probability": p,
                "risk-impact": i,
                "risk-mitigation": "Plan B",
                "risk-owner": "Project lead",
                "risk-status": status,
            },
        )
        assert response.status_code == 303
    page = staff.get(f"/pilots/{eid}").text
    assert "<caption>Risk matrix: impact (rows) by probability (columns)." in page
    assert '<th scope="col">Probability 3</th>' in page and '<th scope="row">Impact 4</th>' in page
    matrix = page[page.index("risk-matrix") : page.index("Risks as a list")]
    # Risk 1 sits in the row of impact 4, column of probability 3; its status is in words.
    row = matrix[matrix.index("Impact 4") : matrix.index("Impact 3")]
    cells = row.split("<td")[1:]
    assert "Risk 1" in cells[2] and "Red: critical" in cells[2] and "Score 12" in cells[2]
    assert "Risk 2" in matrix[matrix.index("Impact 2") : matrix.index("Impact 1")]
    assert "Green: under control" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"risk-probability": "5"}, "Probability is a whole number from 1 to 4."),
        ({"risk-probability": "0"}, "Probability is a whole number from 1 to 4."),
        ({"risk-impact": "7"}, "Impact is a whole number from 1 to 4."),
        ({"risk-impact": "x"}, "Impact is a whole number from 1 to 4."),
        ({"risk-impact": ""}, "Choose an impact from 1 to 4."),
        ({"risk-status": "purple"}, "Unknown value “purple”; choose one of: green, yellow, red."),
        ({"risk-description": ""}, "Describe the risk."),
    ],
)
def test_bad_risks_are_refused(app, staff, pilot, fields, message):
    _, eid = pilot
    data = {
        "risk-description": "Rain",
        "risk-probability": "2",
        "risk-impact": "2",
        "risk-mitigation": "",
        "risk-status": "yellow",
        **fields,
    }
    response = staff.post(f"/pilots/{eid}/risks", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Risk) == 0


def _risk(app, experiment_id, **fields) -> int:
    with app.app_context():
        risk = Risk(
            experiment_id=experiment_id,
            description="Robot slips on ice",
            probability=3,
            impact=4,
            mitigation="Grit",
            status="red",
            **fields,
        )
        db.session.add(risk)
        db.session.commit()
        return risk.id


def test_a_risk_is_reassessed_as_the_pilot_goes_on(app, staff, pilot):
    _, eid = pilot
    rid = _risk(app, eid)
    page = staff.get(f"/pilots/{eid}").text
    assert f'href="/pilots/{eid}/risks/{rid}">Reassess' in page
    form = staff.get(f"/pilots/{eid}/risks/{rid}").text
    assert "Robot slips on ice</textarea>" in form
    assert '<option selected value="red">' in form
    response = staff.post(
        f"/pilots/{eid}/risks/{rid}",
        data={
            "description": "Robot slips on ice",
            "probability": "1",
            "impact": "4",
            "mitigation": "Grit and studded wheels",
            "owner": "Project lead",
            "status": "green",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/pilots/{eid}#risk-{rid}")
    with app.app_context():
        risk = db.session.get(Risk, rid)
        assert (risk.probability, risk.status, risk.mitigation) == (
            1,
            "green",
            "Grit and studded wheels",
        )


def test_each_assessment_is_kept_and_the_page_shows_the_trend(app, staff, pilot):
    _, eid = pilot
    added = {
        "risk-description": "Robot slips on ice",
        "risk-probability": "3",
        "risk-impact": "4",
        "risk-mitigation": "Grit",
        "risk-status": "red",
    }
    assert staff.post(f"/pilots/{eid}/risks", data=added).status_code in (302, 303)
    with app.app_context():
        rid = db.session.scalar(select(Risk.id))
    page = staff.get(f"/pilots/{eid}").text
    row = page[page.index(f'id="risk-{rid}"') :]
    assert "Earlier assessments" not in row[: row.index("</tr>")]  # none yet
    for probability, status in (("2", "yellow"), ("1", "green")):
        again = {k.removeprefix("risk-"): v for k, v in added.items()}
        again |= {"probability": probability, "status": status}
        assert staff.post(f"/pilots/{eid}/risks/{rid}", data=again).status_code == 303
    with app.app_context():
        versions = db.session.get(Risk, rid).assessments
        assert [(v.probability, v.status, v.assessed_by_id) for v in versions] == [
            (3, "red", versions[0].assessed_by_id),
            (2, "yellow", versions[0].assessed_by_id),
            (1, "green", versions[0].assessed_by_id),
        ]
        assert versions[0].assessed_by_id is not None
        risk = db.session.get(Risk, rid)
        assert (risk.probability, risk.status) == (1, "green")  # the current values
    page = unescape(staff.get(f"/pilots/{eid}").text)
    row = page[page.index(f'id="risk-{rid}"') :]
    row = row[: row.index("</tr>")]
    # The earlier two, oldest first; the current one is the row's own values.
    assert row.index("3 × 4 = 12") < row.index("2 × 4 = 8")
    assert "1 × 4 = 4" not in row
    assert re.search(r"<time datetime=\"[0-9-]+T", row)
    assert "Earlier assessments:" in row
    assert "Aiemmat arviot" in staff.get(f"/pilots/{eid}?lang=fi").text
    assert "Tidigare bedömningar" in staff.get(f"/pilots/{eid}?lang=sv").text


def test_a_wrong_reassessment_changes_nothing(app, staff, pilot):
    _, eid = pilot
    rid = _risk(app, eid)
    response = staff.post(
        f"/pilots/{eid}/risks/{rid}",
        data={"description": "", "probability": "9", "impact": "4", "status": "green"},
    )
    assert response.status_code == 422
    assert "Describe the risk." in response.text
    assert "Probability is a whole number from 1 to 4." in response.text
    with app.app_context():
        risk = db.session.get(Risk, rid)
        assert (risk.description, risk.probability, risk.status) == ("Robot slips on ice", 3, "red")


def test_a_risk_is_reassessed_only_through_its_own_experiment(app, staff, pilot, people, programme):
    _, eid = pilot
    _, other = make_pilot(app, people["applicant"], programme)
    rid = _risk(app, other)
    assert staff.get(f"/pilots/{eid}/risks/{rid}").status_code == 404
    assert staff.post(f"/pilots/{eid}/risks/{rid}", data={"status": "green"}).status_code == 404
    assert staff.get(f"/pilots/{eid}/risks/999999").status_code == 404


def test_applicants_cannot_reach_a_risk(app, client, auth, pilot):
    _, eid = pilot
    rid = _risk(app, eid)
    login(auth, client, "applicant")
    assert client.get(f"/pilots/{eid}/risks/{rid}").status_code == 404
    response = client.post(
        f"/pilots/{eid}/risks/{rid}",
        data={"description": "x", "probability": "1", "impact": "1", "status": "green"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Risk, rid).status == "red"


def test_a_decided_experiments_risks_are_kept_as_they_were(app, staff, people, programme):
    _, eid = make_pilot(app, people["applicant"], programme, status=Status.ADOPTED)
    rid = _risk(app, eid)
    assert "Reassess" not in staff.get(f"/pilots/{eid}").text
    response = staff.post(
        f"/pilots/{eid}/risks/{rid}",
        data={"description": "x", "probability": "1", "impact": "1", "status": "green"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Risk, rid).status == "red"


# When additions are allowed.


def test_records_may_be_added_in_evaluation(app, staff, people, programme):
    _, eid = make_pilot(app, people["applicant"], programme, status=Status.EVALUATION)
    response = staff.post(
        f"/pilots/{eid}/expenses",
        data={
            "expense-date": "2026-09-01",
            "expense-amount": "120",
            "expense-description": "Report",
        },
    )
    assert response.status_code == 303
    assert count(app, Expense) == 1


@pytest.mark.parametrize("status", [Status.ADOPTED, Status.DISCONTINUED])
def test_nothing_is_added_after_the_decision(app, staff, people, programme, status):
    _, eid = make_pilot(app, people["applicant"], programme, status=status)
    page = staff.get(f"/pilots/{eid}").text
    assert "nothing more can be added" in page
    assert "Record an expense" not in page
    posts = {
        "partners": {
            "partner-organisation_name": "Late Oy",
            "partner-role": "partner",
            "partner-organisation_type": "company",
        },
        "participation": {
            "participation-date": "2026-09-01",
            "participation-category": "employees",
            "participation-count": "1",
        },
        "expenses": {
            "expense-date": "2026-09-01",
            "expense-amount": "1",
            "expense-description": "Late",
        },
        "risks": {
            "risk-description": "Late",
            "risk-probability": "1",
            "risk-impact": "1",
            "risk-status": "green",
        },
    }
    for path, data in posts.items():
        response = staff.post(f"/pilots/{eid}/{path}", data=data, follow_redirects=True)
        assert "records can be added only while it is a pilot or in evaluation" in response.text
    assert count(app, ExperimentPartner) == count(app, Participation) == 0
    assert count(app, Expense) == count(app, Risk) == 0
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        user = db.session.get(User, people["staff"])
        with pytest.raises(Conflict):
            risks.add_risk(
                experiment,
                user,
                description="x",
                probability=1,
                impact=1,
                mitigation="",
                status="green",
            )


# The proposal page.


def test_the_proposal_page_shows_the_applicant_the_public_facts(
    app, client, auth, people, programme
):
    proposal_id, eid = make_pilot(app, people["applicant"], programme, status=Status.ADOPTED)
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        experiment.decision = "Adopted into the winter maintenance service."
        experiment.lessons_learned = "Start before the first snow."
        lead = db.session.get(Proposal, proposal_id).organisation
        db.session.add(ExperimentPartner(experiment=experiment, organisation=lead, role="lead"))
        db.session.commit()
        lead_name = lead.name
    login(auth, client, "applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "The experiment" in page
    # The builders' pilots start on 1 March of this year, or today if that is earlier.
    start = min(date(date.today().year, 3, 1), date.today())
    assert f"{start:%b} {start.day}, {start.year}" in page
    assert f"{lead_name} (Lead partner)" in page
    assert "Adopted into the winter maintenance service." in page
    assert "Start before the first snow." in page
    assert f'href="/pilots/{eid}#reports"' in page  # the team's own page, linked
    assert "Allocated budget" not in page and "Owner in the city" not in page

    login(auth, client, "staff")
    page = client.get(f"/proposals/{proposal_id}").text
    assert f'href="/pilots/{eid}"' in page
    assert "Allocated budget" in page and "€10,000.00" in page


def test_ids_beyond_the_database_range_are_simply_missing(staff):
    assert staff.get("/pilots/" + "9" * 30).status_code == 404
    assert staff.post("/pilots/" + "9" * 30 + "/expenses").status_code == 404
