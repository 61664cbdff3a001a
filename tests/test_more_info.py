"""The more-information loop: staff ask, the applicant reads the question above the answer box
and in the e-mail, answers, and staff see the answer come back and take it up in one action."""

import re

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders

QUESTION = "How many robots would the pilot need in Tapiola?"
ANSWER = "Two robots, one for each pedestrian street."


@pytest.fixture
def proposal(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Snow robot"
        )


def _version(app, proposal_id):
    with app.app_context():
        return db.session.get(Proposal, proposal_id).version


def _status(app, proposal_id):
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def _ask(app, client, auth, proposal_id):
    auth.login("staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/more_info",
        data={
            "more_info-to": "more_info",
            "more_info-version": _version(app, proposal_id),
            "more_info-question": QUESTION,
        },
    )
    assert response.status_code == 303
    auth.logout()


def _answer(app, client, auth, proposal_id):
    auth.login("applicant")
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={
            "submitted-to": "submitted",
            "submitted-version": _version(app, proposal_id),
            "submitted-answer": ANSWER,
        },
    )
    assert response.status_code == 303
    auth.logout()


def _queue_row(html: str, title: str) -> str:
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f">{title}</a>" in r]
    assert len(rows) == 1, f"{len(rows)} rows for {title}"
    return rows[0]


def test_the_question_stands_right_above_the_answer_box(app, client, auth, proposal):
    _ask(app, client, auth, proposal)
    auth.login("applicant")
    html = client.get(f"/proposals/{proposal}").text
    # The answer form: its legend, then the question (anchored), then the answer box.
    form = re.search(r'<form[^>]*class="move move-submitted".*?</form>', html, re.S).group(0)
    legend = form.index("Answer and resubmit</legend>")
    question = form.index('id="question"')
    asked = form.index(QUESTION)
    box = form.index('id="submitted-answer"')
    assert legend < question < asked < box
    # Who asked (to the applicant: the asker's role) and when.
    said = form[question:box]
    assert "The city's question:" in said and "City staff" in said
    assert re.search(r"City staff, \d{1,2}/\d{1,2}/\d{2}", said)
    # The top of the page says there is a question and leads to it.
    assert '<a href="#question">Read it and answer</a>' in html
    assert html.index("The city asked you a question.") < html.index('id="question"')


def test_staff_see_the_asker_by_name_while_the_question_waits(app, client, auth, proposal):
    _ask(app, client, auth, proposal)
    auth.login("manager")
    html = client.get(f"/proposals/{proposal}").text
    assert "Waiting for the applicant's answer" in html
    assert re.search(r"Question:</strong> Staff, \d", html)
    assert 'id="question"' not in html  # no answer box for staff


def test_the_email_holds_the_question_and_a_link_to_it(app, client, auth, proposal, outbox):
    _ask(app, client, auth, proposal)
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == ["applicant@test.example"]
    assert "The city asks you:" in mail.body
    assert QUESTION in mail.body
    assert f"http://localhost/proposals/{proposal}#question" in mail.body
    # The question comes before the link to its answer box.
    assert mail.body.index(QUESTION) < mail.body.index("#question")


def test_other_moves_keep_their_plain_link(app, client, auth, proposal, outbox):
    auth.login("staff")
    client.post(
        f"/proposals/{proposal}/moves/rejected",
        data={
            "rejected-to": "rejected",
            "rejected-version": _version(app, proposal),
            "rejected-reason": "Out of scope.",
            "rejected-confirmed": "yes",
        },
    )
    assert _status(app, proposal) == Status.REJECTED
    assert "#question" not in outbox[0].body
    assert "Out of scope." in outbox[0].body
    assert f"See the proposal: http://localhost/proposals/{proposal}\n" in outbox[0].body


def test_the_applicants_list_flags_the_question_first(
    app, client, auth, people, programme, proposal
):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, title="A newer draft")
    _ask(app, client, auth, proposal)
    auth.login("applicant")
    html = client.get("/proposals/mine").text
    assert html.index(">Snow robot</a>") < html.index(">A newer draft</a>")
    assert html.count("The city asked you a question") == 1
    assert f'href="/proposals/{proposal}#question"' in html


def test_no_flag_once_answered(app, client, auth, proposal):
    _ask(app, client, auth, proposal)
    _answer(app, client, auth, proposal)
    auth.login("applicant")
    assert "The city asked you a question" not in client.get("/proposals/mine").text
    assert 'id="question"' not in client.get(f"/proposals/{proposal}").text


def test_staff_see_answered_and_move_it_back_in_one_action(app, client, auth, proposal):
    _ask(app, client, auth, proposal)
    _answer(app, client, auth, proposal)
    auth.login("staff")
    row = _queue_row(client.get("/screening").text, "Snow robot")
    assert "Answered" in row
    assert "Back to screening" in row
    # The proposal page shows the question and the answer together.
    html = client.get(f"/proposals/{proposal}").text
    section = re.search(r'<section aria-labelledby="answered-title".*?</section>', html, re.S)
    assert QUESTION in section.group(0) and ANSWER in section.group(0)
    # The row's button: one POST, no confirmation, and the proposal is in screening again.
    version = re.search(r'name="screening-version"[^>]*value="(\d+)"', row).group(1)
    response = client.post(
        f"/proposals/{proposal}/moves/screening",
        data={"screening-to": "screening", "screening-version": version},
    )
    assert response.status_code == 303
    assert _status(app, proposal) == Status.SCREENING
    assert "Answered" not in _queue_row(client.get("/screening").text, "Snow robot")


def test_a_plain_submission_is_not_marked_answered(app, client, auth, people, programme):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, status=Status.SUBMITTED, title="New")
    auth.login("staff")
    row = _queue_row(client.get("/screening").text, "New")
    assert "Answered" not in row and "Back to screening" not in row


def test_the_applicant_is_told_the_answer_went_to_the_city(app, client, auth, proposal):
    _ask(app, client, auth, proposal)
    auth.login("applicant")
    response = client.post(
        f"/proposals/{proposal}/moves/submitted",
        data={
            "submitted-to": "submitted",
            "submitted-version": _version(app, proposal),
            "submitted-answer": ANSWER,
        },
        follow_redirects=True,
    )
    assert (
        "Thank you: your answer is sent to the city, and the proposal waits for screening again."
        in response.text
    )


def test_the_move_back_to_screening_stands_beside_the_answer(app, client, auth, proposal):
    _ask(app, client, auth, proposal)
    _answer(app, client, auth, proposal)
    auth.login("staff")
    html = client.get(f"/proposals/{proposal}").text
    section = re.search(r'<section aria-labelledby="answered-title".*?</section>', html, re.S)
    assert f'action="/proposals/{proposal}/moves/screening"' in section.group(0)
    assert ">Start screening</button>" in section.group(0)
    assert html.count(">Start screening</button>") == 1  # not again under the actions
