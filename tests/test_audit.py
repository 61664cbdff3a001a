"""The audit trail: every kind of change leaves its entry, with who and which fields."""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    REVIEW_CRITERIA,
    AuditEntry,
    Experiment,
    Programme,
    ProgrammeGoal,
    Proposal,
    Risk,
    User,
)
from experiments.services import (
    admin,
    evaluations,
    expenses,
    programmes,
    proposals,
    reviews,
    risks,
    scorecard,
)
from experiments.services.transaction import unit_of_work
from tests import builders

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


@contextmanager
def signed_in(app, user_id):
    """A request of this person, as the web pages make one."""
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        yield db.session.get(User, user_id)


def _entries(app, **where):
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return [
            (e.actor_id, e.action, e.object_type, e.object_id, e.changes)
            for e in db.session.scalars(query)
        ]


def _pilot(app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )
        return db.session.get(Proposal, proposal_id).experiment.id


def create_proposal(app, people, programme):
    with signed_in(app, people["applicant"]) as user:
        return proposals.create_draft(user, builders.complete_values(call_id=None)).id


def update_proposal(app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    with signed_in(app, people["applicant"]) as user:
        proposal = db.session.get(Proposal, proposal_id)
        values = builders.complete_values(title="Salted pavements", call_id=proposal.call_id)
        proposals.update_content(proposal, user, proposal.version, values)
    return proposal_id


def review(app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING
        )
    with signed_in(app, people["staff"]) as user:
        proposal = db.session.get(Proposal, proposal_id)
        scores = {criterion: 4 for criterion in REVIEW_CRITERIA}
        return reviews.save_review(proposal, user, scores, "Promising").id


def expense(app, people, programme):
    experiment_id = _pilot(app, people, programme)
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, experiment_id)
        day = experiment.start_date + timedelta(days=3)
        return expenses.record_expense(
            experiment, user, date=day.isoformat(), amount="1234.50", description="Sensors"
        ).id


def reassessment(app, people, programme):
    experiment_id = _pilot(app, people, programme)
    values = {"description": "Snow", "probability": 3, "impact": 2, "status": "yellow"}
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, experiment_id)
        risk_id = risks.add_risk(experiment, user, **values).id
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, experiment_id)
        risk = db.session.get(Risk, risk_id)
        risks.reassess_risk(experiment, risk, user, **{**values, "status": "red"})
    return risk_id


def evaluation(app, people, programme):
    experiment_id = _pilot(app, people, programme)
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, experiment_id)
        return evaluations.save_evaluation(experiment, user, **EVALUATION).id


def programme_change(app, people, programme):
    with signed_in(app, people["manager"]):
        made = programmes.create_programme(
            {
                "name": "Smart Espoo",
                "description": "",
                "start_year": 2030,
                "end_year": 2031,
                "annual_budget": Decimal("100000.00"),
                "budgets": {},
            }
        )
        return made.id


def goal_retired(app, people, programme):
    with signed_in(app, people["manager"]) as user:
        made = db.session.get(Programme, programme)
        start, end = scorecard.programme_period(made)
        goal = scorecard.create_goal(
            made,
            user,
            {
                "text_fi": "Ehdotuksia",
                "metric": "proposals",
                "target": "10",
                "period_start": start,
                "period_end": end,
            },
        )
        goal_id = goal.id
        scorecard.add_follow_up(goal, user, {"date": date.today(), "status": "yellow"})
    with signed_in(app, people["manager"]) as user:
        scorecard.retire_goal(db.session.get(ProgrammeGoal, goal_id), user)
    # Its follow-ups stay.
    assert not _entries(app, object_type="goal_follow_up", action="deleted")
    return goal_id


def role_change(app, people, programme):
    with signed_in(app, people["admin"]) as user:
        other = db.session.get(User, people["other"])
        admin.change_account(user, other, role=Role.STAFF, active=True)
    return people["other"]


