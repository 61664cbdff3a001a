"""Reviewer assignment on the pages: the proposal's reviewers panel, conflicts of interest, the
queue's "assigned to me" and counts, a call's assignment, and the weighted score with its
minimum flag."""

import re

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Call, ConflictOfInterest, Proposal, Review, ReviewerAssignment
from tests import builders

SCORES = dict(need=4, benefit=4, reusability=3, feasibility=5, cost_effectiveness=2)


@pytest.fixture
def proposal(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Snow robot"
        )


def _panel(html: str) -> str:
    match = re.search(r'<section aria-labelledby="reviewers-title".*?</section>', html, re.S)
    assert match, "no reviewers panel on the page"
    return match.group(0)


def _call_id(app, proposal):
    with app.app_context():
        return db.session.get(Proposal, proposal).call_id


def _routes(proposal, people, call):
    return [
        (f"/proposals/{proposal}/reviewers", {"reviewer_id": people["staff"]}),
        (f"/proposals/{proposal}/reviewers/{people['staff']}/remove", {"confirmed": "yes"}),
        (f"/proposals/{proposal}/conflicts", {"subject": "proposal", "confirmed": "yes"}),
        ("/screening/assign", {"call": call, "reviewers_per_proposal": 2}),
        ("/account/conflicts", {"organisation": 1, "confirmed": "yes"}),
    ]


@pytest.mark.parametrize("who", ["applicant", "other", "admin"])
def test_only_staff_and_managers_use_them(app, client, auth, people, proposal, who):
    auth.login(who)
    for path, data in _routes(proposal, people, _call_id(app, proposal)):
        assert client.post(path, data=data).status_code in (403, 404), path
    assert client.get("/account/conflicts").status_code == 403
    page = client.get(f"/proposals/{proposal}")
    assert "Reviewers" not in page.text and "conflict of interest" not in page.text
    with app.app_context():
        assert db.session.scalars(select(ReviewerAssignment)).all() == []
        assert db.session.scalars(select(ConflictOfInterest)).all() == []


