"""GET and POST /api/v1/proposals/{id}/messages: the thread as each role may read it, and
what each may write."""

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import ProposalMessage
from tests import builders

INTERNAL = "Budget looks padded; ask finance before we answer."
TO_APPLICANT = "Could you send the safety certificate of the robots?"
REPLY = "Here it is: certificate EN-13849 for both robots."


@pytest.fixture
def proposal(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Snow robot"
        )


def _path(proposal_id):
    return f"/proposals/{proposal_id}/messages"


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProposalMessage))


def _conversation(api, proposal):
    assert api.post(_path(proposal), "staff", json={"text": INTERNAL}).status_code == 201
    body = {"text": TO_APPLICANT, "visibility": "applicant"}
    assert api.post(_path(proposal), "manager", json=body).status_code == 201
    assert api.post(_path(proposal), "applicant", json={"text": REPLY}).status_code == 201


def test_the_thread_oldest_first_as_each_may_read_it(app, api, people, proposal, frozen_clock):
    _conversation(api, proposal)
    staff = api.get(_path(proposal), "staff")
    assert staff.status_code == 200
    items = staff.get_json()["items"]
    assert [(i["text"], i["visibility"], i["author"]) for i in items] == [
        (INTERNAL, "internal", {"id": people["staff"], "name": "Staff"}),
        (TO_APPLICANT, "applicant", {"id": people["manager"], "name": "Manager"}),
        (REPLY, "applicant", {"id": people["applicant"], "name": "Applicant"}),
    ]
    assert set(items[0]) == {"id", "text", "visibility", "author", "at", "language"}
    assert items[0]["language"] == "en"
    assert items[0]["at"] <= items[1]["at"] <= items[2]["at"]
    assert api.get(_path(proposal), "manager").get_json()["items"] == items
    mine = api.get(_path(proposal), "applicant").get_json()["items"]
    assert [i["text"] for i in mine] == [TO_APPLICANT, REPLY]
    assert INTERNAL not in str(mine) and "internal" not in str(mine)


def test_a_new_message_is_answered_whole(api, people, proposal):
    response = api.post(
        _path(proposal), "staff", json={"text": "  A note.  ", "visibility": "applicant"}
    )
    assert response.status_code == 201
    message = response.get_json()
    assert message["text"] == "A note."
    assert message["visibility"] == "applicant"
    assert message["author"] == {"id": people["staff"], "name": "Staff"}


@pytest.mark.parametrize(
    "who, default",
    [("staff", "internal"), ("manager", "internal"), ("applicant", "applicant")],
)
def test_without_a_visibility_staff_write_internally(api, proposal, who, default):
    for body in ({"text": "Hello"}, {"text": "Hello", "visibility": None}):
        response = api.post(_path(proposal), who, json=body)
        assert response.status_code == 201
        assert response.get_json()["visibility"] == default


def test_an_applicant_may_not_write_internally(app, api, proposal, outbox):
    response = api.post(
        _path(proposal), "applicant", json={"text": REPLY, "visibility": "internal"}
    )
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert response.get_json()["detail"] == "Only city staff write internal messages."
    assert _count(app) == 0
    assert outbox == []


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"text": ""}, "text", "Write a message."),
        ({"text": "   "}, "text", "Write a message."),
        ({"text": "x" * 5001}, "text", "At most 5000 characters."),
        ({"text": "Hi", "visibility": "everyone"}, "visibility", "Unknown value “everyone”"),
        ({"text": "Hi", "visibility": 3}, "visibility", "Not a valid string."),
        ({}, "text", "Missing data for required field."),
        ({"text": "Hi", "to": "everyone"}, "to", "Unknown field."),
    ],
)
@pytest.mark.parametrize("who", ["applicant", "staff"])
def test_invalid_messages_are_422_with_field_errors(app, api, proposal, who, body, field, message):
    response = api.post(_path(proposal), who, json=body)
    assert response.status_code == 422, response.text
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert any(m.startswith(message) for m in errors[field]), errors
    assert _count(app) == 0


@pytest.mark.parametrize(
    "who, read, write",
    [
        (None, 401, 401),
        ("admin", 403, 403),
        ("other", 404, 404),
        ("applicant", 200, 201),
        ("staff", 200, 201),
        ("manager", 200, 201),
    ],
)
def test_who_may_read_and_write(app, api, proposal, who, read, write):
    assert api.get(_path(proposal), who).status_code == read
    assert api.post(_path(proposal), who, json={"text": "Hello"}).status_code == write
    assert api.get(_path(99999), who).status_code == (404 if read == 200 else read)
    assert _count(app) == (1 if write == 201 else 0)


def test_another_applicant_learns_nothing_of_a_proposal(app, api, proposal):
    _conversation(api, proposal)
    unknown = api.get(_path(99999), "other")
    hidden = api.get(_path(proposal), "other")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_json() == unknown.get_json()


def test_mail_follows_the_api_as_the_page(api, proposal, outbox):
    api.post(_path(proposal), "staff", json={"text": INTERNAL})
    assert outbox == []
    api.post(_path(proposal), "staff", json={"text": TO_APPLICANT, "visibility": "applicant"})
    assert [m.to for m in outbox] == [["applicant@test.example"]]
    assert TO_APPLICANT in outbox[0].body
    outbox.clear()
    api.post(_path(proposal), "applicant", json={"text": REPLY})
    assert [m.to for m in outbox] == [["staff@test.example"]]  # the staff who wrote in it