# (the change, who made it, the object, the action, a field it names and its [old, new]).
CASES = [
    (create_proposal, "applicant", "proposal", "created", "title", None),
    (
        update_proposal,
        "applicant",
        "proposal",
        "updated",
        "title",
        ["Snow-clearing robot for Tapiola", "Salted pavements"],
    ),
    (review, "staff", "review", "created", "comment", [None, "Promising"]),
    (expense, "staff", "expense", "created", "amount", [None, "1234.50"]),
    (reassessment, "staff", "risk", "updated", "status", ["yellow", "red"]),
    (evaluation, "staff", "evaluation", "created", "recommendation", [None, "adopt"]),
    (programme_change, "manager", "programme", "created", "name", [None, "Smart Espoo"]),
    (goal_retired, "manager", "programme_goal", "updated", "retired_by_id", None),
    (role_change, "admin", "user", "updated", "role", ["applicant", "staff"]),
]


@pytest.mark.parametrize(
    ("change", "who", "kind", "action", "field", "values"),
    CASES,
    ids=[case[0].__name__ for case in CASES],
)
def test_each_kind_of_change_leaves_its_entry(
    app, people, programme, change, who, kind, action, field, values
):
    object_id = change(app, people, programme)
    found = [
        changes
        for actor, act, _kind, _id, changes in _entries(app, object_type=kind, object_id=object_id)
        if actor == people[who] and act == action
    ]
    assert found, _entries(app, object_type=kind)
    assert field in found[-1]
    if values is not None:
        assert found[-1][field] == values


def test_sign_ins_failed_sign_ins_and_tokens_are_entries(app, client, people, api):
    client.post("/login", data={"email": "staff@test.example", "password": "wrong password"})
    client.post("/login", data={"email": "nobody@test.example", "password": "wrong password"})
    client.post("/login", data={"email": "applicant@test.example", "password": builders.PASSWORD})
    api.token("manager")
    failed = _entries(app, action="sign_in_failed")
    assert [(actor, kind, object_id) for actor, _a, kind, object_id, _c in failed] == [
        (None, "user", people["staff"]),
        (None, "user", None),
    ]
    assert _entries(app, action="signed_in")[0][:4] == (
        people["applicant"],
        "signed_in",
        "user",
        people["applicant"],
    )
    tokens = _entries(app, object_type="api_token", action="created")
    assert tokens and tokens[0][0] == people["manager"]
    assert tokens[0][4]["token_hash"] == [None, None]


def test_secrets_never_appear(app, client, people, api):
    raw = api.token("manager")
    client.post("/login", data={"email": "staff@test.example", "password": "wrong password"})
    with app.app_context():
        user = db.session.get(User, people["admin"])
        user.totp_secret = "JBSWY3DPEHPK3PXP-sealed"
        db.session.commit()
        texts = [str(e.changes) for e in db.session.scalars(select(AuditEntry))]
        hashes = [u.password_hash for u in db.session.scalars(select(User))]
    everything = " ".join(texts)
    assert raw not in everything and "JBSWY3DP" not in everything
    assert not any(h in everything for h in hashes)
    assert "wrong password" not in everything
    assert "'totp_secret': [None, None]" in everything


def test_nothing_is_recorded_when_the_work_is_rolled_back(app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    before = len(_entries(app))
    with signed_in(app, people["applicant"]):
        proposal = db.session.get(Proposal, proposal_id)
        with pytest.raises(RuntimeError), unit_of_work():
            proposal.title = "Never saved"
            db.session.flush()
            written = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "updated"))
            assert written.all()  # recorded in the transaction...
            raise RuntimeError("refused")
    assert len(_entries(app)) == before  # ...and gone with it
    assert "Never saved" not in str(_entries(app))


