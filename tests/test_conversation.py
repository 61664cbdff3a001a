"""A proposal's conversation on its page: who writes and reads what, the one thread with the
city's questions and the applicant's answers, the e-mail each message sends, and that an
internal message never reaches the applicant by any way."""

import json
import re

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    AuditEntry,
    Proposal,
    ProposalMessage,
    Review,
    StatusChange,
    User,
)
from tests import builders
from tests.test_query_counts_pages import assert_same_count, statements_for

INTERNAL = "Budget looks padded; ask finance before we answer."
TO_APPLICANT = "Could you send the safety certificate of the robots?"
REPLY = "Here it is: certificate EN-13849 for both robots."
QUESTION = "How many robots would the pilot need in Tapiola?"
ANSWER = "Two robots, one for each pedestrian street."
INTERNAL_MARK = "Internal — not visible to the applicant"


@pytest.fixture
def proposal(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Snow robot"
        )


def _post(client, proposal_id, text, visibility=None, **kwargs):
    data = {"text": text}
    if visibility is not None:
        data["visibility"] = visibility
    return client.post(f"/proposals/{proposal_id}/messages", data=data, **kwargs)


def _messages(app, proposal_id):
    with app.app_context():
        return [
            (m.text, m.visibility.value, m.author.name)
            for m in db.session.scalars(
                select(ProposalMessage)
                .where(ProposalMessage.proposal_id == proposal_id)
                .order_by(ProposalMessage.id)
            )
        ]


def _version(app, proposal_id):
    with app.app_context():
        return db.session.get(Proposal, proposal_id).version


def _thread(html: str) -> str:
    match = re.search(r'<section aria-labelledby="conversation-title".*?</section>', html, re.S)
    assert match, "no conversation on the page"
    return match.group(0)


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*?value=")[^"]+"', r'\1"', html)


# --- Writing ------------------------------------------------------------------------------


def test_staff_write_internally_unless_they_choose_the_applicant(app, client, auth, proposal):
    auth.login("staff")
    form = _thread(client.get(f"/proposals/{proposal}").text)
    checked = re.search(r'<input checked[^>]*name="visibility"[^>]*value="(\w+)"', form)
    assert checked and checked.group(1) == "internal"
    assert "Who reads it" in form
    response = _post(client, proposal, INTERNAL)  # no choice sent: the safer one
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{proposal}#message-1")
    assert _post(client, proposal, TO_APPLICANT, "applicant").status_code == 303
    assert _messages(app, proposal) == [
        (INTERNAL, "internal", "Staff"),
        (TO_APPLICANT, "applicant", "Staff"),
    ]
    page = client.get(f"/proposals/{proposal}").text
    assert "only city staff and managers read it" in page  # the first message's notice
    thread = _thread(page)
    assert thread.count(INTERNAL_MARK) == 1
    marked = re.search(
        r'<li class="said thread-message internal" id="message-1".*?</li>', thread, re.S
    )
    assert INTERNAL_MARK in marked.group(0) and INTERNAL in marked.group(0)


def test_the_applicant_writes_to_the_city_and_has_no_choice(app, client, auth, proposal):
    auth.login("applicant")
    form = _thread(client.get(f"/proposals/{proposal}").text)
    assert 'name="visibility"' not in form
    assert INTERNAL_MARK not in form
    # A forged choice changes nothing: the applicant's message is the applicant's.
    assert _post(client, proposal, REPLY, "internal").status_code == 303
    assert _messages(app, proposal) == [(REPLY, "applicant", "Applicant")]
    assert REPLY in _thread(client.get(f"/proposals/{proposal}").text)


@pytest.mark.parametrize(
    "text, visibility, field, message",
    [
        ("", None, "text", "Write a message."),
        ("   \n ", None, "text", "Write a message."),
        ("x" * 5001, None, "text", "At most 5000 characters."),
        ("Hello\x00", None, "text", "Remove the invisible control characters from the text."),
        ("Hello", "everyone", "visibility", "Unknown value “everyone”"),
    ],
)
def test_a_refused_message_is_shown_again_with_its_field_message(
    app, client, auth, proposal, text, visibility, field, message
):
    auth.login("staff")
    response = _post(client, proposal, text, visibility)
    assert response.status_code == 422
    thread = _thread(response.text)
    assert "Please correct the following" in thread
    assert f'href="#{field}"' in thread
    assert message in thread
    assert _messages(app, proposal) == []


