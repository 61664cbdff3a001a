"""Staged decisions through the API: who may use them, the budget simulation, and applying
them all or none."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import (
    Experiment,
    MailMessage,
    Programme,
    Proposal,
    StagedDecision,
    StatusChange,
)
from tests import builders
from tests.pilot_support import count


@pytest.fixture
def call(app, programme):
    with app.app_context():
        return db.session.get(Programme, programme).calls[0].id


@pytest.fixture
def screened(app, people, programme):
    """Three proposals in screening: two of the applicant's, one of the other applicant's."""
    with app.app_context():
        return [
            builders.make_proposal(people[who], programme, status=Status.SCREENING, title=title)
            for who, title in (
                ("applicant", "Snow robot"),
                ("applicant", "Bike counters"),
                ("other", "Library lockers"),
            )
        ]


def _path(call, rest=""):
    return f"/calls/{call}/staged-decisions{rest}"


def _pilot(proposal_id, people, amount, start=None, **extra):
    year = date.today().year
    start = start or date(year, 9, 1)
    return {
        "proposal_id": proposal_id,
        "to": "pilot",
        "allocated_budget": amount,
        "start_date": start.isoformat(),
        "planned_end_date": date(start.year + 1, 3, 1).isoformat(),
        "owner_id": people["staff"],
        "city_unit": "Mobility",
        **extra,
    }


def _reject(proposal_id, reason="Out of the call's theme."):
    return {"proposal_id": proposal_id, "to": "rejected", "reason": reason}


def _stage(api, call, body, who="manager"):
    response = api.post(_path(call), who, json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _statuses(app, ids):
    with app.app_context():
        return [db.session.get(Proposal, i).status for i in ids]


@pytest.mark.parametrize("who", ["applicant", "other", "staff", "admin"])
def test_only_managers_use_any_route(api, people, call, screened, who):
    _stage(api, call, _reject(screened[0]))
    requests = [
        ("GET", _path(call), None),
        ("POST", _path(call), _reject(screened[1])),
        ("DELETE", _path(call, f"/{screened[0]}"), None),
        ("GET", _path(call, "/simulation"), None),
        ("POST", _path(call, "/apply"), None),
    ]
    for method, path, body in requests:
        response = api.request(method, path, who, json=body)
        assert response.status_code == 403, (method, path)
        assert response.content_type == "application/problem+json"
        assert "Snow robot" not in response.text and "theme" not in response.text
        assert api.request(method, path, json=body).status_code == 401
    assert len(api.get(_path(call), "manager").get_json()["items"]) == 1


def test_an_unknown_call_or_proposal_is_404(api, people, call, screened):
    assert api.get(_path(9999), "manager").status_code == 404
    assert api.get(_path(9999, "/simulation"), "manager").status_code == 404
    assert api.post(_path(9999, "/apply"), "manager").status_code == 404
    assert api.post(_path(call), "manager", json=_reject(9999)).status_code == 404
    # Past the database's integer range: no such proposal (never a 500 on PostgreSQL).
    assert api.post(_path(call), "manager", json=_reject(2**31)).status_code == 404
    assert api.delete(_path(call, f"/{screened[0]}"), "manager").status_code == 404


def test_a_staged_decision_answered_whole_and_kept_for_every_manager(
    app, api, people, call, screened, frozen_clock
):
    year = date.today().year
    answer = _stage(api, call, _pilot(screened[0], people, "12000.50"))
    assert set(answer) == {
        "proposal_id",
        "title",
        "to",
        "allocated_budget",
        "start_date",
        "planned_end_date",
        "owner_id",
        "city_unit",
        "reason",
        "staged_by",
        "staged_at",
    }
    assert answer["title"] == "Snow robot"
    assert (answer["to"], answer["allocated_budget"], answer["reason"]) == (
        "pilot",
        "12000.50",
        None,
    )
    assert answer["start_date"] == f"{year}-09-01"
    assert answer["staged_by"] == {"id": people["manager"], "name": "Manager"}
    # Staging again replaces the decision; nothing has moved.
    _stage(api, call, _reject(screened[0], "Too costly."))
    items = api.get(_path(call), "manager").get_json()["items"]
    assert [(i["proposal_id"], i["to"], i["reason"]) for i in items] == [
        (screened[0], "rejected", "Too costly.")
    ]
    assert items[0]["allocated_budget"] is None
    assert _statuses(app, screened) == [Status.SCREENING] * 3
    assert api.delete(_path(call, f"/{screened[0]}"), "manager").status_code == 204
    assert api.get(_path(call), "manager").get_json()["items"] == []


def test_errors_show_when_staging(api, people, call, screened, programme, app):
    response = api.post(
        _path(call), "manager", json=_pilot(screened[0], people, "300000.00", owner_id=None)
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["owner_id"] == ["This is required for this move."]
    extra = api.post(
        _path(call), "manager", json={**_reject(screened[0]), "start_date": "2026-01-01"}
    )
    assert extra.status_code == 422
    assert extra.get_json()["errors"] == {"start_date": ["This decision does not take this field."]}
    reject = api.post(_path(call), "manager", json={"proposal_id": screened[0], "to": "rejected"})
    assert reject.status_code == 422
    assert "reason" in reject.get_json()["errors"]
    # The budget is checked as the move checks it (the year's remaining budget).
    over = api.post(_path(call), "manager", json=_pilot(screened[0], people, "250000.01"))
    assert over.status_code == 409
    assert "Only €250,000.00 of the" in str(over.get_json()["errors"]["allocated_budget"])
    with app.app_context():
        other_programme = builders.make_programme()
        elsewhere = builders.make_proposal(
            people["applicant"], other_programme, status=Status.SCREENING
        )
        draft = builders.make_proposal(people["applicant"], programme)
    assert api.post(_path(call), "manager", json=_reject(elsewhere)).status_code == 404
    drafted = api.post(_path(call), "manager", json=_reject(draft))
    assert drafted.status_code == 409
    assert "in screening" in drafted.get_json()["detail"]
    assert api.get(_path(call), "manager").get_json()["items"] == []


def test_the_simulation_counts_every_staged_pilot_per_year(app, api, people, call, screened):
    year = date.today().year
    with app.app_context():
        started = builders.make_proposal(
            people["applicant"], db.session.get(Proposal, screened[0]).programme_id
        )
        proposal = db.session.get(Proposal, started)
        proposal.status = Status.PILOT
        db.session.add(
            Experiment(
                proposal=proposal,
                allocated_budget=Decimal("200000.00"),
                start_date=date(year, 2, 1),
                planned_end_date=date(year, 8, 1),
                owner_id=people["staff"],
            )
        )
        builders.commit()
    _stage(api, call, _pilot(screened[0], people, "40000.00"))
    _stage(api, call, _pilot(screened[1], people, "30000.00"))  # 10,000 short
    _stage(api, call, _pilot(screened[2], people, "5000.25", start=date(year + 1, 1, 15)))
    simulation = api.get(_path(call, "/simulation"), "manager").get_json()
    by_year = {y["year"]: y for y in simulation["years"]}
    assert by_year[year] == {
        "year": year,
        "annual": "250000.00",
        "allocated": "200000.00",
        "staged": "70000.00",
        "remaining": "-20000.00",
    }
    assert by_year[year + 1] == {
        "year": year + 1,
        "annual": "250000.00",
        "allocated": "0.00",
        "staged": "5000.25",
        "remaining": "244999.75",
    }
    assert by_year[year - 1]["staged"] == "0.00"
    assert [n["proposal_id"] for n in simulation["not_fitting"]] == [screened[1]]
    assert "€30,000.00 does not fit" in simulation["not_fitting"][0]["reason"]
    assert "€10,000.00 of the" in simulation["not_fitting"][0]["reason"]


def _history(app):
    return count(app, StatusChange)


def test_apply_moves_every_proposal_tells_each_applicant_and_clears_the_stage(
    app, api, people, call, screened
):
    _stage(api, call, _pilot(screened[0], people, "40000.00"))
    _stage(api, call, _reject(screened[1], "Not an experiment."))
    _stage(api, call, _pilot(screened[2], people, "60000.00"))
    before = count(app, MailMessage)
    response = api.post(_path(call, "/apply"), "manager")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "pilots": 2,
        "rejections": 1,
        "proposal_ids": screened,
    }
    assert _statuses(app, screened) == [Status.PILOT, Status.REJECTED, Status.PILOT]
    assert count(app, StagedDecision) == 0
    with app.app_context():
        moves = db.session.execute(
            select(StatusChange.proposal_id, StatusChange.to_status, StatusChange.reason).order_by(
                StatusChange.id
            )
        ).all()
        assert [tuple(m) for m in moves] == [
            (screened[0], Status.PILOT, None),
            (screened[1], Status.REJECTED, "Not an experiment."),
            (screened[2], Status.PILOT, None),
        ]
        mails = db.session.execute(
            select(MailMessage.recipient, MailMessage.subject).where(MailMessage.id > before)
        ).all()
        assert sorted(r for r, _s in mails) == [
            "applicant@test.example",
            "applicant@test.example",
            "other@test.example",
        ]
        assert any("“Bike counters”: Rejected" in s for _r, s in mails)
        experiment = db.session.get(Proposal, screened[2]).experiment
        assert experiment.allocated_budget == Decimal("60000.00")
        assert experiment.city_unit == "Mobility"
    again = api.post(_path(call, "/apply"), "manager")
    assert again.status_code == 409
    assert "No decisions are staged" in again.get_json()["detail"]


def test_apply_is_all_or_nothing_when_the_budget_is_exceeded(app, api, people, call, screened):
    _stage(api, call, _reject(screened[0]))
    _stage(api, call, _pilot(screened[1], people, "200000.00"))
    _stage(api, call, _pilot(screened[2], people, "60000.00"))  # 10,000 over the year
    mails, history = count(app, MailMessage), _history(app)
    response = api.post(_path(call, "/apply"), "manager")
    assert response.status_code == 409
    body = response.get_json()
    assert response.content_type == "application/problem+json"
    assert body["detail"] == "Nothing was applied: 1 of the staged decisions cannot be made."
    assert list(body["errors"]) == [str(screened[2])]
    assert "€60,000.00 does not fit" in body["errors"][str(screened[2])][0]
    assert _statuses(app, screened) == [Status.SCREENING] * 3
    assert (count(app, MailMessage), _history(app)) == (mails, history)
    assert count(app, Experiment) == 0
    assert count(app, StagedDecision) == 3


def test_apply_refuses_a_proposal_that_moved_or_changed_since_staging(
    app, api, people, call, screened
):
    _stage(api, call, _pilot(screened[0], people, "1000.00"))
    _stage(api, call, _reject(screened[1]))
    _stage(api, call, _reject(screened[2]))
    with app.app_context():
        db.session.get(Proposal, screened[1]).status = Status.MORE_INFO
        db.session.get(Proposal, screened[2]).title = "Library lockers, renamed"
        builders.commit()
    mails = count(app, MailMessage)
    response = api.post(_path(call, "/apply"), "manager")
    assert response.status_code == 409
    errors = response.get_json()["errors"]
    assert set(errors) == {str(screened[1]), str(screened[2])}
    assert "no longer in screening" in errors[str(screened[1])][0]
    assert "changed since the decision was staged" in errors[str(screened[2])][0]
    assert _statuses(app, screened)[0] == Status.SCREENING
    assert count(app, MailMessage) == mails
    assert count(app, Experiment) == 0
