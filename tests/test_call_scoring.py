"""A call's criterion weights and minimum scores on its form, and the queue's statements with
assignments (no statement per row)."""

from datetime import date

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Call, Review, ReviewerAssignment
from tests import builders
from tests.test_query_counts_pages import assert_same_count, statements_for

CRITERIA = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


def _form(**overrides):
    year = date.today().year
    data = {
        "title": "Mobility call",
        "description": "Moving around the city.",
        "opens_on": f"{year}-01-15",
        "closes_on": f"{year}-03-31",
        **{f"weight_{c}": "1" for c in CRITERIA},
        **{f"minimum_{c}": "" for c in CRITERIA},
    }
    data.update(overrides)
    return data


@pytest.fixture
def call_id(app, programme):
    with app.app_context():
        return db.session.scalar(select(Call.id).where(Call.programme_id == programme))


def test_weights_and_minimums_are_saved(app, client, auth, people, programme, call_id):
    auth.login("manager")
    page = client.get(f"/programmes/{programme}/calls/{call_id}/edit").text
    assert "Weights of the review criteria" in page and 'name="weight_need" ' in page
    data = _form(weight_need="3", weight_reusability="0", minimum_feasibility="3")
    response = client.post(f"/programmes/{programme}/calls/{call_id}/edit", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert [getattr(call, f"weight_{c}") for c in CRITERIA] == [3, 1, 0, 1, 1]
        assert [getattr(call, f"minimum_{c}") for c in CRITERIA] == [None, None, None, 3, None]
    page = client.get(f"/programmes/{programme}/calls/{call_id}/edit").text
    assert 'name="minimum_feasibility" type="number" value="3"' in page or 'value="3"' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"weight_need": "11"}, "weight_need", "Give a whole number from 0 to 10."),
        ({"weight_benefit": "-1"}, "weight_benefit", "Give a whole number from 0 to 10."),
        ({"weight_benefit": ""}, "weight_benefit", "Give a whole number from 0 to 10."),
        ({"weight_feasibility": "x"}, "weight_feasibility", "Give a whole number from 0 to 10."),
        ({"minimum_need": "0"}, "minimum_need", "Give a whole number from 1 to 5, or leave it"),
        ({"minimum_need": "6"}, "minimum_need", "Give a whole number from 1 to 5, or leave it"),
        ({f"weight_{c}": "0" for c in CRITERIA}, "weight_need", "At least one criterion"),
    ],
)
def test_the_rules_of_weights_and_minimums(
    app, client, auth, people, programme, call_id, overrides, field, message
):
    auth.login("manager")
    response = client.post(f"/programmes/{programme}/calls/{call_id}/edit", data=_form(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert f'href="#{field}"' in response.text
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert [getattr(call, f"weight_{c}") for c in CRITERIA] == [1] * 5


@pytest.mark.parametrize("who", ["staff", "applicant", "other"])
def test_only_managers_edit_a_call(app, client, auth, people, programme, call_id, who):
    auth.login(who)
    response = client.post(
        f"/programmes/{programme}/calls/{call_id}/edit", data=_form(weight_need="5")
    )
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Call, call_id).weight_need == 1


def _assigned_proposals(app, programme, people, n):
    with app.app_context():
        for _ in range(n):
            proposal = builders.make_proposal(
                people["applicant"], programme, status=Status.SCREENING
            )
            for reviewer in (people["staff"], people["manager"]):
                db.session.add(
                    ReviewerAssignment(
                        proposal_id=proposal, reviewer_id=reviewer, assigned_by_id=reviewer
                    )
                )
            db.session.add(
                Review(
                    proposal_id=proposal,
                    reviewer_id=builders.make_user(Role.STAFF),
                    need=3,
                    benefit=None,
                    reusability=4,
                    feasibility=2,
                    cost_effectiveness=5,
                )
            )
        builders.commit()


@pytest.mark.parametrize("path", ["/screening", "/screening?mine=0&sort=-score"])
def test_the_queue_with_assignments_has_fixed_statements(
    app, client, auth, people, programme, path
):
    _assigned_proposals(app, programme, people, 2)
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        call.minimum_feasibility = 3
        builders.commit()
    auth.login("staff")
    small = statements_for(app, client, path)
    _assigned_proposals(app, programme, people, 20)
    large = statements_for(app, client, path)
    assert client.get(path).text.count("2 reviewers assigned") >= 20
    assert_same_count(small, large)


def test_the_proposal_page_with_reviewers_has_fixed_statements(
    app, client, auth, people, programme
):
    from experiments.models import ConflictOfInterest, Proposal

    with app.app_context():
        proposal = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    path = f"/proposals/{proposal}"
    auth.login("manager")
    small = statements_for(app, client, path)
    with app.app_context():
        organisation_id = db.session.get(Proposal, proposal).organisation_id
        for n in range(8):
            reviewer = builders.make_user(Role.STAFF)
            db.session.add(
                ReviewerAssignment(
                    proposal_id=proposal, reviewer_id=reviewer, assigned_by_id=people["manager"]
                )
            )
            if n % 2:
                db.session.add(
                    Review(
                        proposal_id=proposal,
                        reviewer_id=reviewer,
                        need=2,
                        benefit=3,
                        reusability=None,
                        feasibility=4,
                        cost_effectiveness=5,
                    )
                )
            db.session.add(
                ConflictOfInterest(
                    reviewer_id=builders.make_user(Role.STAFF), organisation_id=organisation_id
                )
            )
        builders.commit()
    large = statements_for(app, client, path)
    assert client.get(path).text.count("not yet reviewed") == 4
    assert_same_count(small, large)
