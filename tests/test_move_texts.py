"""The texts a workflow move takes (reason, question, answer, decision, lessons, city unit) are
checked by the workflow service alone: the page and the API say its messages."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal, StatusChange
from tests import builders

S = Status
LONG_TEXT = "x" * 5001
LONG_LINE = "x" * 201
TEXT_LIMIT = "At most 5000 characters."
LINE_LIMIT = "At most 200 characters."


def _pilot_fields(people) -> dict:
    start = date.today()
    return {
        "allocated_budget": "20000.00",
        "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=180)).isoformat(),
        "owner_id": people["staff"],
    }


# Each text a move takes: the state left, the state entered, who moves, the text field, and
# the other fields the move needs.
MOVE_TEXTS = [
    (S.SCREENING, S.MORE_INFO, "staff", "question", {}),
    (S.MORE_INFO, S.SUBMITTED, "applicant", "answer", {}),
    (S.SCREENING, S.REJECTED, "staff", "reason", {}),
    (S.SUBMITTED, S.WITHDRAWN, "applicant", "reason", {}),
    (S.PILOT, S.DISCONTINUED, "manager", "reason", {"lessons_learned": "Some."}),
    (S.PILOT, S.DISCONTINUED, "manager", "lessons_learned", {"reason": "Costs."}),
    (S.EVALUATION, S.ADOPTED, "manager", "decision", {"lessons_learned": "Some."}),
    (S.EVALUATION, S.ADOPTED, "manager", "lessons_learned", {"decision": "Yes."}),
    (S.EVALUATION, S.DISCONTINUED, "manager", "reason", {"lessons_learned": "Some."}),
]


def _proposal(app, people, programme, status) -> int:
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=status)
        if status == S.EVALUATION:
            builders.make_evaluation(proposal_id, people["staff"])
        return proposal_id


def _unmoved(app, proposal_id, status) -> None:
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == status
        moves = select(func.count()).where(StatusChange.proposal_id == proposal_id)
        assert db.session.scalar(moves) == 0


@pytest.mark.parametrize(("source", "target", "who", "field", "others"), MOVE_TEXTS)
def test_the_api_refuses_a_move_text_too_long(
    app, api, people, programme, outbox, source, target, who, field, others
):
    proposal_id = _proposal(app, people, programme, source)
    body = {"to": target.value, "version": 1, field: LONG_TEXT, **others}
    response = api.post(f"/proposals/{proposal_id}/transitions", who, json=body)
    assert response.status_code == 422, response.text
    assert response.get_json()["errors"] == {field: [TEXT_LIMIT]}
    _unmoved(app, proposal_id, source)
    assert outbox == []


def test_the_api_refuses_a_city_unit_too_long(app, api, people, programme):
    proposal_id = _proposal(app, people, programme, S.SCREENING)
    body = {"to": "pilot", "version": 1, "city_unit": LONG_LINE, **_pilot_fields(people)}
    response = api.post(f"/proposals/{proposal_id}/transitions", "manager", json=body)
    assert response.status_code == 422, response.text
    assert response.get_json()["errors"] == {"city_unit": [LINE_LIMIT]}
    _unmoved(app, proposal_id, S.SCREENING)


def test_the_api_takes_a_move_text_at_the_limit(app, api, people, programme):
    proposal_id = _proposal(app, people, programme, S.SCREENING)
    body = {"to": "rejected", "version": 1, "reason": "x" * 5000}
    response = api.post(f"/proposals/{proposal_id}/transitions", "staff", json=body)
    assert response.status_code == 200, response.text


def test_a_blank_text_for_a_move_that_takes_none_is_no_text(app, api, people, programme):
    proposal_id = _proposal(app, people, programme, S.SUBMITTED)
    body = {"to": "screening", "version": 1, "reason": "   "}
    response = api.post(f"/proposals/{proposal_id}/transitions", "staff", json=body)
    assert response.status_code == 200, response.text


def test_a_blank_required_text_is_missing(app, api, people, programme):
    proposal_id = _proposal(app, people, programme, S.SCREENING)
    body = {"to": "rejected", "version": 1, "reason": "  "}
    response = api.post(f"/proposals/{proposal_id}/transitions", "staff", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"reason": ["This is required for this move."]}


def _form(target: Status, version: int = 1, **fields) -> dict:
    prefix = target.value
    data = {f"{prefix}-to": prefix, f"{prefix}-version": str(version), f"{prefix}-confirmed": "yes"}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return data


@pytest.mark.parametrize(("source", "target", "who", "field", "others"), MOVE_TEXTS)
def test_the_page_says_the_services_message_for_a_move_text_too_long(
    app, client, auth, people, programme, outbox, source, target, who, field, others
):
    proposal_id = _proposal(app, people, programme, source)
    auth.login(who)
    response = client.post(
        f"/proposals/{proposal_id}/moves/{target.value}",
        data=_form(target, **{field: LONG_TEXT, **others}),
    )
    assert response.status_code == 422
    assert TEXT_LIMIT in response.text
    _unmoved(app, proposal_id, source)
    assert outbox == []


def test_the_page_says_the_services_message_for_a_city_unit_too_long(
    app, client, auth, people, programme
):
    proposal_id = _proposal(app, people, programme, S.SCREENING)
    auth.login("manager")
    response = client.post(
        f"/proposals/{proposal_id}/moves/pilot",
        data=_form(S.PILOT, city_unit=LONG_LINE, **_pilot_fields(people)),
    )
    assert response.status_code == 422
    assert LINE_LIMIT in response.text
    _unmoved(app, proposal_id, S.SCREENING)


def test_the_move_form_limits_its_texts_in_the_browser(app, client, auth, people, programme):
    proposal_id = _proposal(app, people, programme, S.SCREENING)
    auth.login("manager")
    page = client.get(f"/proposals/{proposal_id}").text
    assert 'maxlength="5000" name="rejected-reason"' in page
    assert 'maxlength="200" name="pilot-city_unit"' in page
