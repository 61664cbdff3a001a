"""After submitting: the reference number, what comes next, and the programme's own typical
wait until the screening decision (the median), said plainly when there are too few."""

from datetime import timedelta

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal, StatusChange
from experiments.models.types import utcnow
from experiments.statistics.waiting import ScreeningWait, screening_wait
from tests import builders


def decided(app, people, programme, waits: list[int]) -> None:
    """Proposals of the programme screened to a decision after these numbers of days."""
    with app.app_context():
        for n, days in enumerate(waits):
            target = Status.PILOT if n % 2 else Status.REJECTED
            proposal_id = builders.make_proposal(people["other"], programme, target)
            proposal = db.session.get(Proposal, proposal_id)
            submitted = utcnow() - timedelta(days=100)
            proposal.submitted_at = submitted
            db.session.add(
                StatusChange(
                    proposal_id=proposal_id,
                    from_status=Status.SCREENING,
                    to_status=target,
                    actor_id=people["manager"],
                    at=submitted + timedelta(days=days),
                )
            )
        db.session.commit()


def submit(client, proposal_id):
    return client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )


def test_submitting_leads_to_the_confirmation(app, client, auth, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, title="Bike repair")
    auth.login("applicant")
    response = submit(client, proposal_id)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/proposals/{proposal_id}/submitted"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Your proposal is submitted" in page.text
    assert "Bike repair" in page.text
    assert f'Reference number: <span class="reference">{proposal_id}</span>' in page.text
    assert "What happens next" in page.text
    assert (
        "This programme has not yet decided on enough proposals to say how long screening "
        "usually takes." in page.text
    )
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == Status.SUBMITTED


def test_the_typical_wait_is_the_programmes_median(app, client, auth, people, programme):
    decided(app, people, programme, [10, 12, 14, 16, 40])
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, title="Bike repair")
    auth.login("applicant")
    page = client.get(submit(client, proposal_id).headers["Location"]).text
    assert (
        "In this programme, half of the proposals get the screening decision within 2 weeks "
        "of submission." in page
    )
    assert "the median of 5 decisions: 14 days" in page


def test_four_decisions_are_not_enough_to_promise_a_wait(app, people, programme):
    decided(app, people, programme, [10, 12, 14, 16])
    with app.app_context():
        wait = screening_wait(programme)
        assert wait == ScreeningWait(median_days=13.0, decisions=4)
        assert not wait.known


def test_the_wait_counts_only_the_programmes_own_decisions(app, people, programme):
    decided(app, people, programme, [1, 2, 3, 4, 5, 6])
    with app.app_context():
        other = builders.make_programme()
        assert screening_wait(other) == ScreeningWait(median_days=None, decisions=0)
        assert screening_wait(programme) == ScreeningWait(median_days=3.5, decisions=6)


def test_the_confirmation_of_a_proposal_moved_on_leads_to_the_proposal(
    app, client, auth, people, programme
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, Status.SCREENING)
    auth.login("applicant")
    response = client.get(f"/proposals/{proposal_id}/submitted")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{proposal_id}"


@pytest.mark.parametrize("who, expected", [("other", 404), ("staff", 403), ("admin", 403)])
def test_only_the_applicant_sees_the_confirmation(
    app, client, auth, people, programme, who, expected
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, Status.SUBMITTED)
    auth.login(who)
    assert client.get(f"/proposals/{proposal_id}/submitted").status_code == expected


def test_answering_a_question_is_not_a_new_submission(app, client, auth, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, Status.MORE_INFO)
    auth.login("applicant")
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1", "submitted-answer": "Two."},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/proposals/{proposal_id}"
