"""Residents' feedback on an experiment's public page: who may send it (anyone, no account),
what is refused, the robots' trap, the throttle, the staff's moderation, the figures on the
evaluation form, and the sender's personal data."""

import html
import json
import re

import pytest
from sqlalchemy import event, func, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import AuditEntry, ExperimentFeedback, Proposal, User
from tests import builders

GOOD = {"used": "yes", "usefulness": "4", "comment": "", "language": "en"}


def _experiment(programme_id, owner_id, status=Status.PILOT) -> int:
    proposal_id = builders.make_proposal(owner_id, programme_id, status=status)
    return db.session.get(Proposal, proposal_id).experiment.id


@pytest.fixture
def pilot(app, people, programme):
    with app.app_context():
        return _experiment(programme, people["applicant"])


def _send(client, experiment_id, **values):
    return client.post(f"/experiments/{experiment_id}/feedback", data=GOOD | values)


def _stored(app) -> list[ExperimentFeedback]:
    with app.app_context():
        rows = db.session.scalars(select(ExperimentFeedback).order_by(ExperimentFeedback.id))
        return [row for row in rows]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize(
    "status", [Status.PILOT, Status.EVALUATION, Status.ADOPTED, Status.DISCONTINUED]
)
def test_the_form_is_on_a_public_experiments_page(app, client, people, programme, status):
    with app.app_context():
        experiment_id = _experiment(programme, people["applicant"], status)
    page = client.get(f"/experiments/{experiment_id}").text
    assert f'action="/experiments/{experiment_id}/feedback"' in page
    assert "Did you use the service?" in page and "How useful was it?" in page
    # The trap: hidden by its class, skipped by screen readers, out of the tab order.
    trap = re.search(r'<div class="feedback-trap" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap and 'name="website"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1) and 'autocomplete="off"' in trap.group(1)


def test_no_feedback_on_a_proposal_that_has_not_been_piloted(app, client, people, programme):
    with app.app_context():
        pilot_id = _experiment(programme, people["applicant"])
        screening = builders.make_proposal(people["other"], programme, status=Status.SCREENING)
    assert pilot_id == 1 and screening == 2  # the proposal's id is no experiment's
    assert client.get(f"/experiments/{screening}").status_code == 404
    assert _send(client, screening, comment="Hello").status_code == 404
    assert _send(client, 999_999).status_code == 404
    assert _stored(app) == []


def test_anyone_sends_feedback_it_counts_at_once_and_its_comment_waits(app, client, pilot):
    first = _send(client, pilot, comment="Saved me a trip to the library.", name="Aino")
    assert first.status_code == 303 and first.headers["Location"] == f"/experiments/{pilot}"
    assert _send(client, pilot, used="no", usefulness="3").status_code == 303
    [a, b] = _stored(app)
    assert (a.used, a.usefulness, a.comment, a.language, a.name, a.status.value) == (
        True,
        4,
        "Saved me a trip to the library.",
        "en",
        "Aino",
        "pending",
    )
    assert (b.used, b.usefulness, b.comment, b.user_id) == (False, 3, "", None)
    page = _text(client.get(f"/experiments/{pilot}").text)
    assert "Thank you for your feedback." in page
    assert "2 answers" in page
    assert "Average usefulness 3.5 out of 5" in page
    assert "50% used the service" in page
    assert "Saved me a trip" not in page and "Aino" not in page


def test_a_filled_trap_seems_to_succeed_and_stores_nothing(app, client, pilot):
    response = _send(client, pilot, comment="Cheap pills", website="https://spam.example")
    assert response.status_code == 303
    assert "Thank you for your feedback." in client.get(response.headers["Location"]).text
    assert _stored(app) == []
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).where(AuditEntry.object_type == "experiment_feedback")
            )
            == 0
        )


def test_wrong_input_is_said_by_field_and_nothing_is_stored(app, client, pilot):
    response = client.post(
        f"/experiments/{pilot}/feedback",
        data={
            "used": "maybe",
            "usefulness": "9",
            "comment": "x" * 2001,
            "language": "de",
            "email": "not an address",
        },
    )
    assert response.status_code == 422
    text = _text(response.text)
    assert "Please correct the following" in text
    assert "Answer yes or no." in text
    assert "Choose how useful it was, from 1 to 5." in text
    assert "Enter a valid e-mail address." in text
    assert _stored(app) == []
    nothing = client.post(f"/experiments/{pilot}/feedback", data={})
    assert nothing.status_code == 422
    assert "Answer yes or no." in nothing.text
    assert (
        client.post(f"/experiments/{pilot}/feedback", data={"usefulness": "x" * 9999}).status_code
        == 422
    )
    assert _stored(app) == []


