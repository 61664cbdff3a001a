"""Staff screening: the queue's filters and sorts, reviews, and what the applicant never sees."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Call, Proposal, Review
from experiments.models.types import utcnow
from tests import builders

SCORES = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


def _titles(html: str) -> list[str]:
    """The proposal titles of the queue's table, in order."""
    return re.findall(r'<td><a href="/proposals/\d+"[^>]*>([^<]+)</a>', html)


def _review(app, proposal_id, reviewer_id, *scores, comment=""):
    with app.app_context():
        db.session.add(
            Review(
                proposal_id=proposal_id,
                reviewer_id=reviewer_id,
                comment=comment,
                **dict(zip(SCORES, scores, strict=True)),
            )
        )
        db.session.commit()


@pytest.fixture
def queue(app, people, programme):
    """Proposals in several calls, states and proposer types, submitted days apart."""
    with app.app_context():
        second = builders.make_programme()
        second_call = db.session.scalar(select(Call.id).where(Call.programme_id == second))
        made = {}
        for days_ago, title, status, prog, proposer in (
            (5, "Alpha", Status.SUBMITTED, programme, "company"),
            (4, "Bravo", Status.SCREENING, programme, "resident"),
            (3, "Charlie", Status.MORE_INFO, second, "company"),
            (2, "Delta", Status.SUBMITTED, second, "research"),
            (1, "Echo", Status.REJECTED, programme, "company"),
        ):
            pid = builders.make_proposal(
                people["applicant"], prog, status=status, title=title, proposer_type=proposer
            )
            db.session.get(Proposal, pid).submitted_at = utcnow() - timedelta(days=days_ago)
            made[title] = pid
        builders.make_proposal(people["applicant"], programme, title="Draft only")
        db.session.commit()
        staff2 = builders.make_user(Role.STAFF)
    _review(app, made["Alpha"], people["staff"], 2, 2, 2, 2, 2)
    _review(app, made["Bravo"], people["staff"], 5, 5, 5, 5, 5)
    _review(app, made["Bravo"], staff2, 3, 3, 3, 3, 3)
    _review(app, made["Delta"], people["manager"], 3, 3, 3, 3, 3, comment="Solid plan.")
    made["second_call"] = second_call
    return made


@pytest.fixture
def staff(auth, client):
    auth.login("staff")
    return auth


def test_the_queue_shows_what_waits_newest_first(client, staff, queue):
    response = client.get("/screening")
    assert response.status_code == 200
    assert _titles(response.text) == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert "4 proposals" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=submitted_at", ["Alpha", "Bravo", "Charlie", "Delta"]),
        ("sort=-submitted_at", ["Delta", "Charlie", "Bravo", "Alpha"]),
        ("sort=-score", ["Bravo", "Delta", "Alpha", "Charlie"]),  # unreviewed last
        ("sort=score", ["Alpha", "Delta", "Bravo", "Charlie"]),
        ("status=rejected", ["Echo"]),
        ("status=screening", ["Bravo"]),
        ("proposer_type=company&sort=submitted_at", ["Alpha", "Charlie"]),
        ("proposer_type=resident", ["Bravo"]),
        # Drafts are the applicant's own business: not a filter, so the default queue.
        ("status=draft", ["Delta", "Charlie", "Bravo", "Alpha"]),
    ],
)
def test_queue_filters_and_sorts(client, staff, queue, query, expected):
    response = client.get(f"/screening?{query}")
    assert response.status_code == 200
    assert _titles(response.text) == expected


def test_queue_filters_by_call(client, staff, queue):
    response = client.get(f"/screening?call={queue['second_call']}&sort=submitted_at")
    assert _titles(response.text) == ["Charlie", "Delta"]


