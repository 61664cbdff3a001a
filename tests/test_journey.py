"""A proposal's journey through the browser pages, from draft to a screening decision."""

import re
from datetime import date

from sqlalchemy import select

from experiments.extensions import db
from experiments.models import Call, Proposal, StatusChange


def _form(programme_call_id, **overrides):
    data = {
        "call_id": str(programme_call_id),
        "title": "Library robot",
        "summary": "A robot.",
        "need": "Long queues.",
        "proposer_type": "resident",
        "service_area": "culture_sport",
        "city_centres": ["tapiola"],
        "requested_budget": "12 500,50",
        "planned_duration_months": "6",
        "sdgs": ["4", "11"],
    }
    data.update(overrides)
    return data


def _call_id(app):
    with app.app_context():
        return db.session.scalar(select(Call.id))


def test_resident_submits_and_staff_decide(app, client, auth, programme, outbox):
    auth.login("applicant")
    response = client.post("/proposals/new", data=_form(_call_id(app)))
    assert response.status_code == 302, response.data
    proposal_path = response.headers["Location"]
    proposal_id = int(proposal_path.rsplit("/", 1)[1])

    page = client.get(proposal_path)
    assert "Library robot" in page.text
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )
    assert response.status_code == 303, response.text
    auth.logout()

    auth.login("staff")
    assert "Library robot" in client.get("/screening").text
    client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "2"},
    )
    response = client.post(
        f"/proposals/{proposal_id}/moves/more_info",
        data={
            "more_info-to": "more_info",
            "more_info-version": "3",
            "more_info-question": "Which branch library?",
        },
    )
    assert response.status_code == 303
    auth.logout()

    auth.login("applicant")
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={
            "submitted-to": "submitted",
            "submitted-version": "4",
            "submitted-answer": "Tapiola library.",
        },
    )
    assert response.status_code == 303
    auth.logout()

    auth.login("staff")
    client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "5"},
    )
    response = client.post(
        f"/proposals/{proposal_id}/moves/rejected",
        data={
            "rejected-to": "rejected",
            "rejected-version": "6",
            "rejected-reason": "Out of scope.",
            "rejected-confirmed": "yes",
        },
    )
    assert response.status_code == 303

    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == "rejected"
        assert str(proposal.requested_budget) == "12500.50"
        moves = db.session.execute(
            select(StatusChange.from_status, StatusChange.to_status, StatusChange.reason)
            .where(StatusChange.proposal_id == proposal_id)
            .order_by(StatusChange.id)
        ).all()
    assert [tuple(m) for m in moves] == [
        ("draft", "submitted", None),
        ("submitted", "screening", None),
        ("screening", "more_info", "Which branch library?"),
        ("more_info", "submitted", "Tapiola library."),
        ("submitted", "screening", None),
        ("screening", "rejected", "Out of scope."),
    ]
    assert [m.to for m in outbox] == [["applicant@test.example"]] * 6
    assert "Out of scope." in outbox[-1].body


def _moves(app, proposal_id):
    with app.app_context():
        return [
            tuple(m)
            for m in db.session.execute(
                select(StatusChange.from_status, StatusChange.to_status, StatusChange.reason)
                .where(StatusChange.proposal_id == proposal_id)
                .order_by(StatusChange.id)
            ).all()
        ]