def test_the_message_route_takes_no_get(client, auth, proposal):
    auth.login("staff")
    response = client.get(f"/proposals/{proposal}/messages")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal}#conversation")


def test_the_form_needs_its_csrf_token(app, client, auth, proposal):
    auth.login("staff")
    app.config["WTF_CSRF_ENABLED"] = True
    assert _post(client, proposal, INTERNAL).status_code == 400
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        _thread(client.get(f"/proposals/{proposal}").text),
    ).group(1)
    response = client.post(
        f"/proposals/{proposal}/messages", data={"text": INTERNAL, "csrf_token": token}
    )
    assert response.status_code == 303
    assert len(_messages(app, proposal)) == 1


# --- Who may -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, page, post",
    [
        (None, 302, 302),
        ("other", 404, 404),
        ("admin", 404, 404),
        ("applicant", 200, 303),
        ("staff", 200, 303),
        ("manager", 200, 303),
    ],
)
def test_who_may_read_and_write(app, client, auth, proposal, who, page, post):
    if who:
        auth.login(who)
    assert client.get(f"/proposals/{proposal}").status_code == page
    assert client.get(f"/proposals/{proposal}/messages").status_code in (page, 302)
    response = _post(client, proposal, "A message.")
    assert response.status_code == post
    if who is None:
        assert response.headers["Location"].startswith("/login")
    assert len(_messages(app, proposal)) == (1 if post == 303 else 0)


def test_a_missing_proposal_is_404(client, auth, proposal):
    auth.login("staff")
    assert _post(client, 99999, "A message.").status_code == 404


# --- One thread ---------------------------------------------------------------------------


def _move(app, client, proposal_id, target, **fields):
    data = {f"{target}-to": target, f"{target}-version": _version(app, proposal_id)}
    data |= {f"{target}-{name}": value for name, value in fields.items()}
    response = client.post(f"/proposals/{proposal_id}/moves/{target}", data=data)
    assert response.status_code == 303, response.text


def test_questions_answers_and_messages_are_one_thread_oldest_first(
    app, client, auth, proposal, frozen_clock
):
    auth.login("staff")
    _post(client, proposal, INTERNAL)
    frozen_clock.shift(60)
    _move(app, client, proposal, "more_info", question=QUESTION)
    frozen_clock.shift(60)
    auth.logout()
    auth.login("applicant")
    _post(client, proposal, REPLY)
    frozen_clock.shift(60)
    _move(app, client, proposal, "submitted", answer=ANSWER)
    frozen_clock.shift(60)
    auth.logout()
    auth.login("staff")
    _post(client, proposal, TO_APPLICANT, "applicant")

    thread = _thread(client.get(f"/proposals/{proposal}").text)
    order = [INTERNAL, QUESTION, REPLY, ANSWER, TO_APPLICANT]
    assert [thread.index(text) for text in order] == sorted(thread.index(t) for t in order)
    assert "The city's question" in thread and "The applicant's answer" in thread
    auth.logout()
    auth.login("applicant")
    thread = _thread(client.get(f"/proposals/{proposal}").text)
    seen = [QUESTION, REPLY, ANSWER, TO_APPLICANT]
    assert [thread.index(text) for text in seen] == sorted(thread.index(t) for t in seen)
    assert INTERNAL not in thread and INTERNAL_MARK not in thread
    # The applicant sees the staff writer's role, as with the question; staff see names.
    assert "City staff, " in thread


# --- E-mail -------------------------------------------------------------------------------

SUBJECTS = {
    "en": "A message about your proposal “Snow robot”",
    "fi": "Viesti ehdotuksestasi ”Snow robot”",
    "sv": "Ett meddelande om ditt förslag ”Snow robot”",
}
LINES = {
    "en": "Read and answer it on the proposal's page:",
    "fi": "Lue ja vastaa ehdotuksen sivulla:",
    "sv": "Läs och svara på förslagets sida:",
}


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
def test_a_message_to_the_applicant_mails_them_in_their_language(
    app, client, auth, proposal, people, outbox, language
):
    with app.app_context():
        db.session.get(User, people["applicant"]).locale = language
        db.session.commit()
    auth.login("staff")
    _post(client, proposal, TO_APPLICANT, "applicant")
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == ["applicant@test.example"]
    assert mail.subject == SUBJECTS[language]
    assert TO_APPLICANT in mail.body
    assert f"{LINES[language]} http://localhost/proposals/{proposal}#message-1" in mail.body


