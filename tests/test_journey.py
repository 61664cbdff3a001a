"""A proposal's journey through the browser pages, from draft to a screening decision."""

from sqlalchemy import select

from experiments.extensions import db
from experiments.models import Proposal, StatusChange


def _form(programme_call_id, **overrides):
    data = {
        "call_id": str(programme_call_id), "title": "Library robot", "summary": "A robot.",
        "need": "Long queues.", "proposer_type": "resident", "service_area": "culture_sport",
        "city_centres": ["tapiola"], "requested_budget": "12 500,50",
        "planned_duration_months": "6", "sdgs": ["4", "11"],
    }
    data.update(overrides)
    return data


def _call_id(app):
    with app.app_context():
        from experiments.models import Call

        return db.session.scalar(select(Call.id))


def test_resident_submits_and_staff_decide(app, client, auth, programme, outbox):
    auth.login("applicant")
    response = client.post("/proposals/new", data=_form(_call_id(app)))
    assert response.status_code == 302, response.data
    proposal_path = response.headers["Location"]
    proposal_id = int(proposal_path.rsplit("/", 1)[1])

    page = client.get(proposal_path)
    assert "Library robot" in page.text
    response = client.post(f"/proposals/{proposal_id}/moves/submitted",
                           data={"submitted-to": "submitted", "submitted-version": "1"})
    assert response.status_code == 303, response.text
    auth.logout()

    auth.login("staff")
    assert "Library robot" in client.get("/screening").text
    client.post(f"/proposals/{proposal_id}/moves/screening",
                data={"screening-to": "screening", "screening-version": "2"})
    response = client.post(f"/proposals/{proposal_id}/moves/more_info", data={
        "more_info-to": "more_info", "more_info-version": "3",
        "more_info-question": "Which branch library?"})
    assert response.status_code == 303
    auth.logout()

    auth.login("applicant")
    response = client.post(f"/proposals/{proposal_id}/moves/submitted", data={
        "submitted-to": "submitted", "submitted-version": "4",
        "submitted-answer": "Tapiola library."})
    assert response.status_code == 303
    auth.logout()

    auth.login("staff")
    client.post(f"/proposals/{proposal_id}/moves/screening",
                data={"screening-to": "screening", "screening-version": "5"})
    response = client.post(f"/proposals/{proposal_id}/moves/rejected", data={
        "rejected-to": "rejected", "rejected-version": "6", "rejected-reason": "Out of scope."})
    assert response.status_code == 303

    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == "rejected"
        assert str(proposal.requested_budget) == "12500.50"
        moves = db.session.execute(
            select(StatusChange.from_status, StatusChange.to_status, StatusChange.reason)
            .where(StatusChange.proposal_id == proposal_id).order_by(StatusChange.id)
        ).all()
    assert [tuple(m) for m in moves] == [
        ("draft", "submitted", None), ("submitted", "screening", None),
        ("screening", "more_info", "Which branch library?"),
        ("more_info", "submitted", "Tapiola library."),
        ("submitted", "screening", None), ("screening", "rejected", "Out of scope."),
    ]
    assert [m.to for m in outbox] == [["applicant@test.example"]] * 6
    assert "Out of scope." in outbox[-1].body