def test_the_service_names_each_wrong_field(app, client, pilot):
    response = _send(client, pilot, comment="x" * 2001, language="de")
    assert response.status_code == 422
    text = _text(response.text)
    assert "At most 2000 characters." in text
    assert "Unknown value “de”" in text
    assert _stored(app) == []


def test_feedback_is_throttled_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        owner = builders.make_user(Role.APPLICANT)
        experiment_id = _experiment(builders.make_programme(), owner)
    client = app.test_client()
    statuses = [_send(client, experiment_id).status_code for _ in range(10)]
    assert statuses == [303] * 10
    refused = _send(client, experiment_id, comment="one more")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too much feedback at once" in refused.text
    assert "Please try again in an hour." in refused.text
    assert len(_stored(app)) == 10
    # Another address is not held back, and reading is never throttled.
    other = client.post(
        f"/experiments/{experiment_id}/feedback",
        data=GOOD,
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 303
    assert client.get(f"/experiments/{experiment_id}").status_code == 200


def _moderate(client, feedback_id, decision):
    return client.post(f"/feedback/experiments/{feedback_id}", data={"decision": decision})


def test_staff_approve_a_comment_and_only_then_it_is_public(app, client, auth, pilot):
    _send(
        client,
        pilot,
        comment="The app worked well on my phone.",
        name="Matti Meikäläinen",
        email="matti@example.org",
    )
    [feedback] = _stored(app)
    assert "The app worked well" not in client.get(f"/experiments/{pilot}").text
    auth.login("staff")
    listing = client.get(f"/feedback/experiments?experiment={pilot}")
    assert listing.status_code == 200
    assert "The app worked well on my phone." in listing.text
    assert "matti@example.org" in listing.text  # staff see how to answer
    response = _moderate(client, feedback.id, "approve")
    assert response.status_code == 303
    auth.logout()
    page = client.get(f"/experiments/{pilot}").text
    assert "The app worked well on my phone." in page
    assert "Matti" not in page and "matti@example.org" not in page
    assert "Usefulness 4 out of 5" in _text(page)


def test_a_rejected_answer_is_neither_counted_nor_shown(app, client, auth, pilot):
    _send(client, pilot, usefulness="5", comment="Great")
    _send(client, pilot, usefulness="1", used="no", comment="Buy cheap watches")
    first, second = _stored(app)
    auth.login("manager")
    assert _moderate(client, first.id, "approve").status_code == 303
    assert _moderate(client, second.id, "reject").status_code == 303
    [a, b] = _stored(app)
    assert (a.status.value, b.status.value) == ("approved", "rejected")
    assert b.moderated_by_id is not None and b.moderated_at is not None
    page = _text(client.get(f"/experiments/{pilot}").text)
    assert "1 answer " in page and "Average usefulness 5 out of 5" in page
    assert "100% used the service" in page
    assert "Great" in page and "watches" not in page
    # A decision can be changed: the rejected one approved after all.
    assert _moderate(client, second.id, "approve").status_code == 303
    assert "2 answers" in _text(client.get(f"/experiments/{pilot}").text)


def test_an_unknown_decision_is_refused_on_the_page(app, client, auth, pilot):
    _send(client, pilot)
    [feedback] = _stored(app)
    auth.login("staff")
    response = _moderate(client, feedback.id, "publish")
    assert response.status_code == 422
    assert "Unknown value “publish”" in response.text
    assert _stored(app)[0].status.value == "pending"
    assert _moderate(client, 999_999, "approve").status_code == 404


@pytest.mark.parametrize(
    "who, expected", [(None, 302), ("applicant", 403), ("other", 403), ("admin", 403)]
)
def test_only_staff_and_managers_moderate(app, client, auth, pilot, who, expected):
    _send(client, pilot, comment="Hello")
    [feedback] = _stored(app)
    if who:
        auth.login(who)
    assert client.get("/feedback/experiments").status_code == expected
    assert _moderate(client, feedback.id, "approve").status_code == expected
    assert _stored(app)[0].status.value == "pending"


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_staff_and_managers_see_the_list(client, auth, pilot, who):
    auth.login(who)
    page = client.get("/feedback/experiments")
    assert page.status_code == 200 and "<h1>Residents' feedback on experiments</h1>" in page.text
    assert client.get("/feedback/experiments?status=approved").status_code == 200
    assert client.get("/feedback/experiments?status=nonsense").status_code == 200


def _count_feedback_statements(app):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if "experiment_feedback" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    return statements, lambda: event.remove(db.engine, "before_cursor_execute", count)


def test_the_evaluation_form_shows_the_feedback_in_figures(app, client, auth, pilot):
    for used, usefulness in (("yes", "5"), ("yes", "4"), ("no", "4"), ("yes", "1")):
        _send(client, pilot, used=used, usefulness=usefulness)
    rejected = _stored(app)[-1]
    auth.login("staff")
    _moderate(client, rejected.id, "reject")
    with app.app_context():
        statements, stop = _count_feedback_statements(app)
        try:
            page = client.get(f"/pilots/{pilot}/evaluation")
        finally:
            stop()
    assert page.status_code == 200
    assert len(statements) == 1  # one aggregate
    text = _text(page.text)
    # 5, 4 and 4 counted (13 / 3 = 4.33), two of three used it; the rejected 1 left out.
    assert "What residents said" in text
    assert "Answers 3 " in text
    assert "Average usefulness (1–5) 4.3 " in text
    assert "Used the service 67% (2)" in text
    assert "3 waiting" in text
    # Beside the questions it informs.
    assert page.text.index("What residents said") < page.text.index("Did the service get users?")


def test_the_evaluation_form_without_feedback(client, auth, pilot):
    auth.login("staff")
    text = _text(client.get(f"/pilots/{pilot}/evaluation").text)
    assert "No resident has given feedback yet." in text


def test_every_write_is_in_the_audit_trail_without_contact_details(app, client, auth, pilot):
    _send(client, pilot, comment="Nice", name="Aino", email="aino@example.org")
    [feedback] = _stored(app)
    auth.login("staff")
    _moderate(client, feedback.id, "approve")
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "experiment_feedback")
            .order_by(AuditEntry.id)
        ).all()
        staff = db.session.scalar(select(User.id).where(User.email == "staff@test.example"))
    assert [e.action for e in entries] == ["created", "updated"]
    created, moderated = entries
    assert created.actor_id is None
    assert created.changes["comment"] == [None, "Nice"]
    assert created.changes["name"] == [None, None] and created.changes["email"] == [None, None]
    assert moderated.actor_id == staff
    assert moderated.changes["status"] == ["pending", "approved"]
    trail = _text(client.get(f"/pilots/{pilot}").text).split("All changes")[-1]
    assert "Resident's feedback" in trail
    assert "Aino" not in trail and "aino@example.org" not in trail