def test_an_internal_message_mails_no_one(client, auth, proposal, outbox):
    auth.login("staff")
    _post(client, proposal, INTERNAL)
    _post(client, proposal, INTERNAL, "internal")
    auth.logout()
    auth.login("manager")
    _post(client, proposal, INTERNAL)
    assert outbox == []


def _reviewer(app, proposal_id, user_id):
    with app.app_context():
        db.session.add(
            Review(
                proposal_id=proposal_id,
                reviewer_id=user_id,
                need=3,
                benefit=3,
                reusability=3,
                feasibility=3,
                cost_effectiveness=3,
            )
        )
        db.session.commit()


def test_the_applicants_message_mails_the_proposals_reviewers(
    app, client, auth, proposal, people, outbox
):
    with app.app_context():
        finnish = builders.make_user(Role.STAFF, email="arvioija@test.example", locale="fi")
        builders.make_user(Role.STAFF, email="bystander@test.example")
    _reviewer(app, proposal, finnish)
    auth.login("manager")
    _post(client, proposal, TO_APPLICANT, "applicant")  # the manager wrote in the thread
    outbox.clear()
    auth.logout()
    auth.login("applicant")
    _post(client, proposal, REPLY)
    assert sorted(m.to[0] for m in outbox) == ["arvioija@test.example", "manager@test.example"]
    by_reader = {m.to[0]: m for m in outbox}
    assert by_reader["manager@test.example"].subject == (
        "The applicant wrote about the proposal “Snow robot”"
    )
    assert (
        by_reader["arvioija@test.example"].subject == "Hakija kirjoitti ehdotuksesta ”Snow robot”"
    )
    for mail in outbox:
        assert REPLY in mail.body
        assert f"http://localhost/proposals/{proposal}#message-2" in mail.body


def test_without_reviewers_the_staff_who_moved_it_hear_of_it(
    app, client, auth, proposal, people, outbox
):
    auth.login("manager")
    _move(app, client, proposal, "more_info", question=QUESTION)
    auth.logout()
    outbox.clear()
    auth.login("applicant")
    _post(client, proposal, REPLY)
    assert [m.to for m in outbox] == [["manager@test.example"]]


def test_with_no_one_on_the_proposal_all_staff_hear_of_it(app, client, auth, proposal, outbox):
    with app.app_context():
        builders.make_user(Role.STAFF, email="second@test.example")
        builders.make_user(Role.STAFF, email="gone@test.example", active=False)
    auth.login("applicant")
    _post(client, proposal, REPLY)
    assert sorted(m.to[0] for m in outbox) == ["second@test.example", "staff@test.example"]


def test_a_title_cannot_add_mail_headers(app, client, auth, people, programme, outbox):
    with app.app_context():
        hostile = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.SCREENING,
            title="Robot\r\nBcc: everyone@evil.example",
        )
    auth.login("staff")
    _post(client, hostile, "Line one\r\nBcc: also@evil.example", "applicant")
    (mail,) = outbox
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.recipients() == ["applicant@test.example"]
    with app.app_context():
        sent = mail.message()
    assert sent["Bcc"] is None
    assert sent["To"] == "applicant@test.example"


# --- The audit trail ---------------------------------------------------------------------


def test_each_message_is_in_the_audit_trail(app, client, auth, proposal, people):
    auth.login("staff")
    _post(client, proposal, INTERNAL)
    with app.app_context():
        (entry,) = db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "proposal_message")
        )
        assert (entry.action, entry.actor_id, entry.object_id) == ("created", people["staff"], 1)
        assert entry.changes["text"] == [None, INTERNAL]
        assert entry.changes["visibility"] == [None, "internal"]


# --- The applicant never learns of an internal message -----------------------------------


