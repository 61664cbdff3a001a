"""Every guard of every move from screening on, and the evaluation that the decision needs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from experiments.errors import Conflict, Invalid, NotAllowed
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Evaluation, Experiment, Proposal, StatusChange, User
from experiments.services import evaluations
from experiments.services.workflow import change_status
from tests import builders
from tests.pilot_support import count, login, make_pilot

THIS_YEAR = date.today().year
START = date(THIS_YEAR, 6, 1)


@pytest.fixture
def screening(app, people, programme):
    with app.app_context():
        return builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)


def _move(app, proposal_id, target, who_id, **fields):
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        actor = db.session.get(User, who_id)
        change_status(proposal, target, actor, proposal.version, **fields)
        return proposal.status


def _state(app, proposal_id):
    """(status, has an experiment, number of history entries)."""
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        moves = db.session.scalar(
            select(func.count())
            .select_from(StatusChange)
            .where(StatusChange.proposal_id == proposal_id)
        )
        return proposal.status, proposal.experiment is not None, moves


def _pilot_fields(people, **overrides):
    fields = dict(
        allocated_budget=Decimal("15000.00"),
        start_date=START,
        planned_end_date=START + relativedelta(months=6),
        owner_id=people["staff"],
        city_unit="Urban environment",
    )
    fields.update(overrides)
    return fields


# Screening → pilot.


def test_a_manager_starts_a_pilot_and_the_consortium_carries_over(app, people, programme, outbox):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING
        )
        proposal = db.session.get(Proposal, proposal_id)
        from experiments.models import Organisation

        proposal.partners = [
            Organisation(name="Aalto University", type="research"),
            Organisation(name="Omnia", type="education"),
        ]
        db.session.commit()
    assert (
        _move(app, proposal_id, Status.PILOT, people["manager"], **_pilot_fields(people))
        == Status.PILOT
    )
    with app.app_context():
        experiment = db.session.get(Proposal, proposal_id).experiment
        assert experiment.allocated_budget == Decimal("15000.00")
        assert experiment.owner_id == people["staff"]
        assert experiment.city_unit == "Urban environment"
        partners = sorted((p.organisation.name, p.role.value) for p in experiment.partners)
    assert partners[0] == ("Aalto University", "partner")
    assert partners[1] == ("Omnia", "partner")
    assert partners[2][0].startswith("Robotics") and partners[2][1] == "lead"
    assert _state(app, proposal_id) == (Status.PILOT, True, 1)
    assert len(outbox) == 1 and outbox[0].to == ["applicant@test.example"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"allocated_budget": Decimal("0")}, "allocated_budget", "more than zero"),
        ({"allocated_budget": "-100"}, "allocated_budget", "more than zero"),
        ({"allocated_budget": "lots"}, "allocated_budget", "Enter an amount in euros"),
        ({"allocated_budget": "NaN"}, "allocated_budget", "Enter an amount in euros"),
        ({"allocated_budget": "100.555"}, "allocated_budget", "at most two decimals"),
        ({"allocated_budget": 0.1 + 0.2}, "allocated_budget", "at most two decimals"),
        (
            {"allocated_budget": "250000.01"},
            "allocated_budget",
            f"of the {THIS_YEAR} budget remains",
        ),
        (
            {"planned_end_date": START},
            "planned_end_date",
            "The planned end must be after the start.",
        ),
        ({"planned_end_date": START - timedelta(days=1)}, "planned_end_date", "after the start"),
        (
            {"planned_end_date": START + relativedelta(months=24) + timedelta(days=1)},
            "planned_end_date",
            "A pilot may last at most 24 months.",
        ),
        ({"start_date": "someday"}, "start_date", "Enter a date"),
        (
            {
                "start_date": date(THIS_YEAR + 20, 1, 1),
                "planned_end_date": date(THIS_YEAR + 20, 6, 1),
            },
            "start_date",
            f"The programme has no budget for {THIS_YEAR + 20}.",
        ),
        (
            {"owner_id": "applicant"},
            "owner_id",
            "The owner must be a member of staff or a manager.",
        ),
        ({"owner_id": "admin"}, "owner_id", "staff or a manager"),
        ({"owner_id": 999_999}, "owner_id", "staff or a manager"),
        ({"owner_id": "not a number"}, "owner_id", "staff or a manager"),
        ({"owner_id": 10**20}, "owner_id", "staff or a manager"),
        ({"allocated_budget": None}, "allocated_budget", "This is required for this move."),
        ({"start_date": ""}, "start_date", "This is required for this move."),
    ],
)
def test_starting_a_pilot_is_guarded(app, people, screening, overrides, field, message):
    if overrides.get("owner_id") in people:
        overrides["owner_id"] = people[overrides["owner_id"]]
    with pytest.raises(Invalid) as error:
        _move(app, screening, Status.PILOT, people["manager"], **_pilot_fields(people, **overrides))
    assert any(message in m for m in error.value.errors[field]), error.value.errors
    assert _state(app, screening) == (Status.SCREENING, False, 0)


def test_an_inactive_owner_is_refused(app, people, screening):
    with app.app_context():
        gone = builders.make_user(Role.STAFF, active=False)
    with pytest.raises(Invalid) as error:
        _move(
            app, screening, Status.PILOT, people["manager"], **_pilot_fields(people, owner_id=gone)
        )
    assert "owner_id" in error.value.errors


def test_a_pilot_may_last_exactly_24_months_and_take_exactly_what_remains(app, people, programme):
    with app.app_context():
        first = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
        second = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    _move(
        app,
        first,
        Status.PILOT,
        people["manager"],
        **_pilot_fields(
            people, allocated_budget="240000", planned_end_date=START + relativedelta(months=24)
        ),
    )
    with pytest.raises(Invalid) as error:
        _move(
            app,
            second,
            Status.PILOT,
            people["manager"],
            **_pilot_fields(people, allocated_budget="10000.01"),
        )
    assert "remains" in error.value.errors["allocated_budget"][0]
    assert _state(app, second) == (Status.SCREENING, False, 0)
    _move(
        app,
        second,
        Status.PILOT,
        people["manager"],
        **_pilot_fields(people, allocated_budget="10000.00"),
    )
    with app.app_context():
        from experiments.statistics import year_budget

        assert year_budget(programme, THIS_YEAR).remaining == 0


@pytest.mark.parametrize("who", ["staff", "applicant", "admin"])
def test_only_a_manager_starts_a_pilot(app, people, screening, who):
    with pytest.raises(NotAllowed):
        _move(app, screening, Status.PILOT, people[who], **_pilot_fields(people))
    assert _state(app, screening) == (Status.SCREENING, False, 0)


def test_the_pilot_form_shows_the_budget_and_refuses_too_much(
    app, client, auth, people, programme, screening
):
    login(auth, client, "manager")
    page = client.get(f"/proposals/{screening}").text
    assert "Programme budget for starting a pilot" in page
    assert f'<th scope="row">{THIS_YEAR}</th>' in page
    assert 'id="pilot-start_date" name="pilot-start_date" required type="date"' in page
    assert 'name="pilot-planned_end_date" required type="date"' in page
    owners = page[page.index('id="pilot-owner_id"') :]
    owners = owners[: owners.index("</select>")]
    assert "Staff" in owners and "Manager" in owners
    assert "Applicant" not in owners and "Admin" not in owners and "Other" not in owners

    data = {
        "pilot-to": "pilot",
        "pilot-version": "1",
        "pilot-allocated_budget": "250000.01",
        "pilot-start_date": START.isoformat(),
        "pilot-planned_end_date": (START + timedelta(days=90)).isoformat(),
        "pilot-owner_id": str(people["staff"]),
        "pilot-city_unit": "",
        "pilot-confirmed": "yes",  # as sent from the confirmation page
    }
    response = client.post(f"/proposals/{screening}/moves/pilot", data=data)
    assert response.status_code == 422
    assert f"Only €250,000.00 of the {THIS_YEAR} budget remains." in response.text
    assert _state(app, screening) == (Status.SCREENING, False, 0)

    response = client.post(
        f"/proposals/{screening}/moves/pilot", data={**data, "pilot-allocated_budget": "250000"}
    )
    assert response.status_code == 303
    assert _state(app, screening) == (Status.PILOT, True, 1)
    page = client.get(f"/proposals/{screening}").text
    assert "Programme budget for starting a pilot" not in page  # started: the experiment shows


def test_staff_may_not_start_a_pilot_through_the_page(app, client, auth, screening, people):
    login(auth, client, "staff")
    assert "pilot-allocated_budget" not in client.get(f"/proposals/{screening}").text
    response = client.post(
        f"/proposals/{screening}/moves/pilot",
        data={
            "pilot-to": "pilot",
            "pilot-version": "1",
            "pilot-allocated_budget": "100",
            "pilot-start_date": START.isoformat(),
            "pilot-planned_end_date": "2099-01-01",
            "pilot-owner_id": str(people["staff"]),
        },
    )
    assert response.status_code == 403
    assert _state(app, screening) == (Status.SCREENING, False, 0)


# Pilot → evaluation, and pilot → discontinued.


@pytest.fixture
def running(app, people, programme):
    return make_pilot(app, people["applicant"], programme)


def _start_of(app, experiment_id):
    with app.app_context():
        return db.session.get(Experiment, experiment_id).start_date


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_staff_or_a_manager_end_the_pilot(app, people, running, who):
    proposal_id, eid = running
    start = _start_of(app, eid)
    assert (
        _move(app, proposal_id, Status.EVALUATION, people[who], actual_end_date=start)
        == Status.EVALUATION
    )
    with app.app_context():
        assert db.session.get(Experiment, eid).actual_end_date == start


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("before", "The pilot cannot end before it started"),
        ("31.2.2026", "Enter a date"),
        (None, "This is required for this move."),
    ],
)
def test_ending_a_pilot_is_guarded(app, people, running, value, message):
    proposal_id, eid = running
    if value == "before":
        value = _start_of(app, eid) - timedelta(days=1)
    with pytest.raises(Invalid) as error:
        _move(app, proposal_id, Status.EVALUATION, people["staff"], actual_end_date=value)
    assert message in error.value.errors["actual_end_date"][0]
    assert _state(app, proposal_id) == (Status.PILOT, True, 0)
    with app.app_context():
        assert db.session.get(Experiment, eid).actual_end_date is None


@pytest.mark.parametrize("who", ["applicant", "other", "admin"])
def test_others_may_not_end_a_pilot(app, people, running, who):
    proposal_id, _ = running
    with pytest.raises(NotAllowed):
        _move(app, proposal_id, Status.EVALUATION, people[who], actual_end_date=date.today())


def test_a_manager_discontinues_a_running_pilot(app, people, running):
    proposal_id, eid = running
    with pytest.raises(NotAllowed):
        _move(
            app,
            proposal_id,
            Status.DISCONTINUED,
            people["staff"],
            reason="No users",
            lessons_learned="Ask residents first",
        )
    with pytest.raises(Invalid) as error:
        _move(
            app,
            proposal_id,
            Status.DISCONTINUED,
            people["manager"],
            reason="No users",
            lessons_learned="  ",
        )
    assert list(error.value.errors) == ["lessons_learned"]
    assert _state(app, proposal_id) == (Status.PILOT, True, 0)
    _move(
        app,
        proposal_id,
        Status.DISCONTINUED,
        people["manager"],
        reason="No users",
        lessons_learned="Ask residents first",
    )
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        assert (experiment.decision, experiment.lessons_learned) == (
            "No users",
            "Ask residents first",
        )
        started = date.today() >= experiment.start_date
        assert experiment.actual_end_date == (date.today() if started else None)
    assert _state(app, proposal_id) == (Status.DISCONTINUED, True, 1)


# Evaluation → adopted or discontinued.


@pytest.fixture
def evaluated(app, people, programme):
    return make_pilot(app, people["applicant"], programme, status=Status.EVALUATION)


@pytest.mark.parametrize(
    ("target", "fields"),
    [
        (Status.ADOPTED, {"decision": "Adopt city-wide", "lessons_learned": "Train staff early"}),
        (Status.DISCONTINUED, {"reason": "Too costly", "lessons_learned": "Check costs first"}),
    ],
)
def test_the_decision_needs_an_evaluation(app, people, evaluated, target, fields):
    proposal_id, eid = evaluated
    with pytest.raises(Conflict) as error:
        _move(app, proposal_id, target, people["manager"], **fields)
    assert error.value.message == "Record an evaluation before deciding on the experiment."
    assert _state(app, proposal_id) == (Status.EVALUATION, True, 0)

    with app.app_context():
        builders.make_evaluation(proposal_id, people["staff"])
    with pytest.raises(NotAllowed):
        _move(app, proposal_id, target, people["staff"], **fields)
    with pytest.raises(Invalid) as error:
        _move(app, proposal_id, target, people["manager"], **{**fields, "lessons_learned": None})
    assert "lessons_learned" in error.value.errors
    assert _move(app, proposal_id, target, people["manager"], **fields) == target
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        assert experiment.decision == fields.get("decision", fields.get("reason"))
        assert experiment.lessons_learned == fields["lessons_learned"]
    assert _state(app, proposal_id) == (target, True, 1)


def test_deciding_without_an_evaluation_through_the_page(app, client, auth, evaluated):
    proposal_id, _ = evaluated
    login(auth, client, "manager")
    response = client.post(
        f"/proposals/{proposal_id}/moves/adopted",
        data={
            "adopted-to": "adopted",
            "adopted-version": "1",
            "adopted-decision": "Adopt",
            "adopted-lessons_learned": "Many",
            "adopted-confirmed": "yes",
        },
        follow_redirects=True,
    )
    assert "Record an evaluation before deciding on the experiment." in response.text
    assert _state(app, proposal_id) == (Status.EVALUATION, True, 0)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Status.PILOT, Status.ADOPTED),
        (Status.EVALUATION, Status.PILOT),
        (Status.ADOPTED, Status.DISCONTINUED),
        (Status.DISCONTINUED, Status.EVALUATION),
    ],
)
def test_moves_outside_the_table_are_conflicts(app, people, programme, source, target):
    proposal_id, _ = make_pilot(app, people["applicant"], programme, status=source)
    with pytest.raises(Conflict) as error:
        _move(
            app,
            proposal_id,
            target,
            people["manager"],
            reason="x",
            decision="x",
            lessons_learned="x",
            actual_end_date=date.today(),
        )
    assert "may move to" in error.value.message or "is final" in error.value.message
    assert _state(app, proposal_id)[0] == source


# The evaluation form.

GOOD = {
    "evaluation-got_users": "yes",
    "evaluation-users_count": "120",
    "evaluation-part_of_services": "no",
    "evaluation-benefits_city": "Fewer falls",
    "evaluation-benefits_customers": "Safer walks",
    "evaluation-research_value": "yes",
    "evaluation-research_link": "https://research.example/report",
    "evaluation-findings": "Works on flat streets",
    "evaluation-recommendation": "extend",
}


def _unprefixed(data):
    return {k.removeprefix("evaluation-"): v for k, v in data.items()}


def test_staff_write_and_revise_the_evaluation_until_the_decision(
    app, client, auth, people, evaluated
):
    proposal_id, eid = evaluated
    login(auth, client, "staff")
    assert client.get(f"/pilots/{eid}/evaluation").status_code == 200
    response = client.post(f"/pilots/{eid}/evaluation", data=_unprefixed(GOOD))
    assert response.status_code == 303
    page = client.get(f"/pilots/{eid}").text
    assert "Extend the pilot" in page and "https://research.example/report" in page
    form = client.get(f"/pilots/{eid}/evaluation").text
    assert 'value="120"' in form and "Works on flat streets" in form
    response = client.post(
        f"/pilots/{eid}/evaluation",
        data=_unprefixed({**GOOD, "evaluation-recommendation": "adopt"}),
    )
    assert response.status_code == 303
    assert count(app, Evaluation) == 1
    with app.app_context():
        evaluation = db.session.get(Experiment, eid).evaluation
        assert (
            evaluation.recommendation,
            evaluation.users_count,
            evaluation.got_users,
            evaluation.part_of_services,
        ) == ("adopt", 120, True, False)
        assert evaluation.author_id == people["staff"]

    login(auth, client, "manager")
    client.post(
        f"/proposals/{proposal_id}/moves/adopted",
        data={
            "adopted-to": "adopted",
            "adopted-version": "1",
            "adopted-decision": "Adopt",
            "adopted-lessons_learned": "Many",
            "adopted-confirmed": "yes",
        },
    )
    assert _state(app, proposal_id)[0] == Status.ADOPTED
    login(auth, client, "staff")
    assert "can no longer be revised" in client.get(f"/pilots/{eid}/evaluation").text
    response = client.post(
        f"/pilots/{eid}/evaluation",
        data=_unprefixed({**GOOD, "evaluation-findings": "Changed"}),
        follow_redirects=True,
    )
    assert "can no longer be revised" in response.text
    with app.app_context():
        assert db.session.get(Experiment, eid).evaluation.findings == "Works on flat streets"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"evaluation-got_users": None}, "Answer yes or no."),
        ({"evaluation-research_value": None}, "Answer yes or no."),
        (
            {"evaluation-users_count": "-1"},
            "Enter the number of users as a whole number of 0 or more.",
        ),
        ({"evaluation-users_count": "many"}, "Enter the number of users as a whole number."),
        (
            {"evaluation-research_link": "ftp://files.example/x"},
            "Enter a web address starting with https://.",
        ),
        ({"evaluation-research_link": "javascript:alert(1)"}, "Enter a web address"),
        ({"evaluation-recommendation": "maybe"}, "Unknown value “maybe”"),
        ({"evaluation-recommendation": None}, "Choose a recommendation."),
    ],
)
def test_a_bad_evaluation_is_refused(app, client, auth, evaluated, changes, message):
    _, eid = evaluated
    login(auth, client, "staff")
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    response = client.post(f"/pilots/{eid}/evaluation", data=_unprefixed(data))
    assert response.status_code == 422
    assert message in response.text
    assert count(app, Evaluation) == 0


def test_the_evaluation_service_takes_the_api_fields(app, people, running):
    _, eid = running
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        staff = db.session.get(User, people["staff"])
        with pytest.raises(Invalid) as error:
            evaluations.save_evaluation(experiment, staff, got_users="perhaps", colour="blue")
        assert {
            "colour",
            "got_users",
            "part_of_services",
            "research_value",
            "recommendation",
        } <= set(error.value.errors)
        evaluation = evaluations.save_evaluation(
            experiment,
            staff,
            got_users=False,
            users_count=None,
            part_of_services=False,
            benefits_city="",
            benefits_customers="",
            research_value=False,
            research_link="",
            findings="Nobody came",
            recommendation="discontinue",
        )
        assert evaluation.id is not None and evaluation.recommendation == "discontinue"
        applicant = db.session.get(User, people["applicant"])
        with pytest.raises(NotAllowed):
            evaluations.save_evaluation(experiment, applicant, got_users=True)
