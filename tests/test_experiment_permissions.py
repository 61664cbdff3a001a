"""Who may use each experiment page and action: staff and managers; others never see it.

The pilot's own team (the applicant whose proposal it is) sees its experiment's page and
nothing else of it; other applicants and admins get 404, as if the experiment did not
exist; anonymous visitors are sent to sign in.
"""

from datetime import date
from io import BytesIO

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from experiments.lifecycle import Status
from experiments.models import (
    Evaluation,
    Expense,
    ExperimentPartner,
    Participation,
    Proposal,
    Risk,
    StatusChange,
)
from tests import builders
from tests.pilot_support import count, login, make_pilot

ROLES = ("anonymous", "applicant", "other", "admin", "staff", "manager")
# The builders' pilots start on 1 March, or today if that is earlier in the year.
DAY = min(date(date.today().year, 3, 1), date.today()).isoformat()


def _expected(role: str, allowed: int) -> int:
    return {"anonymous": 302, "staff": allowed, "manager": allowed}.get(role, 404)


def _as(auth, client, role):
    if role != "anonymous":
        login(auth, client, role)


@pytest.fixture
def pilot(app, people, programme):
    return make_pilot(app, people["applicant"], programme)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["", "/evaluation"])
def test_experiment_pages(app, client, auth, pilot, role, page):
    _, eid = pilot
    _as(auth, client, role)
    response = client.get(f"/pilots/{eid}{page}")
    team_page = role == "applicant" and page == ""
    assert response.status_code == (200 if team_page else _expected(role, 200))
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_a_missing_experiment_looks_the_same_to_everyone_signed_in(app, client, auth, role):
    _as(auth, client, role)
    assert client.get("/pilots/424242").status_code == (302 if role == "anonymous" else 404)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("applicant", 403),
        ("other", 403),
        ("admin", 403),
        ("staff", 200),
        ("manager", 200),
    ],
)
def test_the_list_of_pilots(app, client, auth, pilot, role, status):
    _as(auth, client, role)
    response = client.get("/pilots")
    assert response.status_code == status
    if status == 200:
        assert "Snow-clearing robot for Tapiola" in response.text


def _csv():
    boundary, body = encode_multipart(
        {
            "import-file": FileStorage(
                BytesIO(f"date,category,count\n{DAY},employees,3\n".encode()), filename="p.csv"
            )
        }
    )
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


ACTIONS = {
    "partners": (
        ExperimentPartner,
        {
            "data": {
                "partner-organisation_name": "Partner Oy",
                "partner-organisation_type": "company",
                "partner-role": "partner",
            }
        },
    ),
    "participation": (
        Participation,
        {
            "data": {
                "participation-date": DAY,
                "participation-category": "employees",
                "participation-count": "3",
            }
        },
    ),
    "participation/import": (Participation, None),
    "expenses": (
        Expense,
        {"data": {"expense-date": DAY, "expense-amount": "10", "expense-description": "Coffee"}},
    ),
    "risks": (
        Risk,
        {
            "data": {
                "risk-description": "Rain",
                "risk-probability": "2",
                "risk-impact": "2",
                "risk-status": "yellow",
            }
        },
    ),
    "evaluation": (
        Evaluation,
        {
            "data": {
                "got_users": "yes",
                "part_of_services": "yes",
                "research_value": "no",
                "recommendation": "adopt",
            }
        },
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_experiment_actions(app, client, auth, pilot, role, action):
    _, eid = pilot
    model, request = ACTIONS[action]
    _as(auth, client, role)
    before = count(app, model)
    response = client.post(f"/pilots/{eid}/{action}", **(request or _csv()))
    assert response.status_code == _expected(role, 303), response.text[:500]
    assert count(app, model) == before + (1 if role in ("staff", "manager") else 0)


# The moves of a running experiment, through the proposal page's move forms.
MOVES = {
    "evaluation": (
        {"evaluation-actual_end_date": DAY},
        {"staff": 303, "manager": 303, "applicant": 403},
    ),
    "discontinued": (
        {"discontinued-reason": "No users", "discontinued-lessons_learned": "Ask"},
        {"staff": 403, "manager": 303, "applicant": 403},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", list(MOVES))
def test_moves_of_a_pilot(app, client, auth, pilot, role, target):
    proposal_id, _ = pilot
    fields, allowed = MOVES[target]
    _as(auth, client, role)
    response = client.post(
        f"/proposals/{proposal_id}/moves/{target}",
        data={
            f"{target}-to": target,
            f"{target}-version": "1",
            f"{target}-confirmed": "yes",
            **fields,
        },
    )
    expected = 302 if role == "anonymous" else allowed.get(role, 404)
    assert response.status_code == expected
    assert count(app, StatusChange) == (1 if expected == 303 else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["adopted", "discontinued"])
def test_the_decision(app, client, auth, people, programme, role, target):
    proposal_id, _ = make_pilot(app, people["applicant"], programme, status=Status.EVALUATION)
    with app.app_context():
        builders.make_evaluation(proposal_id, people["staff"])
    field = "decision" if target == "adopted" else "reason"
    _as(auth, client, role)
    response = client.post(
        f"/proposals/{proposal_id}/moves/{target}",
        data={
            f"{target}-to": target,
            f"{target}-version": "1",
            f"{target}-{field}": "Done",
            f"{target}-lessons_learned": "Learnt",
            f"{target}-confirmed": "yes",
        },
    )
    expected = {"anonymous": 302, "applicant": 403, "manager": 303, "staff": 403}.get(role, 404)
    assert response.status_code == expected
    assert count(app, Proposal, Proposal.status == target) == (1 if expected == 303 else 0)