def test_the_applicants_page_is_the_same_with_or_without_internal_messages(
    app, client, auth, proposal
):
    # Each page read as a browser would, after the message (its notice said and gone).
    auth.login("staff")
    _post(client, proposal, TO_APPLICANT, "applicant", follow_redirects=True)
    auth.logout()
    auth.login("applicant")
    client.get("/")
    before = _without_tokens(client.get(f"/proposals/{proposal}").text)
    mine_before = _without_tokens(client.get("/proposals/mine").text)
    home_before = _without_tokens(client.get("/").text)
    version = _version(app, proposal)
    auth.logout()
    auth.login("staff")
    _post(client, proposal, INTERNAL, follow_redirects=True)
    auth.logout()
    auth.login("manager")
    _post(client, proposal, INTERNAL, follow_redirects=True)
    auth.logout()
    auth.login("applicant")
    client.get("/")
    assert _without_tokens(client.get(f"/proposals/{proposal}").text) == before
    assert _without_tokens(client.get("/proposals/mine").text) == mine_before
    assert _without_tokens(client.get("/").text) == home_before
    assert _version(app, proposal) == version  # nor does the proposal change


def test_the_applicants_data_download_holds_no_internal_message(
    app, client, auth, proposal, outbox
):
    auth.login("staff")
    _post(client, proposal, INTERNAL)
    _post(client, proposal, TO_APPLICANT, "applicant")
    auth.logout()
    auth.login("applicant")
    _post(client, proposal, REPLY)
    download = client.get("/account/data.json")
    assert download.status_code == 200
    text = download.text
    assert INTERNAL not in text
    assert REPLY in text  # their own message is theirs
    data = json.loads(text)
    assert [m["text"] for m in data["records"]["proposal_message"]] == [REPLY]


def test_search_finds_nothing_by_an_internal_message(app, client, auth, api, proposal):
    auth.login("staff")
    _post(client, proposal, INTERNAL)
    assert api.get("/proposals?q=padded", "applicant").get_json()["total"] == 0
    assert api.get("/proposals?q=robot", "applicant").get_json()["total"] == 1


def test_the_managers_export_holds_no_message(app, client, auth, proposal, programme):
    auth.login("staff")
    _post(client, proposal, INTERNAL)
    auth.logout()
    auth.login("applicant")
    assert client.get("/exports/proposals.csv").status_code == 403
    auth.logout()
    auth.login("manager")
    export = client.get(f"/exports/proposals.csv?programme={programme}")
    assert export.status_code == 200
    assert "Snow robot" in export.text
    assert "padded" not in export.text


# --- No query per message ------------------------------------------------------------------


def _grow_thread(proposal_id: int, n: int) -> None:
    """n messages of each kind by n writers, and n questions and answers by n askers."""
    writers = [builders.make_user(Role.STAFF) for _ in range(n)]
    owner = db.session.get(Proposal, proposal_id).owner_id
    for i, writer in enumerate(writers):
        for author, visibility in (
            (writer, "internal"),
            (writer, "applicant"),
            (owner, "applicant"),
        ):
            db.session.add(
                ProposalMessage(
                    proposal_id=proposal_id,
                    author_id=author,
                    text=f"Message {i}",
                    visibility=visibility,
                )
            )
        for source, target, actor in (
            (Status.SCREENING, Status.MORE_INFO, writer),
            (Status.MORE_INFO, Status.SUBMITTED, owner),
        ):
            db.session.add(
                StatusChange(
                    proposal_id=proposal_id,
                    from_status=source,
                    to_status=target,
                    actor_id=actor,
                    reason=f"Question or answer {i}",
                )
            )
    db.session.commit()


@pytest.mark.parametrize("who", ["applicant", "staff", "manager"])
def test_the_page_reads_the_thread_in_the_same_statements_however_long(
    app, client, auth, proposal, who
):
    path = f"/proposals/{proposal}"
    with app.app_context():
        _grow_thread(proposal, 1)  # one of each, so both counts load the same kinds of rows
    auth.login(who)
    small = statements_for(app, client, path)
    with app.app_context():
        _grow_thread(proposal, 6)
    large = statements_for(app, client, path)
    assert_same_count(small, large)
    assert _thread(client.get(path).text).count("Question or answer 5") == 2