def test_the_api_filters_and_pages_newest_first(app, api, people, programme):
    proposal_id = update_proposal(app, people, programme)
    response = api.get(f"/audit?object_type=proposal&object_id={proposal_id}", "manager")
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert body["total"] == 2 and body["page"] == 1
    newest, oldest = body["items"]
    assert newest["action"] == "updated" and oldest["action"] == "created"
    assert newest["object"] == {"type": "proposal", "id": proposal_id}
    assert newest["actor"] == {"id": people["applicant"], "name": "Applicant"}
    assert oldest["actor"] is None  # the builder: the system
    assert newest["changes"]["title"] == ["Snow-clearing robot for Tapiola", "Salted pavements"]
    assert set(newest) == {"id", "at", "actor", "action", "object", "changes"}

    mine = api.get(f"/audit?actor_id={people['applicant']}&per_page=1", "admin").get_json()
    assert mine["total"] >= 1 and len(mine["items"]) == 1
    assert all(i["actor"]["id"] == people["applicant"] for i in mine["items"])
    day = newest["at"][:10]
    assert api.get(f"/audit?since={day}&until={day}", "admin").get_json()["total"] >= 2
    assert api.get("/audit?until=2000-01-01", "admin").get_json()["total"] == 0


@pytest.mark.parametrize(
    "query", ["object_type=nothing", "since=yesterday", "object_id=0", "actor_id=x", "page=0"]
)
def test_bad_filters_are_problems(api, query):
    response = api.get(f"/audit?{query}", "manager")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("who", [None, "applicant", "staff"])
def test_only_managers_and_admins_read_the_trail(client, auth, api, who):
    assert api.get("/audit", who).status_code == (401 if who is None else 403)
    if who is not None:
        auth.login(who)
    for path in ("/audit", "/exports/audit.csv"):
        assert client.get(path).status_code == (302 if who is None else 403)


def test_the_page_and_the_csv(app, client, auth, people, programme):
    proposal_id = update_proposal(app, people, programme)
    with signed_in(app, people["applicant"]) as user:
        proposal = db.session.get(Proposal, proposal_id)
        values = builders.complete_values(title="=HYPERLINK(1)", call_id=proposal.call_id)
        proposals.update_content(proposal, user, proposal.version, values)
    auth.login("manager")
    page = client.get(f"/audit?object_type=proposal&object_id={proposal_id}")
    assert page.status_code == 200
    assert "Salted pavements" in page.text and f'href="/proposals/{proposal_id}"' in page.text
    assert client.get("/audit?since=someday").status_code == 422
    csv = client.get(f"/exports/audit.csv?object_type=proposal&object_id={proposal_id}")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.text.splitlines()
    assert lines[0] == "id,at,actor_id,actor,action,object_type,object_id,changes"
    assert len(lines) == 4
    assert ",Applicant,updated,proposal," in lines[1]
    assert "=HYPERLINK" in lines[1] and not any(
        cell.startswith("=") for line in lines for cell in line.split(",")
    )


def test_a_deleted_account_is_a_deleted_user_and_its_changes_stay(
    app, client, auth, api, people, programme
):
    proposal_id = update_proposal(app, people, programme)
    auth.login("applicant")
    response = client.post(
        "/account/delete", data={"password": builders.PASSWORD, "understood": "y"}
    )
    assert response.status_code == 302
    body = api.get(f"/audit?actor_id={people['applicant']}", "manager").get_json()
    kinds = {(i["action"], i["object"]["type"], i["object"]["id"]) for i in body["items"]}
    assert ("updated", "proposal", proposal_id) in kinds
    assert {i["actor"]["name"] for i in body["items"]} == {"Deleted user"}
    everything = str(_entries(app))
    assert "applicant@test.example" not in everything and "'Applicant'" not in everything
    auth.logout()
    auth.login("manager")
    page = client.get(f"/audit?actor_id={people['applicant']}")
    assert "Deleted user" in page.text and ">Applicant<" not in page.text


def test_the_proposal_page_shows_its_changes_to_staff(app, client, auth, people, programme):
    proposal_id = update_proposal(app, people, programme)
    auth.login("staff")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "All changes" in page and "Salted pavements" in page
    auth.logout()
    auth.login("applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "All changes" not in page