def _row(html: str, title: str) -> str:
    """The queue's table row of the proposal with this title, as text without tags."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if f">{title}</a>" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {title}")


def test_queue_shows_the_average_score(client, staff, queue):
    html = client.get("/screening?sort=-score").text
    assert _row(html, "Bravo").endswith("2 / 2 4")  # (5 + 3) / 2, two reviews of two needed


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "sort=drop+table",
        "proposer_type=alien",
        "call=abc",
        "call=99999",
        "page=abc",
        "page=-3",
        "page=99999",
    ],
)
def test_bad_queue_parameters_never_fail(client, staff, queue, query):
    assert client.get(f"/screening?{query}").status_code == 200


def _review_form(
    need="4", benefit="4", reusability="3", feasibility="5", cost="2", comment="Promising."
):
    return {
        "need": need,
        "benefit": benefit,
        "reusability": reusability,
        "feasibility": feasibility,
        "cost_effectiveness": cost,
        "comment": comment,
    }


def _reviews(app, proposal_id):
    with app.app_context():
        return db.session.execute(
            select(Review.reviewer_id, Review.need, Review.cost_effectiveness, Review.comment)
            .where(Review.proposal_id == proposal_id)
            .order_by(Review.id)
        ).all()


def test_a_reviewer_writes_and_edits_one_review(app, client, staff, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    # The review form stands on the proposal page; its old address leads there.
    page = client.get(f"/screening/proposals/{pid}/review")
    assert page.status_code == 302
    assert page.headers["Location"] == f"/proposals/{pid}#review"
    response = client.post(f"/screening/proposals/{pid}/review", data=_review_form())
    assert response.status_code == 302
    assert _reviews(app, pid) == [(people["staff"], 4, 2, "Promising.")]
    page = client.get(f"/proposals/{pid}")
    assert "Promising.</textarea>" in page.text
    response = client.post(
        f"/screening/proposals/{pid}/review",
        data=_review_form(need="1", comment="On reflection, weak."),
    )
    assert response.status_code == 302
    assert _reviews(app, pid) == [(people["staff"], 1, 2, "On reflection, weak.")]


def test_each_staff_member_has_their_own_review(app, client, auth, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SUBMITTED)
    for who, score in (("staff", "5"), ("manager", "2")):
        auth.login(who)
        response = client.post(
            f"/screening/proposals/{pid}/review",
            data=_review_form(*(score,) * 5, comment=f"By {who}"),
        )
        assert response.status_code == 302
        auth.logout()
    assert [(r[0], r[1]) for r in _reviews(app, pid)] == [
        (people["staff"], 5),
        (people["manager"], 2),
    ]
    auth.login("staff")
    page = client.get(f"/proposals/{pid}").text
    assert "Average score: 3.5" in page
    assert "By staff" in page and "By manager" in page
    assert "Edit your review" in page


def test_the_database_keeps_one_review_per_reviewer(app, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    _review(app, pid, people["staff"], 3, 3, 3, 3, 3)
    with pytest.raises(Exception, match="UNIQUE|unique|duplicate"):
        _review(app, pid, people["staff"], 4, 4, 4, 4, 4)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("need", "", "Give a score from 1 to 5."),
        ("benefit", "0", "Not a valid choice."),
        ("feasibility", "6", "Not a valid choice."),
        ("cost_effectiveness", "x", "Invalid Choice: could not coerce."),
        ("comment", "c" * 5001, "At most 5000 characters."),
    ],
)
def test_an_invalid_review_saves_nothing(
    app, client, staff, people, programme, field, value, message
):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    response = client.post(
        f"/screening/proposals/{pid}/review", data={**_review_form(), field: value}
    )
    assert response.status_code == 422
    assert message in response.text
    assert _reviews(app, pid) == []


def test_a_missing_score_and_a_long_comment_are_said_together(
    app, client, staff, people, programme
):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    response = client.post(
        f"/screening/proposals/{pid}/review",
        data=_review_form(need="", comment="c" * 5001),
    )
    assert response.status_code == 422
    assert "Give a score from 1 to 5." in response.text
    assert "At most 5000 characters." in response.text
    assert _reviews(app, pid) == []


def test_a_comment_of_the_longest_length_is_kept(app, client, staff, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    response = client.post(
        f"/screening/proposals/{pid}/review", data=_review_form(comment="c" * 5000)
    )
    assert response.status_code == 302
    assert 'maxlength="5000"' in client.get(f"/proposals/{pid}").text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REJECTED, Status.PILOT])
def test_reviews_only_while_screening(app, client, staff, people, programme, status):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=status)
    response = client.post(f"/screening/proposals/{pid}/review", data=_review_form())
    assert response.status_code in (404, 409, 422)
    assert _reviews(app, pid) == []


def test_the_applicant_never_sees_reviews(app, client, auth, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    _review(app, pid, people["staff"], 1, 1, 1, 1, 1, comment="Secret staff opinion")
    auth.login("applicant")
    page = client.get(f"/proposals/{pid}")
    assert page.status_code == 200
    assert "Secret staff opinion" not in page.text
    assert "Average score" not in page.text
    assert "Screening reviews" not in page.text
    assert client.get(f"/screening/proposals/{pid}/review").status_code == 403
    assert client.post(f"/screening/proposals/{pid}/review", data=_review_form()).status_code == 403
    assert client.get("/screening").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 1