def test_signed_out_people_are_sent_to_sign_in(app, client, people, proposal):
    for path, data in _routes(proposal, people, _call_id(app, proposal)):
        response = client.post(path, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_assign_and_unassign_on_the_proposal_page(app, client, auth, people, proposal):
    auth.login("manager")
    page = _panel(client.get(f"/proposals/{proposal}").text)
    assert "No reviewers are assigned." in page
    assert f'<option value="{people["staff"]}">Staff</option>' in page
    assert f'<option value="{people["applicant"]}"' not in page
    response = client.post(
        f"/proposals/{proposal}/reviewers", data={"reviewer_id": people["staff"]}
    )
    assert response.status_code == 303
    page = client.get(f"/proposals/{proposal}").text
    assert "The reviewer is assigned." in page
    assert re.search(r"<strong>Staff</strong>:\s*not yet reviewed", page)
    again = client.post(f"/proposals/{proposal}/reviewers", data={"reviewer_id": people["staff"]})
    assert again.status_code in (409, 422) and "already assigned" in again.text
    path = f"/proposals/{proposal}/reviewers/{people['staff']}/remove"
    confirm = client.post(path, data={})
    assert confirm.status_code == 200 and "Confirm: Unassign a reviewer" in confirm.text
    with app.app_context():
        assert len(db.session.scalars(select(ReviewerAssignment)).all()) == 1
    assert client.post(path, data={"confirmed": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(ReviewerAssignment)).all() == []


def test_a_declared_conflict_hides_the_review_form(app, client, auth, people, proposal):
    auth.login("staff")
    page = client.get(f"/proposals/{proposal}").text
    assert 'id="review"' in page and "Declare a conflict of interest" in page
    data = {"subject": "proposal", "reason": "My cousin runs the firm"}
    confirm = client.post(f"/proposals/{proposal}/conflicts", data=data)
    assert confirm.status_code == 200 and "This cannot be undone." in confirm.text
    with app.app_context():
        assert db.session.scalars(select(ConflictOfInterest)).all() == []
    done = client.post(f"/proposals/{proposal}/conflicts", data={**data, "confirmed": "yes"})
    assert done.status_code == 303
    page = client.get(f"/proposals/{proposal}").text
    assert 'id="review"' not in page
    assert "You have a conflict of interest with this proposal, so you do not review it." in page
    refused = client.post(f"/screening/proposals/{proposal}/review", data=SCORES)
    assert refused.status_code in (302, 303, 403)
    with app.app_context():
        assert db.session.scalars(select(Review)).all() == []
        declared = db.session.scalar(select(ConflictOfInterest))
        assert (declared.reviewer_id, declared.reason) == (people["staff"], data["reason"])
    # Nobody may assign them now.
    auth.login("manager")
    panel = _panel(client.get(f"/proposals/{proposal}").text)
    assert f'<option value="{people["manager"]}"' in panel
    assert f'<option value="{people["staff"]}"' not in panel


def test_an_organisation_conflict_from_the_account_page(app, client, auth, people, proposal):
    with app.app_context():
        organisation = db.session.get(Proposal, proposal).organisation
        organisation_id, name = organisation.id, organisation.name
    auth.login("staff")
    assert "Conflicts of interest" in client.get("/account").text
    page = client.get("/account/conflicts")
    assert page.status_code == 200 and name in page.text
    data = {"organisation": organisation_id, "reason": "Board member"}
    assert "This cannot be undone." in client.post("/account/conflicts", data=data).text
    done = client.post("/account/conflicts", data={**data, "confirmed": "yes"})
    assert done.status_code == 303
    assert "Board member" in client.get("/account/conflicts").text
    assert 'id="review"' not in client.get(f"/proposals/{proposal}").text
    bad = client.post("/account/conflicts", data={"organisation": 999999, "confirmed": "yes"})
    assert bad.status_code == 422 and "Choose an organisation." in bad.text
    untouched = client.post("/account/conflicts", data={"organisation": "", "reason": ""})
    assert untouched.status_code == 422 and "Choose an organisation." in untouched.text


def test_the_queue_counts_and_assigned_to_me(app, client, auth, people, programme, proposal):
    with app.app_context():
        other = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Library robot"
        )
        second = builders.make_user(Role.STAFF, name="Second")
        for reviewer in (people["staff"], second):
            db.session.add(
                ReviewerAssignment(
                    proposal_id=proposal, reviewer_id=reviewer, assigned_by_id=people["manager"]
                )
            )
        db.session.add(Review(proposal_id=proposal, reviewer_id=second, **SCORES))
        builders.commit()
    auth.login("staff")
    mine = client.get("/screening").text
    assert "Snow robot" in mine and "Library robot" not in mine
    assert 'aria-current="page">Assigned to me' in mine
    assert re.search(
        r'data-label="Reviews done / needed">1 / 2<br><span class="meta assigned-count">'
        r"2 reviewers assigned</span>",
        mine,
    )
    assert "Assigned to you" in mine
    everything = client.get("/screening?mine=0").text
    assert "Snow robot" in everything and "Library robot" in everything
    assert 'aria-current="page">All proposals' in everything
    # The choice stays in the query string of the sort links.
    assert "mine=0" in re.search(r'<th scope="col"><a href="([^"]+)">Title', everything).group(1)
    auth.login("manager")  # a manager, who decides, sees everything by default
    assert "Library robot" in client.get("/screening").text
    assert other


def test_a_call_at_once_from_the_queue(app, client, auth, people, programme, proposal):
    call = _call_id(app, proposal)
    auth.login("manager")
    assert "Assign reviewers to a whole call" in client.get("/screening").text
    response = client.post("/screening/assign", data={"call": call, "reviewers_per_proposal": 3})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "2 reviewer assignments made." in page
    assert "“Snow robot” has only 2 of 3 reviewers" in page
    bad = client.post("/screening/assign", data={"call": call, "reviewers_per_proposal": 0})
    assert bad.status_code == 422 and "Give a whole number from 1 to 10." in bad.text
    assert 'class="error-summary' in bad.text or "error-summary" in bad.text
    empty = client.post("/screening/assign", data={"call": "", "reviewers_per_proposal": ""})
    assert empty.status_code == 422 and "Choose a call." in empty.text


def _weighted_call(app, proposal, weights, minimums=None):
    with app.app_context():
        call = db.session.get(Call, db.session.get(Proposal, proposal).call_id)
        for criterion, weight in weights.items():
            setattr(call, f"weight_{criterion}", weight)
        for criterion, minimum in (minimums or {}).items():
            setattr(call, f"minimum_{criterion}", minimum)
        builders.commit()


def _review(app, proposal, **scores):
    with app.app_context():
        reviewer = builders.make_user(Role.STAFF)
        db.session.add(Review(proposal_id=proposal, reviewer_id=reviewer, **scores))
        builders.commit()


def test_the_weighted_score_leaves_abstentions_out(app, client, auth, people, proposal):
    # Weights need 3, benefit 1, reusability 0, feasibility 2, cost-effectiveness 1.
    _weighted_call(
        app,
        proposal,
        dict(need=3, benefit=1, reusability=0, feasibility=2, cost_effectiveness=1),
        dict(feasibility=3, need=2),
    )
    _review(app, proposal, need=5, benefit=4, reusability=1, feasibility=None, cost_effectiveness=2)
    _review(app, proposal, need=None, benefit=2, reusability=5, feasibility=2, cost_effectiveness=3)
    # Numerator 3·5 + 1·(4+2) + 0 + 2·2 + 1·(2+3) = 30; denominator 3 + 1·2 + 0 + 2 + 1·2 = 9.
    auth.login("manager")
    page = client.get(f"/proposals/{proposal}").text
    assert 'Average score: 3.33 <span class="meta">(weighted by the call\'s criteria' in page
    # Feasibility's mean is 2 (one review abstained), below the minimum of 3; need's 5 is not.
    assert re.search(r"Below the call's minimum:</strong> Feasibility</p>", page)
    assert "abstained" in page
    queue = client.get("/screening").text
    assert re.search(
        r'data-label="Average score">3.33<br><span class="marker marker-below">'
        r"Below minimum: Feasibility</span>",
        queue,
    )


def test_without_weights_every_criterion_counts_once(app, client, auth, people, proposal):
    _review(app, proposal, **SCORES)
    _review(app, proposal, need=1, benefit=1, reusability=1, feasibility=1, cost_effectiveness=None)
    # (18 + 4) / (5 + 4) = 2.44
    auth.login("manager")
    page = client.get(f"/proposals/{proposal}").text
    assert "Average score: 2.44 <span" in page
    assert "Below the call" not in page


def test_a_reviewer_abstains_on_the_page(app, client, auth, people, proposal):
    auth.login("staff")
    form = client.get(f"/proposals/{proposal}").text
    assert form.count('value="abstain"') == 5
    data = {**SCORES, "reusability": "abstain", "comment": "Cannot judge reuse."}
    response = client.post(f"/screening/proposals/{proposal}/review", data=data)
    assert response.status_code in (302, 303)
    with app.app_context():
        review = db.session.scalar(select(Review))
        assert (review.need, review.reusability) == (4, None)
    page = client.get(f"/proposals/{proposal}").text
    assert re.search(r'<input checked[^>]*name="reusability"[^>]*value="abstain"', page)
    assert "reusability abstained" in page
    everything = {name: "abstain" for name in SCORES}
    refused = client.post(f"/screening/proposals/{proposal}/review", data=everything)
    assert refused.status_code == 422 and "Score at least one criterion." in refused.text


def test_the_staff_home_lists_what_is_assigned(app, client, auth, people, proposal):
    auth.login("staff")
    assert "Assigned to you, not yet reviewed" not in client.get("/").text
    with app.app_context():
        db.session.add(
            ReviewerAssignment(
                proposal_id=proposal, reviewer_id=people["staff"], assigned_by_id=people["manager"]
            )
        )
        builders.commit()
    home = client.get("/").text
    assert "Assigned to you, not yet reviewed" in home
    section = home[home.index("Assigned to you, not yet reviewed") :]
    assert "Snow robot" in section[: section.index("Not yet reviewed by you")]
    client.post(f"/screening/proposals/{proposal}/review", data=SCORES)
    assert "Assigned to you, not yet reviewed" not in client.get("/").text


@pytest.mark.parametrize("number", [2**31, 10**20])
def test_numbers_beyond_any_id_are_refused_not_failed(app, client, auth, proposal, number):
    """Ids past the database's integer range are no record, said as such (never a 500)."""
    auth.login("manager")
    reviewer = client.post(f"/proposals/{proposal}/reviewers", data={"reviewer_id": number})
    assert reviewer.status_code in (409, 422)
    organisation = client.post(
        "/account/conflicts", data={"organisation": number, "confirmed": "yes"}
    )
    assert organisation.status_code == 422 and "Choose an organisation." in organisation.text
    call = client.post("/screening/assign", data={"call": number, "reviewers_per_proposal": 1})
    assert call.status_code == 422 and "Choose a call." in call.text
