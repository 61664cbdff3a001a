"""/api/v1 reviewer assignments and conflicts of interest: who may use them, what they
answer, and that a conflicted reviewer cannot score; reviews that abstain on a criterion."""

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import ConflictOfInterest, Proposal, Review, ReviewerAssignment
from tests import builders

SCORES = dict(need=4, benefit=4, reusability=3, feasibility=5, cost_effectiveness=2)


@pytest.fixture
def proposal(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Snow robot"
        )


def _ids(app, proposal):
    with app.app_context():
        p = db.session.get(Proposal, proposal)
        return p.call_id, p.organisation_id


def _routes(app, proposal, people):
    call, organisation = _ids(app, proposal)
    return [
        ("GET", f"/proposals/{proposal}/reviewers", None),
        ("POST", f"/proposals/{proposal}/reviewers", {"reviewer_id": people["staff"]}),
        ("DELETE", f"/proposals/{proposal}/reviewers/{people['staff']}", None),
        ("POST", f"/calls/{call}/assignments", {"reviewers_per_proposal": 2}),
        ("POST", f"/proposals/{proposal}/conflicts", {"reason": "x"}),
        ("POST", f"/organisations/{organisation}/conflicts", {"reason": "x"}),
    ]


@pytest.mark.parametrize("who,status", [("applicant", 404), ("other", 404), ("admin", 403)])
def test_applicants_get_404_and_admins_403(app, api, people, proposal, who, status):
    for method, path, body in _routes(app, proposal, people):
        answer = api.request(method, path, who, json=body)
        assert answer.status_code == status, (method, path)
        assert answer.headers["Content-Type"] == "application/problem+json"
    with app.app_context():
        assert db.session.scalars(select(ReviewerAssignment)).all() == []
        assert db.session.scalars(select(ConflictOfInterest)).all() == []


def test_without_a_token_401(app, api, people, proposal):
    for method, path, body in _routes(app, proposal, people):
        assert api.request(method, path, json=body).status_code == 401


def test_assign_list_and_unassign(app, api, people, proposal):
    path = f"/proposals/{proposal}/reviewers"
    made = api.post(path, "manager", json={"reviewer_id": people["staff"]})
    assert made.status_code == 201
    assert made.get_json()["reviewer"] == {"id": people["staff"], "name": "Staff"}
    assert made.get_json()["assigned_by"] == {"id": people["manager"], "name": "Manager"}
    assert made.get_json()["reviewed"] is False
    again = api.post(path, "staff", json={"reviewer_id": people["staff"]})
    assert again.status_code == 409
    applicant = api.post(path, "staff", json={"reviewer_id": people["applicant"]})
    assert applicant.status_code == 409
    assert "reviewer_id" in applicant.get_json()["errors"]
    assert api.post(path, "staff", json={"reviewer_id": "x"}).status_code == 422
    for beyond in (2**31, 10**20):  # past any id: refused, never a 500
        assert api.post(path, "staff", json={"reviewer_id": beyond}).status_code == 422
    assert api.post(path, "staff", json={"reviewer": 1}).status_code == 422
    assert api.put(f"/proposals/{proposal}/review", "staff", json=SCORES).status_code == 200
    listed = api.get(path, "manager").get_json()["items"]
    assert [(i["reviewer"]["id"], i["reviewed"]) for i in listed] == [(people["staff"], True)]
    assert api.delete(f"{path}/{people['staff']}", "manager").status_code == 204
    assert api.delete(f"{path}/{people['staff']}", "manager").status_code == 409
    assert api.get(path, "staff").get_json() == {"items": []}
    assert api.get("/proposals/999999/reviewers", "staff").status_code == 404


def test_a_call_at_once(app, api, people, proposal, programme):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, status=Status.SUBMITTED)
        builders.make_proposal(people["applicant"], programme, status=Status.DRAFT)
    call, _organisation = _ids(app, proposal)
    answer = api.post(f"/calls/{call}/assignments", "manager", json={"reviewers_per_proposal": 3})
    assert answer.status_code == 200
    body = answer.get_json()
    # Two reviewers exist (staff and manager): both proposals get two, and are short of three.
    assert body["assigned"] == 4
    assert sorted(s["reviewers"] for s in body["short"]) == [2, 2]
    assert {s["title"] for s in body["short"]} == {"Snow robot", "Snow-clearing robot for Tapiola"}
    for bad in (0, 11, "2", None):
        refused = api.post(
            f"/calls/{call}/assignments", "manager", json={"reviewers_per_proposal": bad}
        )
        assert refused.status_code == 422
    assert (
        api.post(
            "/calls/999999/assignments", "manager", json={"reviewers_per_proposal": 1}
        ).status_code
        == 404
    )


def test_a_conflicted_reviewer_cannot_score(app, api, people, proposal):
    path = f"/proposals/{proposal}/reviewers"
    assert api.post(path, "manager", json={"reviewer_id": people["staff"]}).status_code == 201
    declared = api.post(f"/proposals/{proposal}/conflicts", "staff", json={"reason": "Cousin"})
    assert declared.status_code == 201
    body = declared.get_json()
    assert body["proposal_id"] == proposal and body["organisation_id"] is None
    assert body["reason"] == "Cousin" and body["reviewer"]["id"] == people["staff"]
    assert api.get(path, "manager").get_json() == {"items": []}
    refused = api.put(f"/proposals/{proposal}/review", "staff", json=SCORES)
    assert refused.status_code == 403
    assert "conflict of interest" in refused.get_json()["detail"]
    assert api.post(f"/proposals/{proposal}/conflicts", "staff", json={}).status_code == 409
    assigned = api.post(path, "manager", json={"reviewer_id": people["staff"]})
    assert assigned.status_code == 409
    with app.app_context():
        assert db.session.scalars(select(Review)).all() == []


def test_an_organisation_conflict(app, api, people, proposal):
    _call, organisation = _ids(app, proposal)
    answer = api.post(f"/organisations/{organisation}/conflicts", "manager", json={})
    assert answer.status_code == 201
    assert answer.get_json()["organisation_id"] == organisation
    refused = api.put(f"/proposals/{proposal}/review", "manager", json=SCORES)
    assert refused.status_code == 403
    assert api.post("/organisations/999999/conflicts", "manager", json={}).status_code == 404


def test_a_review_may_abstain_but_not_on_everything(app, api, people, proposal):
    path = f"/proposals/{proposal}/review"
    answer = api.put(path, "staff", json={**SCORES, "reusability": None})
    assert answer.status_code == 200
    assert answer.get_json()["reusability"] is None
    assert answer.get_json()["need"] == 4
    nothing = dict.fromkeys(SCORES)
    assert api.put(path, "staff", json=nothing).status_code == 422
    assert api.put(path, "staff", json={**SCORES, "need": 6}).status_code == 422
    assert api.put(path, "staff", json={**SCORES, "need": 0}).status_code == 422
    missing = {k: v for k, v in SCORES.items() if k != "need"}
    assert api.put(path, "staff", json=missing).status_code == 422


def test_the_openapi_document_describes_them(client):
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    for path in (
        "/api/v1/proposals/{proposal_id}/reviewers",
        "/api/v1/proposals/{proposal_id}/reviewers/{user_id}",
        "/api/v1/calls/{call_id}/assignments",
        "/api/v1/proposals/{proposal_id}/conflicts",
        "/api/v1/organisations/{organisation_id}/conflicts",
    ):
        assert path in paths, path
    review = document["components"]["schemas"]["ReviewIn"]["properties"]["need"]
    assert "null" in str(review)
