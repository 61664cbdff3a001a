"""Statistics and open data through the API: anyone may read them; no personal data."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call
from experiments.statistics import programme_statistics, statistics_json
from tests import builders

STATISTICS_KEYS = {
    "programme",
    "proposals",
    "by_proposer_type",
    "by_year",
    "by_service_area",
    "by_city_centre",
    "screened",
    "carried_out",
    "running",
    "in_evaluation",
    "adopted",
    "discontinued",
    "rejected",
    "withdrawn",
    "conversion",
    "budget",
    "participants",
    "partner_organisations",
    "median_days_to_screening_decision",
    "median_experiment_days",
}


@pytest.fixture
def dataset(app, people, programme):
    with app.app_context():
        for status in (
            Status.DRAFT,
            Status.SUBMITTED,
            Status.SCREENING,
            Status.REJECTED,
            Status.PILOT,
            Status.ADOPTED,
        ):
            builders.make_proposal(
                people["applicant"], programme, status=status, experiment_owner_id=people["staff"]
            )
    return programme


def test_statistics_are_the_shared_definition(app, client, dataset):
    response = client.get(f"/api/v1/statistics?programme={dataset}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == STATISTICS_KEYS
    with app.app_context():
        assert body == json.loads(json.dumps(statistics_json(programme_statistics(dataset))))
    assert body["proposals"] == 5 and body["carried_out"] == 2 and body["rejected"] == 1
    assert body["conversion"] == 0.4
    assert all(
        isinstance(year["allocated"], str) and "." in year["allocated"] for year in body["budget"]
    )
    assert set(body["participants"]) == {
        "residents_customers",
        "companies_communities",
        "employees",
    }


def test_statistics_hold_no_personal_data(client, dataset):
    text = client.get(f"/api/v1/statistics?programme={dataset}").text
    for person in ("Applicant", "Staff", "applicant@test.example"):
        assert person not in text


def test_statistics_narrow_by_call_and_year(app, client, dataset):
    body = client.get(f"/api/v1/statistics?programme={dataset}&year=2001").get_json()
    assert body["proposals"] == 0 and body["budget"] == []
    year = date.today().year
    body = client.get(f"/api/v1/statistics?programme={dataset}&year={year}").get_json()
    assert body["proposals"] == 5 and [b["year"] for b in body["budget"]] == [year]
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.programme_id == dataset))
    body = client.get(f"/api/v1/statistics?programme={dataset}&call={call_id}").get_json()
    assert body["proposals"] == 5
    assert (
        client.get(f"/api/v1/statistics?programme={dataset}&call=999").get_json()["proposals"] == 0
    )


@pytest.mark.parametrize(
    "query, status",
    [
        ("", 422),
        ("programme=abc", 422),
        ("programme=0", 422),
        ("programme=99999999999", 422),
        ("programme=999", 404),
        ("programme=1&year=abc", 422),
        ("programme=1&call=-1", 422),
    ],
)
def test_bad_statistics_queries(client, dataset, query, status):
    response = client.get("/api/v1/statistics?" + query)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"


def test_public_experiments_are_open_data(client, dataset):
    response = client.get("/api/v1/public/experiments")
    assert response.status_code == 200
    assert 'rel="license"' in response.headers["Link"]
    body = response.get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    assert sorted(item["status"] for item in body["items"]) == ["adopted", "pilot"]
    for person in ("Applicant", "Staff", "@test.example"):
        assert person not in response.text
    adopted = client.get("/api/v1/public/experiments?status=adopted").get_json()
    assert [item["status"] for item in adopted["items"]] == ["adopted"]
    second = client.get("/api/v1/public/experiments?per_page=1&page=2").get_json()
    assert len(second["items"]) == 1 and second["total"] == 2


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=draft", "status"),
        ("status=submitted", "status"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("sdg=18", "sdg"),
        ("centre=atlantis", "centre"),
        ("year=abc", "year"),
        ("programme=0", "programme"),
    ],
)
def test_bad_open_data_queries_are_422(client, query, field):
    response = client.get("/api/v1/public/experiments?" + query)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