def test_a_signed_in_residents_feedback_is_their_data_and_goes_with_their_account(
    app, client, auth, people, pilot
):
    auth.login("other")
    _send(client, pilot, comment="Mine", name="Other", email="other-contact@example.org")
    auth.logout()
    # Sent anonymously, but with the account's address.
    _send(client, pilot, comment="Also mine", email="Other@Test.example")
    _send(client, pilot, comment="Someone else's", email="someone@example.org")
    auth.login("other")
    records = json.loads(client.get("/account/data.json").text)["records"]
    assert [f["comment"] for f in records["experiment_feedback"]] == ["Mine"]
    assert records["experiment_feedback"][0]["email"] == "other-contact@example.org"
    auth.logout()
    # The staff member who moderates it does not get the sender's details in their data.
    auth.login("staff")
    for feedback in _stored(app):
        _moderate(client, feedback.id, "approve")
    staff_records = json.loads(client.get("/account/data.json").text)["records"]
    assert "experiment_feedback" not in staff_records
    auth.logout()
    auth.login("other")
    deleted = client.post(
        "/account/delete", data={"password": builders.PASSWORD, "understood": "y"}
    )
    assert deleted.status_code == 302
    mine, also_mine, someone = _stored(app)
    assert (mine.name, mine.email, mine.user_id) == (None, None, None)
    assert (also_mine.name, also_mine.email) == (None, None)
    assert someone.email == "someone@example.org"
    assert (mine.comment, mine.usefulness, mine.status.value) == ("Mine", 4, "approved")


def test_the_privacy_notice_tells_about_feedback(client):
    text = _text(client.get("/privacy").text)
    assert "Feedback on an experiment" in text


def _statements(app, client, path: str) -> int:
    assert client.get(path).status_code == 200
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_pages_statements_do_not_grow_with_the_feedback(
    app, client, auth, people, programme, pilot
):
    _send(client, pilot, comment="First", email="a@example.org")
    auth.login("staff")
    _moderate(client, _stored(app)[0].id, "approve")
    paths = ("/feedback/experiments?status=approved", f"/experiments/{pilot}")
    few = [_statements(app, client, path) for path in paths]
    with app.app_context():
        others = [_experiment(programme, people["other"]) for _ in range(3)]
    for experiment_id in [pilot, *others]:
        for n in range(3):
            _send(client, experiment_id, comment=f"Comment {n}", name=f"Sender {n}")
    for feedback in _stored(app):
        _moderate(client, feedback.id, "approve")
    many = [_statements(app, client, path) for path in paths]
    assert many == few


def test_the_form_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        experiment_id = _experiment(builders.make_programme(), builders.make_user(Role.APPLICANT))
    client = app.test_client()
    assert _send(client, experiment_id).status_code == 400
    page = client.get(f"/experiments/{experiment_id}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert _send(client, experiment_id, csrf_token=token).status_code == 303
    assert len(_stored(app)) == 1
