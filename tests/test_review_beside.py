"""Reviewing beside the proposal: the form and its rubric on the proposal page, and other
reviewers' scores shown to a reviewer only after their own review is saved."""

import re

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Review
from tests import builders

SCORES = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")
OTHERS_COMMENT = "A colleague's frank opinion."


@pytest.fixture
def reviewed(app, people, programme):
    """A proposal in screening that another staff member has reviewed."""
    with app.app_context():
        pid = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Snow robot"
        )
        colleague = builders.make_user(Role.STAFF, name="Colleague Reviewer")
        db.session.add(
            Review(
                proposal_id=pid,
                reviewer_id=colleague,
                comment=OTHERS_COMMENT,
                **dict.fromkeys(SCORES, 2),
            )
        )
        builders.commit()
    return pid


def _form(score="4", comment="My own view."):
    return {**dict.fromkeys(SCORES, score), "comment": comment}


def _reviews_section(html: str) -> str:
    return re.search(r'<section aria-labelledby="reviews-title".*?</section>', html, re.S).group(0)


def test_others_scores_wait_for_ones_own_review(client, auth, reviewed):
    auth.login("staff")
    html = client.get(f"/proposals/{reviewed}").text
    section = _reviews_section(html)
    assert OTHERS_COMMENT.replace("'", "&#39;") not in html
    assert "Colleague Reviewer" not in section
    assert "Average score" not in html
    assert "1 review is saved. You see its scores after you save your own." in section
    assert 'id="review"' in section  # the form, right there

    response = client.post(f"/screening/proposals/{reviewed}/review", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{reviewed}#reviews-title"
    section = _reviews_section(client.get(f"/proposals/{reviewed}").text)
    assert "Colleague Reviewer" in section and "colleague&#39;s frank opinion" in section
    assert "Average score: 3" in section  # (2 + 4) / 2
    assert "(you)" in section
    assert "Edit your review" in section


def test_the_manager_deciding_on_the_pilot_sees_every_review_without_one_of_their_own(
    client, auth, reviewed
):
    auth.login("manager")
    section = _reviews_section(client.get(f"/proposals/{reviewed}").text)
    assert "Colleague Reviewer" in section
    assert "Average score: 2" in section
    assert "You see its scores after you save your own." not in section
    queue = client.get("/screening").text
    assert "after your review" not in queue


def test_after_screening_staff_see_every_review(app, client, auth, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
        db.session.add(
            Review(proposal_id=pid, reviewer_id=people["manager"], **dict.fromkeys(SCORES, 5))
        )
        builders.commit()
    auth.login("staff")
    section = _reviews_section(client.get(f"/proposals/{pid}").text)
    assert "Average score: 5" in section
    assert 'id="review"' not in section  # no longer reviewed


def test_the_queue_hides_others_scores_too(client, auth, reviewed):
    auth.login("staff")
    html = client.get("/screening").text
    assert "after your review" in html
    client.post(f"/screening/proposals/{reviewed}/review", data=_form("5"))
    html = client.get("/screening").text
    assert "after your review" not in html
    assert re.search(r'<td class="num"[^>]*>3.5</td>', html)


def test_the_form_has_a_rubric_and_large_choices(client, auth, reviewed):
    auth.login("staff")
    html = client.get(f"/proposals/{reviewed}").text
    form = re.search(r'<form[^>]*id="review".*?</form>', html, re.S).group(0)
    assert form.count('class="score-option"') == 25
    # Each score's choices are described by its rubric: what 1, 3 and 5 mean.
    assert 'id="need" aria-describedby="need-rubric"' in form
    rubric = re.search(r'<dl class="rubric" id="need-rubric">(.*?)</dl>', form, re.S).group(1)
    assert [n for n in re.findall(r"<dt>(\d)</dt>", rubric)] == ["1", "3", "5"]
    assert "No clear need: the problem is vague or already solved." in rubric
    assert "A large benefit for a small cost." in form
    # The label is the whole choice: the radio button inside it.
    assert re.search(
        r'<label for="feasibility-3" class="score-option"><input id="feasibility-3" '
        r'name="feasibility" required type="radio" value="4"> <span>4</span></label>',
        form,
    )


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "Ei selvää tarvetta"),
        ("sv", "Inget tydligt behov"),
        ("en", "No clear need"),
    ],
)
def test_the_rubric_speaks_the_readers_language(client, auth, reviewed, lang, text):
    auth.login("staff")
    assert text in client.get(f"/proposals/{reviewed}?lang={lang}").text


def test_a_refused_review_is_shown_again_beside_the_proposal(client, auth, reviewed):
    auth.login("staff")
    response = client.post(
        f"/screening/proposals/{reviewed}/review", data={**_form(), "need": "", "comment": "Kept"}
    )
    assert response.status_code == 422
    html = response.text
    assert "<h1" in html and "Snow robot" in html  # the proposal page
    assert '<a href="#need">Meets a real service need: Give a score from 1 to 5.</a>' in html
    assert 'aria-describedby="need-rubric need-error"' in html
    assert "Kept</textarea>" in html
    assert "checked" in re.search(r'<input[^>]*id="feasibility-3"[^>]*>', html).group(0)
    assert "checked" not in re.search(r'<input[^>]*id="feasibility-4"[^>]*>', html).group(0)
    assert OTHERS_COMMENT.replace("'", "&#39;") not in html  # still hidden


def test_a_review_after_screening_is_refused_on_the_page(app, client, auth, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.REJECTED)
    auth.login("staff")
    response = client.post(f"/screening/proposals/{pid}/review", data=_form())
    assert response.status_code == 422
    assert "Proposals are reviewed only while they are being screened." in response.text
