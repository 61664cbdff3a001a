"""Managers' programme and call pages: create, edit, budgets per year, the calls' dates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Programme, ProgrammeYear, Proposal
from tests import builders


def _programme_form(**overrides):
    data = {
        "name": "Smart City 2030",
        "description": "Experiments for a smarter city.",
        "start_year": "2026",
        "end_year": "2028",
        "annual_budget": "100 000",
    }
    data.update(overrides)
    return data


def _budgets(app, programme_id):
    with app.app_context():
        return dict(
            db.session.execute(
                select(ProgrammeYear.year, ProgrammeYear.annual_budget)
                .where(ProgrammeYear.programme_id == programme_id)
                .order_by(ProgrammeYear.year)
            ).all()
        )


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def manager(auth):
    auth.login("manager")
    return auth


def test_index_lists_programmes(client, manager, programme, app):
    response = client.get("/programmes")
    assert response.status_code == 200
    with app.app_context():
        name = db.session.get(Programme, programme).name
    assert name in response.text
    assert "<h1>" in response.text


def test_create_programme_gives_every_year_its_budget(client, manager, app):
    response = client.post("/programmes/new", data=_programme_form())
    assert response.status_code == 302, response.text
    with app.app_context():
        programme = db.session.scalar(select(Programme).where(Programme.name == "Smart City 2030"))
        assert (programme.start_year, programme.end_year) == (2026, 2028)
        assert programme.description == "Experiments for a smarter city."
        assert response.headers["Location"].endswith(f"/programmes/{programme.id}")
        programme_id = programme.id
    assert _budgets(app, programme_id) == {y: Decimal("100000.00") for y in (2026, 2027, 2028)}
    page = client.get(f"/programmes/{programme_id}")
    assert page.status_code == 200
    assert "Smart City 2030" in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "x" * 201, "At most 200 characters."),
        ("description", "d" * 5001, "At most 5000 characters."),
        ("start_year", "2101", "Give a year from 2000 to 2100."),
        ("start_year", "", "Give the year, e.g. 2025."),
        ("start_year", "abc", "Not a valid integer value."),
        ("end_year", "1999", "Give a year from 2000 to 2100."),
        ("end_year", "2025", "The last year cannot be before the first year."),
        ("end_year", "2050", "A programme lasts at most 20 years."),
        ("annual_budget", "", "Give the annual budget for 2026."),
        ("annual_budget", "-1", "The amount may not be negative."),
        ("annual_budget", "1000000000.01", "The amount may be at most 1 000 000 000 euros."),
        ("annual_budget", "12.345", "Use at most two decimals (cents)."),
        ("annual_budget", "lots", "Not a valid decimal value."),
    ],
)
def test_create_programme_refuses_bad_field(client, manager, app, field, value, message):
    response = client.post("/programmes/new", data=_programme_form(**{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert _count(app, Programme) == 0


def test_programme_name_is_unique(client, manager, app, programme):
    with app.app_context():
        name = db.session.get(Programme, programme).name
    response = client.post("/programmes/new", data=_programme_form(name=name.upper()))
    assert response.status_code == 422
    assert "Another programme already has this name." in response.text
    assert _count(app, Programme) == 1


def _edit_form(app, programme_id, **overrides):
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        data = {
            "name": programme.name,
            "description": programme.description,
            "start_year": str(programme.start_year),
            "end_year": str(programme.end_year),
            "annual_budget": "",
        }
        for row in programme.years:
            data[f"budget_{row.year}"] = str(row.annual_budget)
    data.update(overrides)
    return data


def test_edit_form_shows_each_years_budget(client, manager, app, programme):
    response = client.get(f"/programmes/{programme}/edit")
    assert response.status_code == 200
    year = date.today().year
    for y in (year - 1, year, year + 1):
        assert f'name="budget_{y}"' in response.text
        assert f"Budget for {y} (EUR)" in response.text
    assert 'value="250000.00"' in response.text


def test_edit_changes_a_years_budget_and_adds_years(client, manager, app, programme):
    year = date.today().year
    data = _edit_form(
        app,
        programme,
        **{"end_year": str(year + 2), "annual_budget": "50000", f"budget_{year}": "300000"},
    )
    response = client.post(f"/programmes/{programme}/edit", data=data)
    assert response.status_code == 302, response.text
    assert _budgets(app, programme) == {
        year - 1: Decimal("250000.00"),
        year: Decimal("300000.00"),
        year + 1: Decimal("250000.00"),
        year + 2: Decimal("50000.00"),
    }


def test_a_stale_edit_is_refused_and_changes_nothing(client, manager, app, programme):
    """Two managers open the form; the second to save is told, not silently overwritten."""
    form = client.get(f"/programmes/{programme}/edit").text
    assert 'name="version" type="hidden" value="1"' in form
    year = date.today().year
    first = client.post(
        f"/programmes/{programme}/edit",
        data=_edit_form(app, programme, version="1", **{f"budget_{year}": "300000"}),
    )
    assert first.status_code == 302, first.text
    second = client.post(
        f"/programmes/{programme}/edit",
        data=_edit_form(
            app, programme, version="1", name="Overwritten", **{f"budget_{year}": "100000"}
        ),
    )
    assert second.status_code == 422
    assert "Someone else changed this programme while you were editing it." in second.text
    with app.app_context():
        stored = db.session.get(Programme, programme)
        assert stored.name != "Overwritten"
        assert stored.version == 2
    assert _budgets(app, programme)[year] == Decimal("300000.00")


def test_a_budget_only_edit_bumps_the_version(client, manager, app, programme):
    year = date.today().year
    client.post(
        f"/programmes/{programme}/edit",
        data=_edit_form(app, programme, version="1", **{f"budget_{year}": "260000"}),
    )
    with app.app_context():
        assert db.session.get(Programme, programme).version == 2


def test_added_year_needs_a_budget(client, manager, app, programme):
    year = date.today().year
    response = client.post(
        f"/programmes/{programme}/edit", data=_edit_form(app, programme, end_year=str(year + 2))
    )
    assert response.status_code == 422
    assert f"Give the annual budget for {year + 2}." in response.text
    assert len(_budgets(app, programme)) == 3


def test_removing_a_year_without_pilots_deletes_its_row(client, manager, app, programme):
    year = date.today().year
    response = client.post(
        f"/programmes/{programme}/edit", data=_edit_form(app, programme, end_year=str(year))
    )
    assert response.status_code == 302, response.text
    assert list(_budgets(app, programme)) == [year - 1, year]


def _pilot_in(app, programme_id, owner_id, year, amount="20000.00"):
    """A pilot of this programme starting in this year."""
    with app.app_context():
        proposal_id = builders.make_proposal(owner_id, programme_id, status=Status.PILOT)
        experiment = db.session.get(Proposal, proposal_id).experiment
        experiment.start_date = date(year, 2, 1)
        experiment.planned_end_date = date(year, 8, 1)
        experiment.allocated_budget = Decimal(amount)
        db.session.commit()
        return proposal_id


def test_removing_a_year_with_pilots_is_refused(client, manager, app, programme, people):
    year = date.today().year
    _pilot_in(app, programme, people["applicant"], year + 1)
    response = client.post(
        f"/programmes/{programme}/edit", data=_edit_form(app, programme, end_year=str(year))
    )
    assert response.status_code == 422
    refusal = f"{year + 1} cannot be removed from the period: 1 pilot starting that year has"
    assert refusal in response.text
    assert list(_budgets(app, programme)) == [year - 1, year, year + 1]
    with app.app_context():
        assert db.session.get(Programme, programme).end_year == year + 1


def test_a_budget_below_its_allocation_is_refused(client, manager, app, programme, people):
    year = date.today().year
    _pilot_in(app, programme, people["applicant"], year, amount="30000.00")
    response = client.post(
        f"/programmes/{programme}/edit",
        data=_edit_form(app, programme, **{f"budget_{year}": "29999.99"}),
    )
    assert response.status_code == 422
    assert f"is already allocated to pilots starting in {year}" in response.text
    assert _budgets(app, programme)[year] == Decimal("250000.00")
    response = client.post(
        f"/programmes/{programme}/edit",
        data=_edit_form(app, programme, **{f"budget_{year}": "30000"}),
    )
    assert response.status_code == 302
    assert _budgets(app, programme)[year] == Decimal("30000.00")


def test_period_cannot_leave_a_call_outside(client, manager, app, programme):
    year = date.today().year
    with app.app_context():  # the fixture's call is open today
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        call.opens_on, call.closes_on = date(year + 1, 1, 10), date(year + 1, 3, 1)
        db.session.commit()
    response = client.post(
        f"/programmes/{programme}/edit", data=_edit_form(app, programme, end_year=str(year))
    )
    assert response.status_code == 422
    assert "would fall outside the period" in response.text


def _call_form(**overrides):
    year = date.today().year
    data = {
        "title": "Mobility call",
        "description": "Moving around the city.",
        "opens_on": f"{year}-01-15",
        "closes_on": f"{year}-03-31",
    }
    data.update(overrides)
    return data


def test_create_and_edit_a_call(client, manager, app, programme):
    year = date.today().year
    response = client.post(f"/programmes/{programme}/calls/new", data=_call_form())
    assert response.status_code == 302, response.text
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.title == "Mobility call"))
        assert (call.programme_id, call.opens_on, call.closes_on) == (
            programme,
            date(year, 1, 15),
            date(year, 3, 31),
        )
        call_id = call.id
    assert "Mobility call" in client.get(f"/programmes/{programme}").text
    page = client.get(f"/programmes/{programme}/calls/{call_id}/edit")
    assert page.status_code == 200
    assert f'value="{year}-01-15"' in page.text
    response = client.post(
        f"/programmes/{programme}/calls/{call_id}/edit",
        data=_call_form(title="Mobility call, round 2", closes_on=f"{year}-01-15"),
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert (call.title, call.closes_on) == ("Mobility call, round 2", date(year, 1, 15))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "t" * 201}, "At most 200 characters."),
        ({"description": "d" * 5001}, "At most 5000 characters."),
        ({"opens_on": ""}, "Give the opening date."),
        ({"closes_on": "31.3.2020"}, "Not a valid date value."),
        ({"closes_on": "{year}-01-14"}, "The call must close on or after the day it opens."),
        ({"opens_on": "{before}-12-01"}, "The call must open within the programme period"),
        ({"closes_on": "{after}-01-01"}, "The call must close within the programme period"),
    ],
)
def test_call_refuses_bad_field(client, manager, app, programme, overrides, message):
    year = date.today().year
    values = {k: v.format(year=year, before=year - 2, after=year + 2) for k, v in overrides.items()}
    before = _count(app, Call)
    response = client.post(f"/programmes/{programme}/calls/new", data=_call_form(**values))
    assert response.status_code == 422
    assert message in response.text
    assert _count(app, Call) == before


def test_edit_of_a_call_refused_leaves_it(client, manager, app, programme):
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        call_id, closes = call.id, call.closes_on
    response = client.post(
        f"/programmes/{programme}/calls/{call_id}/edit",
        data=_call_form(opens_on=str(closes), closes_on=str(closes - timedelta(days=1))),
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Call, call_id).closes_on == closes


def test_call_of_another_programme_is_404(client, manager, app, programme):
    with app.app_context():
        other = builders.make_programme()
        call_id = db.session.scalar(select(Call.id).where(Call.programme_id == other))
    assert client.get(f"/programmes/{programme}/calls/{call_id}/edit").status_code == 404
    assert client.get("/programmes/9999").status_code == 404


def test_a_new_open_call_is_offered_to_applicants(client, auth, app, programme):
    auth.login("manager")
    year = date.today().year
    today = date.today()
    client.post(
        f"/programmes/{programme}/calls/new",
        data=_call_form(
            title="Climate call", opens_on=str(today), closes_on=str(date(year, 12, 31))
        ),
    )
    auth.logout()
    assert "Climate call" in client.get("/").text
    auth.login("applicant")
    assert "Climate call" in client.get("/proposals/new").text


@pytest.mark.parametrize("who", ["applicant", "staff"])
def test_only_managers_and_admins_use_programme_pages(client, auth, programme, who):
    auth.login(who)
    assert client.get("/programmes").status_code == 403
    assert client.post("/programmes/new", data=_programme_form()).status_code == 403
    assert client.get(f"/programmes/{programme}/edit").status_code == 403


def test_admins_manage_programmes_too(client, auth, programme):
    auth.login("admin")  # SPEC's role table: admin manages users and roles, programmes
    assert client.get("/programmes").status_code == 200
    assert client.get(f"/programmes/{programme}/edit").status_code == 200


def test_anonymous_is_sent_to_login(client, programme):
    response = client.get("/programmes/new")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_the_programme_form_limits_its_fields_in_the_browser(client, manager):
    page = client.get("/programmes/new").text
    assert 'id="name" maxlength="200"' in page
    assert 'id="description" maxlength="5000"' in page
    assert 'max="2100" min="2000" name="start_year"' in page