def test_newcomer_journey_from_a_new_call_to_the_screening_decision(
    app, client, auth, people, outbox
):
    """Page by page: a manager opens a call, a resident signs up and proposes, staff screen,
    ask, read the answer and decide."""
    year = date.today().year
    auth.login("manager")
    response = client.post(
        "/programmes/new",
        data={
            "name": "Open City",
            "description": "",
            "start_year": str(year),
            "end_year": str(year + 1),
            "annual_budget": "250000",
        },
    )
    assert response.status_code == 302, response.text
    programme_path = response.headers["Location"]
    response = client.post(
        f"{programme_path}/calls/new",
        data={
            "title": "Libraries of the future",
            "description": "Ideas for the libraries.",
            "opens_on": date.today().isoformat(),
            "closes_on": f"{year + 1}-06-30",
        },
    )
    assert response.status_code == 302, response.text
    auth.logout()

    # A resident signs up, confirms the address from the mail and signs in.
    assert "Libraries of the future" in client.get("/").text
    response = client.post(
        "/register",
        data={
            "name": "Riikka Resident",
            "email": "riikka@test.example",
            "password": "a long enough password",
            "confirm": "a long enough password",
            "proposer_type": "resident",
            "organisation_name": "",
            "organisation_business_id": "",
            "locale": "en",
        },
    )
    assert response.status_code == 200, response.text
    (confirmation,) = [m for m in outbox if m.to == ["riikka@test.example"]]
    link = re.search(r"https?://[^/\s]+(/register/confirm/\S+)", confirmation.body).group(1)
    assert client.get(link).status_code == 302
    response = client.post(
        "/login", data={"email": "riikka@test.example", "password": "a long enough password"}
    )
    assert response.status_code == 302
    outbox.clear()

    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.title == "Libraries of the future"))
    page = client.get("/proposals/new")
    assert "Libraries of the future" in page.text
    response = client.post("/proposals/new", data=_form(call_id, title="Robot librarian"))
    assert response.status_code == 302, response.text
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )
    assert response.status_code == 303
    assert "Submitted" in client.get(f"/proposals/{proposal_id}").text
    auth.logout()

    auth.login("staff")
    assert "Robot librarian" in client.get(f"/screening?call={call_id}").text
    client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "2"},
    )
    response = client.post(
        f"/screening/proposals/{proposal_id}/review",
        data={
            "need": "4",
            "benefit": "4",
            "reusability": "3",
            "feasibility": "2",
            "cost_effectiveness": "3",
            "comment": "Which library?",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/proposals/{proposal_id}/moves/more_info",
        data={
            "more_info-to": "more_info",
            "more_info-version": "3",
            "more_info-question": "Which branch library, and how many visitors?",
        },
    )
    assert response.status_code == 303
    auth.logout()

    client.post(
        "/login", data={"email": "riikka@test.example", "password": "a long enough password"}
    )
    page = client.get(f"/proposals/{proposal_id}").text
    assert "Which branch library, and how many visitors?" in page
    assert "Which library?" not in page  # the review stays with the staff
    response = client.post(
        f"/proposals/{proposal_id}/edit",
        data=_form(call_id, title="Robot librarian for Tapiola", version="4"),
    )
    assert response.status_code == 302, response.text
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={
            "submitted-to": "submitted",
            "submitted-version": "5",
            "submitted-answer": "Tapiola library, 2,000 visitors a day.",
        },
    )
    assert response.status_code == 303
    auth.logout()

    auth.login("staff")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "Tapiola library, 2,000 visitors a day." in page
    assert "Robot librarian for Tapiola" in page
    client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "6"},
    )
    rejection = {
        "rejected-to": "rejected",
        "rejected-version": "7",
        "rejected-reason": "The library already has a pilot like this.",
    }
    response = client.post(f"/proposals/{proposal_id}/moves/rejected", data=rejection)
    assert response.status_code == 200  # the confirmation page: nothing has changed yet
    assert "This cannot be undone." in response.text
    response = client.post(
        f"/proposals/{proposal_id}/moves/rejected",
        data={**rejection, "rejected-confirmed": "yes"},
    )
    assert response.status_code == 303
    auth.logout()

    assert _moves(app, proposal_id) == [
        ("draft", "submitted", None),
        ("submitted", "screening", None),
        ("screening", "more_info", "Which branch library, and how many visitors?"),
        ("more_info", "submitted", "Tapiola library, 2,000 visitors a day."),
        ("submitted", "screening", None),
        ("screening", "rejected", "The library already has a pilot like this."),
    ]
    assert [m.to for m in outbox] == [["riikka@test.example"]] * 6
    assert [m.subject for m in outbox][-1] == (
        "Your proposal “Robot librarian for Tapiola”: Rejected"
    )
    assert "The library already has a pilot like this." in outbox[-1].body
