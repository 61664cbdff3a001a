"""A running experiment through the API: partners, participation, expenses, risks, evaluation."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, Organisation, Proposal
from tests import builders


@pytest.fixture
def pilot(app, people, programme):
    """The experiment id of a running pilot and its start date."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )
        experiment = db.session.get(Proposal, proposal_id).experiment
        return experiment.id, experiment.start_date


def _day(start: date, days: int = 10) -> str:
    return (start + timedelta(days=days)).isoformat()


def test_the_experiment_id_is_the_one_inside_the_proposal(app, api, pilot):
    experiment_id, _start = pilot
    with app.app_context():
        proposal_id = db.session.scalar(select(Experiment.proposal_id))
    body = api.get(f"/proposals/{proposal_id}", "staff").get_json()
    assert body["experiment"]["id"] == experiment_id
    assert api.get(f"/experiments/{experiment_id}/partners", "staff").status_code == 200


def test_partners(app, api, pilot):
    experiment_id, _start = pilot
    path = f"/experiments/{experiment_id}/partners"
    lead = api.get(path, "staff").get_json()["items"]
    assert [p["role"] for p in lead] == []  # the builder placed the pilot directly

    new = api.post(
        path,
        "staff",
        json={
            "organisation": {
                "name": "Aalto Research",
                "type": "research",
                "business_id": "0245896-3",
            },
            "role": "research",
        },
    )
    assert new.status_code == 201, new.text
    body = new.get_json()
    assert body["role"] == "research"
    assert body["organisation"]["name"] == "Aalto Research"
    assert body["organisation"]["business_id"] == "0245896-3"

    with app.app_context():
        other_id = db.session.scalar(
            select(Organisation.id).where(Organisation.name != "Aalto Research")
        )
    by_id = api.post(path, "manager", json={"organisation_id": other_id, "role": "partner"})
    assert by_id.status_code == 201
    # Well-formed, but refused by what is stored: a conflict, named by field.
    again = api.post(path, "manager", json={"organisation_id": other_id, "role": "lead"})
    assert again.status_code == 409
    assert "organisation_id" in again.get_json()["errors"]
    assert [p["organisation"]["id"] for p in api.get(path, "staff").get_json()["items"]] == [
        body["organisation"]["id"],
        other_id,
    ]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"role": "partner"}, "organisation_id"),
        ({"organisation_id": 1, "role": "sponsor"}, "role"),
        (
            {
                "organisation": {"name": "X", "type": "company", "business_id": "1234567-8"},
                "role": "partner",
            },
            "organisation.business_id",
        ),
        ({"organisation": {"name": "X"}, "role": "partner"}, "organisation.type"),
        ({"organisation": {"name": "X", "type": "company"}, "role": "partner", "x": 1}, "x"),
    ],
)
def test_invalid_partners_are_422(api, pilot, body, field):
    response = api.post(f"/experiments/{pilot[0]}/partners", "staff", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_an_organisation_id_that_names_none_is_a_conflict(api, pilot):
    body = {"organisation_id": 999, "role": "partner"}
    response = api.post(f"/experiments/{pilot[0]}/partners", "staff", json=body)
    assert response.status_code == 409
    assert "organisation_id" in response.get_json()["errors"]


def test_participation(api, pilot):
    experiment_id, start = pilot
    path = f"/experiments/{experiment_id}/participation"
    response = api.post(
        path,
        "staff",
        json={"date": _day(start), "category": "employees", "count": 12, "note": "Workshop"},
    )
    assert response.status_code == 201, response.text
    assert response.get_json()["count"] == 12
    api.post(
        path,
        "staff",
        json={"date": _day(start, 1), "category": "residents_customers", "count": 300},
    )
    items = api.get(path, "manager").get_json()["items"]
    assert [(i["category"], i["count"], i["note"]) for i in items] == [
        ("residents_customers", 300, ""),
        ("employees", 12, "Workshop"),
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"count": 0}, "count"),
        ({"count": "12"}, "count"),
        ({"category": "pets"}, "category"),
        ({"date": "31.12.2020"}, "date"),
        ({"date": "20200101"}, "date"),
        ({"date": "1899-12-31"}, "date"),
        ({"note": 5}, "note"),
    ],
)
def test_invalid_participation_is_422(api, pilot, change, field):
    experiment_id, start = pilot
    body = {"date": _day(start), "category": "employees", "count": 3, **change}
    response = api.post(f"/experiments/{experiment_id}/participation", "staff", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_participation_before_the_pilot_started_is_a_conflict(api, pilot):
    experiment_id, start = pilot
    body = {"date": "1999-01-01", "category": "employees", "count": 3}
    response = api.post(f"/experiments/{experiment_id}/participation", "staff", json=body)
    assert response.status_code == 409
    assert "date" in response.get_json()["errors"]


def test_expenses(api, pilot):
    experiment_id, start = pilot
    path = f"/experiments/{experiment_id}/expenses"
    response = api.post(
        path, "staff", json={"date": _day(start), "amount": 1234.5, "description": "Sensors"}
    )
    assert response.status_code == 201, response.text
    assert response.get_json()["amount"] == "1234.50"
    assert api.get(path, "staff").get_json()["items"][0]["description"] == "Sensors"


@pytest.mark.parametrize("amount", ["0", "-1", "NaN", "1.001", 1e400, "Infinity", None, True])
def test_invalid_expense_amounts_are_422(api, pilot, amount):
    experiment_id, start = pilot
    response = api.post(
        f"/experiments/{experiment_id}/expenses",
        "staff",
        json={"date": _day(start), "amount": amount, "description": "X"},
    )
    assert response.status_code == 422
    assert "amount" in response.get_json()["errors"]


def test_risks(api, pilot):
    experiment_id, _start = pilot
    path = f"/experiments/{experiment_id}/risks"
    response = api.post(
        path,
        "staff",
        json={"description": "Snow", "probability": 3, "impact": 2, "status": "yellow"},
    )
    assert response.status_code == 201, response.text
    assert response.get_json() == {
        "id": response.get_json()["id"],
        "description": "Snow",
        "probability": 3,
        "impact": 2,
        "mitigation": "",
        "status": "yellow",
    }
    assert len(api.get(path, "staff").get_json()["items"]) == 1
    bad = api.post(
        path, "staff", json={"description": "X", "probability": 5, "impact": 0, "status": "blue"}
    )
    assert set(bad.get_json()["errors"]) == {"probability", "impact", "status"}


EVALUATION = {
    "got_users": True,
    "users_count": 420,
    "part_of_services": False,
    "benefits_city": "Fewer falls",
    "benefits_customers": "Safer walks",
    "research_value": True,
    "research_link": "https://example.org/report",
    "findings": "Works on flat streets",
    "recommendation": "adopt",
}


def test_evaluation_is_written_and_revised(api, pilot):
    path = f"/experiments/{pilot[0]}/evaluation"
    response = api.put(path, "staff", json=EVALUATION)
    assert response.status_code == 200, response.text
    assert response.get_json()["users_count"] == 420
    revised = api.put(path, "manager", json={**EVALUATION, "recommendation": "extend"})
    assert revised.get_json()["recommendation"] == "extend"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"got_users": "yes"}, "got_users"),
        ({"users_count": -1}, "users_count"),
        ({"research_link": "not a link"}, "research_link"),
        ({"recommendation": "maybe"}, "recommendation"),
        ({"author_id": 1}, "author_id"),
    ],
)
def test_invalid_evaluations_are_422(api, pilot, change, field):
    response = api.put(
        f"/experiments/{pilot[0]}/evaluation", "staff", json={**EVALUATION, **change}
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


SUB_RESOURCES = ["partners", "participation", "expenses", "risks"]


@pytest.mark.parametrize("resource", SUB_RESOURCES)
@pytest.mark.parametrize("who, status", [("applicant", 403), ("admin", 403), (None, 401)])
def test_only_staff_see_experiment_records(api, pilot, resource, who, status):
    response = api.get(f"/experiments/{pilot[0]}/{resource}", who)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("resource", SUB_RESOURCES)
def test_missing_experiments_are_404(api, people, resource):
    assert api.get(f"/experiments/999/{resource}", "staff").status_code == 404


def test_a_decided_experiment_takes_no_more_records(app, api, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=Status.ADOPTED)
        experiment_id = db.session.get(Proposal, proposal_id).experiment.id
    response = api.post(
        f"/experiments/{experiment_id}/risks",
        "staff",
        json={"description": "Late", "probability": 1, "impact": 1, "status": "green"},
    )
    assert response.status_code == 409
    assert (
        api.put(f"/experiments/{experiment_id}/evaluation", "staff", json=EVALUATION).status_code
        == 409
    )
