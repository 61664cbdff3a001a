"""Every kind of change the SPEC's audit trail lists leaves its entry: each case makes the change
through the app (its pages or its API, as a person does) and reads the new rows of the trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import (
    ApiToken,
    AuditEntry,
    Call,
    Evaluation,
    Experiment,
    Feedback,
    GoalFollowUp,
    Organisation,
    Participation,
    Programme,
    ProgrammeGoal,
    ProgrammeRisk,
    Proposal,
    Review,
    User,
)
from experiments.secrets_at_rest import seal
from experiments.security import new_totp_secret
from tests import builders

ANY = object()  # the field is named, whatever its values
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
RISK = {
    "description": "Snow",
    "probability": "3",
    "impact": "2",
    "mitigation": "Ploughs",
    "owner": "",
    "status": "yellow",
}


@dataclass
class Expect:
    """An entry the change must have appended; changes: field → [old, new] or ANY."""

    action: str
    object_type: str
    object_id: int | None
    changes: dict[str, Any] = field(default_factory=dict)
    actor: Any = ANY  # one of the people, None for no one (the system), or ANY


@dataclass
class World:
    app: Any
    client: Any
    auth: Any
    api: Any
    people: dict[str, int]
    programme: int

    def login(self, who: str) -> None:
        self.auth.logout()
        response = self.auth.login(who)
        assert response.status_code == 302, response.text

    def made(self, build, *args, **kwargs):
        """Data made directly, before the change (the builders write as the system)."""
        with self.app.app_context():
            return build(*args, **kwargs)

    def pilot(self, status=Status.PILOT) -> tuple[int, int]:
        def build():
            proposal_id = builders.make_proposal(
                self.people["applicant"],
                self.programme,
                status=status,
                experiment_owner_id=self.people["staff"],
            )
            return proposal_id, db.session.get(Proposal, proposal_id).experiment.id

        return self.made(build)

    def day_in(self, experiment_id: int) -> str:
        def build():
            return db.session.get(Experiment, experiment_id).start_date.isoformat()

        return self.made(build)

    def scalar(self, query):
        return self.made(lambda: db.session.scalar(query))


def ok(response, status=(200, 201, 302, 303)):
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), (
        response.status_code,
        response.text[:2000],
    )
    return response


def _call_id(w: World) -> int:
    def build():
        return db.session.get(Programme, w.programme).calls[0].id

    return w.made(build)


def _proposal_form(call_id: int, **overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "call_id": str(call_id),
        "title": "Snow robot",
        "summary": "A robot clears snow.",
        "need": "Icy pavements.",
        "proposer_type": "company",
        "organisation_name": "Robotics Oy",
        "organisation_business_id": "0112038-9",
        "service_area": "mobility",
        "city_centres": ["tapiola"],
        "requested_budget": "15000.50",
        "planned_duration_months": "6",
        "sdgs": ["11"],
    }
    data.update(overrides)
    return data


# --- proposals --------------------------------------------------------------------------------


def proposal_created(w: World):
    w.login("applicant")
    response = ok(w.client.post("/proposals/new", data=_proposal_form(_call_id(w))))
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return [
        Expect(
            "created",
            "proposal",
            proposal_id,
            {"title": [None, "Snow robot"], "city_centres": [[], ["tapiola"]]},
            "applicant",
        )
    ]


def proposal_content(w: World):
    proposal_id = w.made(builders.make_proposal, w.people["applicant"], w.programme)
    body = {
        "version": 1,
        "title": "Salted pavements",
        "city_centres": ["tapiola", "leppavaara"],
        "sdgs": [9, 11],
    }
    ok(w.api.patch(f"/proposals/{proposal_id}", "applicant", json=body))
    # The centres and goals are rows of their own, recorded as the proposal's fields.
    changes = {
        "title": ["Snow-clearing robot for Tapiola", "Salted pavements"],
        "city_centres": [["tapiola"], ["leppavaara", "tapiola"]],
        "sdgs": [[11], [9, 11]],
    }
    return [Expect("updated", "proposal", proposal_id, changes, "applicant")]


def proposal_partner_added_and_removed(w: World):
    proposal_id = w.made(builders.make_proposal, w.people["applicant"], w.programme)
    w.login("applicant")
    partner = {
        "partners-0-name": "Aalto University",
        "partners-0-business_id": "",
        "partners-0-type": "research",
    }
    form = _proposal_form(_call_id(w), version="1", **partner)
    ok(w.client.post(f"/proposals/{proposal_id}/edit", data=form))
    aalto = w.scalar(select(Organisation.id).where(Organisation.name == "Aalto University"))
    added = Expect("updated", "proposal", proposal_id, {"partners": [[], [aalto]]}, "applicant")
    ok(
        w.client.post(
            f"/proposals/{proposal_id}/edit", data=_proposal_form(_call_id(w), version="2")
        )
    )
    removed = Expect("updated", "proposal", proposal_id, {"partners": [[aalto], []]}, "applicant")
    return [added, removed]


def review(w: World):
    proposal_id = w.made(
        builders.make_proposal, w.people["applicant"], w.programme, status=Status.SCREENING
    )
    scores = dict.fromkeys(
        ("need", "benefit", "reusability", "feasibility", "cost_effectiveness"), 4
    )
    response = ok(
        w.api.put(f"/proposals/{proposal_id}/review", "staff", json={**scores, "comment": "Good"})
    )
    assert response.get_json()["comment"] == "Good"
    review_id = w.scalar(select(Review.id))
    return [Expect("created", "review", review_id, {"comment": [None, "Good"]}, "staff")]


def move(w: World):
    proposal_id = w.made(
        builders.make_proposal, w.people["applicant"], w.programme, status=Status.SUBMITTED
    )
    body = {"to": "screening", "version": 1}
    ok(w.api.post(f"/proposals/{proposal_id}/transitions", "staff", json=body))
    status = ["submitted", "screening"]
    return [Expect("updated", "proposal", proposal_id, {"status": status}, "staff")]


def decision(w: World):
    proposal_id, experiment_id = w.pilot(Status.EVALUATION)
    w.made(builders.make_evaluation, proposal_id, w.people["staff"])
    version = w.scalar(select(Proposal.version).where(Proposal.id == proposal_id))
    body = {
        "to": "adopted",
        "version": version,
        "decision": "Take it city-wide",
        "lessons_learned": "Start small",
    }
    ok(w.api.post(f"/proposals/{proposal_id}/transitions", "manager", json=body))
    return [
        Expect("updated", "proposal", proposal_id, {"status": ["evaluation", "adopted"]}),
        Expect(
            "updated",
            "experiment",
            experiment_id,
            {"decision": [None, "Take it city-wide"], "lessons_learned": ANY},
            "manager",
        ),
    ]


# --- experiments' records ---------------------------------------------------------------------


def experiment_partner(w: World):
    _proposal_id, experiment_id = w.pilot()
    body = {"role": "research", "organisation": {"name": "Library Co-op", "type": "community"}}
    response = ok(w.api.post(f"/experiments/{experiment_id}/partners", "staff", json=body))
    partner_id = response.get_json()["id"]
    library = w.scalar(select(Organisation.id).where(Organisation.name == "Library Co-op"))
    return [
        Expect("created", "organisation", library, {"name": [None, "Library Co-op"]}, "staff"),
        Expect(
            "created",
            "experiment_partner",
            partner_id,
            {"organisation_id": [None, library], "role": [None, "research"]},
            "staff",
        ),
    ]


def participation(w: World):
    _proposal_id, experiment_id = w.pilot()
    body = {"date": w.day_in(experiment_id), "category": "employees", "count": 12}
    response = ok(w.api.post(f"/experiments/{experiment_id}/participation", "staff", json=body))
    assert response.get_json()
    record_id = w.scalar(select(Participation.id))
    return [Expect("created", "participation", record_id, {"count": [None, 12]}, "staff")]


def expense(w: World):
    _proposal_id, experiment_id = w.pilot()
    body = {"date": w.day_in(experiment_id), "amount": "1234.50", "description": "Sensors"}
    response = ok(w.api.post(f"/experiments/{experiment_id}/expenses", "staff", json=body))
    expense_id = response.get_json()["id"]
    return [Expect("created", "expense", expense_id, {"amount": [None, "1234.50"]}, "staff")]


def _risk(w: World) -> tuple[int, int]:
    _proposal_id, experiment_id = w.pilot()
    body = {**RISK, "probability": 3, "impact": 2}
    body.pop("owner")
    response = ok(w.api.post(f"/experiments/{experiment_id}/risks", "staff", json=body))
    return experiment_id, response.get_json()["id"]


def risk(w: World):
    _experiment_id, risk_id = _risk(w)
    version = {"risk_id": [None, risk_id], "status": [None, "yellow"], "probability": [None, 3]}
    return [
        Expect("created", "risk", risk_id, {"description": [None, "Snow"]}, "staff"),
        Expect("created", "risk_assessment", ANY, version, "staff"),
    ]


def risk_reassessment(w: World):
    experiment_id, risk_id = _risk(w)
    w.login("staff")
    form = {**RISK, "probability": "4", "status": "red"}
    ok(w.client.post(f"/pilots/{experiment_id}/risks/{risk_id}", data=form))
    version = {"risk_id": [None, risk_id], "status": [None, "red"], "probability": [None, 4]}
    return [
        Expect(
            "updated",
            "risk",
            risk_id,
            {"status": ["yellow", "red"], "probability": [3, 4]},
            "staff",
        ),
        Expect("created", "risk_assessment", ANY, version, "staff"),
    ]


def evaluation(w: World):
    _proposal_id, experiment_id = w.pilot(Status.EVALUATION)
    response = ok(w.api.put(f"/experiments/{experiment_id}/evaluation", "staff", json=EVALUATION))
    assert response.get_json()["recommendation"] == "adopt"
    evaluation_id = w.scalar(select(Evaluation.id))
    return [
        Expect("created", "evaluation", evaluation_id, {"recommendation": [None, "adopt"]}, "staff")
    ]


# --- programmes, calls, budgets, scorecards ---------------------------------------------------


def programme_created(w: World):
    w.login("manager")
    form = {
        "name": "Smart City 2030",
        "description": "Experiments for a smarter city.",
        "start_year": "2030",
        "end_year": "2031",
        "annual_budget": "100000",
    }
    ok(w.client.post("/programmes/new", data=form))
    made = w.scalar(select(Programme.id).where(Programme.name == "Smart City 2030"))
    return [
        Expect("created", "programme", made, {"name": [None, "Smart City 2030"]}, "manager"),
        Expect("created", "programme_year", ANY, {"year": [None, 2030]}, "manager"),
        Expect("created", "programme_year", ANY, {"year": [None, 2031]}, "manager"),
    ]


def budget(w: World):
    def read():
        made = db.session.get(Programme, w.programme)
        form = {
            "name": made.name,
            "description": made.description,
            "start_year": str(made.start_year),
            "end_year": str(made.end_year),
            "annual_budget": "",
        }
        form |= {f"budget_{row.year}": str(row.annual_budget) for row in made.years}
        return form, made.years[0].year, made.years[0].id, str(made.years[0].annual_budget)

    form, year, row_id, before = w.made(read)
    form[f"budget_{year}"] = "300000"
    w.login("manager")
    ok(w.client.post(f"/programmes/{w.programme}/edit", data=form))
    changes = {"annual_budget": [before, "300000.00"]}
    return [Expect("updated", "programme_year", row_id, changes, "manager")]


def call(w: World):
    w.login("manager")
    year = date.today().year
    form = {
        "title": "Mobility call",
        "description": "Moving around the city.",
        "opens_on": f"{year}-01-15",
        "closes_on": f"{year}-03-31",
    }
    ok(w.client.post(f"/programmes/{w.programme}/calls/new", data=form))
    call_id = w.scalar(select(Call.id).where(Call.title == "Mobility call"))
    return [Expect("created", "call", call_id, {"title": [None, "Mobility call"]}, "manager")]


def _goal(w: World) -> int:
    def period():
        made = db.session.get(Programme, w.programme)
        return f"{made.start_year}-01-01", f"{made.end_year}-12-31"

    start, end = w.made(period)
    w.login("manager")
    form = {
        "text_fi": "Ehdotuksia kertyy",
        "text_sv": "",
        "text_en": "Proposals come in",
        "metric": "manual",
        "direction": "at_least",
        "target": "150",
        "unit": "",
        "period_start": start,
        "period_end": end,
    }
    ok(w.client.post(f"/scorecards/{w.programme}/goals/new", data=form))
    return w.scalar(select(ProgrammeGoal.id))


def scorecard_goal_and_follow_up(w: World):
    goal_id = _goal(w)
    form = {"date": date.today().isoformat(), "status": "yellow", "value": "40", "comment": ""}
    ok(w.client.post(f"/scorecards/{w.programme}/goals/{goal_id}/follow-ups/new", data=form))
    follow_up = w.scalar(select(GoalFollowUp.id))
    text = [None, "Ehdotuksia kertyy"]
    return [
        Expect("created", "programme_goal", goal_id, {"text_fi": text}, "manager"),
        Expect("created", "goal_follow_up", follow_up, {"status": [None, "yellow"]}, "manager"),
    ]


def scorecard_goal_retired(w: World):
    goal_id = _goal(w)
    form = {"date": date.today().isoformat(), "status": "green", "value": "40", "comment": ""}
    ok(w.client.post(f"/scorecards/{w.programme}/goals/{goal_id}/follow-ups/new", data=form))
    mark = _mark(w.app)
    url = f"/scorecards/{w.programme}/goals/{goal_id}/delete"
    ok(w.client.post(url, data={"confirmed": "yes"}), 303)
    # Retired, not deleted: the goal and its follow-up stay, and nothing is recorded deleted.
    assert not [e for e in _new(w.app, mark) if e[1] == "deleted"]
    assert w.scalar(select(func.count(GoalFollowUp.id))) == 1
    retired = {"retired_at": ANY, "retired_by_id": [None, w.people["manager"]]}
    return [Expect("updated", "programme_goal", goal_id, retired, "manager")]


def programme_risk_reassessment(w: World):
    w.login("manager")
    form = {**RISK, "description": "Budget cut"}
    ok(w.client.post(f"/scorecards/{w.programme}/risks/new", data=form))
    risk_id = w.scalar(select(ProgrammeRisk.id))
    form |= {"impact": "4", "status": "red"}
    ok(w.client.post(f"/scorecards/{w.programme}/risks/{risk_id}/edit", data=form))
    first = {"programme_risk_id": [None, risk_id], "status": [None, "yellow"]}
    second = {"programme_risk_id": [None, risk_id], "status": [None, "red"], "impact": [None, 4]}
    return [
        Expect("created", "programme_risk", risk_id, {"impact": [None, 2]}, "manager"),
        Expect("created", "risk_assessment", ANY, first, "manager"),
        Expect("updated", "programme_risk", risk_id, {"impact": [2, 4]}, "manager"),
        Expect("created", "risk_assessment", ANY, second, "manager"),
    ]


# --- people: roles, access, tokens, sign-ins, deletion ----------------------------------------


def role(w: World):
    w.login("admin")
    staff = w.people["staff"]
    ok(w.client.post(f"/admin/users/{staff}", data={"role": "manager", "active": "y"}))
    return [Expect("updated", "user", staff, {"role": ["staff", "manager"]}, "admin")]


def access(w: World):
    w.login("admin")
    staff = w.people["staff"]
    ok(w.client.post(f"/admin/users/{staff}", data={"role": "staff"}))
    return [Expect("updated", "user", staff, {"active": [True, False]}, "admin")]


def token_created_and_revoked(w: World):
    body = {"email": "staff@test.example", "password": builders.PASSWORD}
    raw = ok(w.client.post("/api/v1/tokens", json=body), 201).get_json()["token"]
    token_id = w.scalar(select(ApiToken.id))
    headers = {"Authorization": f"Bearer {raw}"}
    ok(w.client.delete("/api/v1/tokens/current", headers=headers), (200, 204))
    staff = w.people["staff"]
    created = {"user_id": [None, staff], "token_hash": [None, None]}
    return [
        Expect("created", "api_token", token_id, created, "staff"),
        Expect("updated", "api_token", token_id, {"revoked_at": ANY}, "staff"),
    ]


def sign_in(w: World):
    w.login("applicant")
    return [Expect("signed_in", "user", w.people["applicant"], {}, "applicant")]


def failed_sign_in(w: World):
    data = {"email": "staff@test.example", "password": "wrong password"}
    ok(w.client.post("/login", data=data), (200, 422))
    return [Expect("sign_in_failed", "user", w.people["staff"], {}, None)]


def wrong_second_factor_code(w: World):
    def enrol():
        user = db.session.get(User, w.people["staff"])
        user.totp_secret, user.totp_enabled_at = seal(new_totp_secret()), user.created_at
        db.session.commit()

    w.made(enrol)
    data = {"email": "staff@test.example", "password": builders.PASSWORD}
    ok(w.client.post("/login", data=data))
    ok(w.client.post("/login/code", data={"code": "000000"}), 422)
    # Counted by one UPDATE statement in the database, recorded all the same.
    return [Expect("updated", "user", w.people["staff"], {"totp_failures": [0, 1]})]


def account_deletion(w: World):
    applicant = w.people["applicant"]
    token = w.api.token("applicant")

    def feedback():
        sent = Feedback(name="Anna", email="anna@test.example", message="Hard to read", locale="en")
        sent.user_id = applicant
        db.session.add(sent)
        db.session.commit()
        return sent.id

    feedback_id = w.made(feedback)
    proposal_id = proposal_content(w)[0].object_id
    token_id = w.scalar(
        select(func.max(AuditEntry.object_id)).where(AuditEntry.object_type == "api_token")
    )
    w.login("applicant")
    data = {"password": builders.PASSWORD, "understood": "y"}
    ok(w.client.post("/account/delete", data=data))
    # The person is "Deleted user" in the trail; what they changed stays theirs.
    trail = w.api.get(f"/audit?actor_id={applicant}&per_page=100", "manager").get_json()
    assert {item["actor"]["name"] for item in trail["items"]} == {"Deleted user"}
    assert ("updated", "proposal", proposal_id) in {
        (i["action"], i["object"]["type"], i["object"]["id"]) for i in trail["items"]
    }
    assert token not in str(trail) and "anna@test.example" not in str(trail)
    return [
        Expect(
            "updated",
            "user",
            applicant,
            {"name": [None, None], "active": [True, False]},
            "applicant",
        ),
        Expect("updated", "api_token", token_id, {"revoked_at": ANY}, "applicant"),
        Expect(
            "updated",
            "feedback",
            feedback_id,
            {"user_id": [applicant, None], "email": [None, None], "name": [None, None]},
            "applicant",
        ),
    ]


CASES = [
    proposal_created,
    proposal_content,
    proposal_partner_added_and_removed,
    review,
    move,
    decision,
    experiment_partner,
    participation,
    expense,
    risk,
    risk_reassessment,
    evaluation,
    programme_created,
    budget,
    call,
    scorecard_goal_and_follow_up,
    scorecard_goal_retired,
    programme_risk_reassessment,
    role,
    access,
    token_created_and_revoked,
    sign_in,
    failed_sign_in,
    wrong_second_factor_code,
    account_deletion,
]


def _mark(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def _new(app, mark: int) -> list[tuple[int | None, str, str, int | None, dict]]:
    with app.app_context():
        return [
            (e.actor_id, e.action, e.object_type, e.object_id, e.changes)
            for e in db.session.scalars(
                select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id)
            )
        ]


def _matches(entry, expected: Expect, people: dict[str, int]) -> bool:
    actor, action, object_type, object_id, changes = entry
    if (action, object_type) != (expected.action, expected.object_type):
        return False
    if expected.object_id is not ANY and object_id != expected.object_id:
        return False
    if expected.actor is not ANY and actor != (expected.actor and people[expected.actor]):
        return False
    return all(
        name in changes and (values is ANY or changes[name] == values)
        for name, values in expected.changes.items()
    )


@pytest.mark.parametrize("change", CASES, ids=[case.__name__ for case in CASES])
def test_every_kind_of_change_leaves_its_audit_entry(
    app, client, auth, api, people, programme, change
):
    world = World(app, client, auth, api, people, programme)
    mark = _mark(app)
    expected = change(world)
    written = _new(app, mark)
    assert expected
    for one in expected:
        assert any(_matches(entry, one, people) for entry in written), (
            one,
            [e[:4] for e in written if e[2] == one.object_type],
        )


def test_a_lock_counter_is_not_a_change(app, client, auth, people, programme):
    world = World(app, client, auth, api=None, people=people, programme=programme)
    mark = _mark(app)
    budget(world)
    assert all("allocation_serial" not in changes for *_rest, changes in _new(app, mark))
