"""A proposal's whole life through the pages: from draft to adopted, and to discontinued."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from experiments.extensions import db
from experiments.models import Call, Proposal, StatusChange
from experiments.statistics import year_budget
from tests.pilot_support import business_id, login

YEAR = date.today().year
START = min(date(YEAR, 2, 1), date.today())
END = date(YEAR, 6, 30)
# A pilot ends on a day already come: before its planned end, or today if that is later.
ENDED = max(min(END - timedelta(days=10), date.today()), START)


def _version(app, proposal_id) -> str:
    with app.app_context():
        return str(db.session.get(Proposal, proposal_id).version)


def _move(app, client, proposal_id, target, **fields):
    """Make the move as a person does: an irreversible one through its confirmation page."""
    data = {f"{target}-to": target, f"{target}-version": _version(app, proposal_id)}
    data.update({f"{target}-{name}": value for name, value in fields.items()})
    response = client.post(f"/proposals/{proposal_id}/moves/{target}", data=data)
    if response.status_code == 200 and "This cannot be undone." in response.text:
        data[f"{target}-confirmed"] = "yes"
        response = client.post(f"/proposals/{proposal_id}/moves/{target}", data=data)
    assert response.status_code == 303, response.text
    return response


def _history(app, proposal_id):
    with app.app_context():
        rows = db.session.scalars(
            select(StatusChange)
            .where(StatusChange.proposal_id == proposal_id)
            .order_by(StatusChange.id)
        ).all()
        return [(r.from_status.value, r.to_status.value, r.actor.name, r.reason) for r in rows]


def _to_pilot(app, client, auth) -> tuple[int, int]:
    """Draft → submitted → screening → pilot; (proposal id, experiment id)."""
    with app.app_context():
        call_id = db.session.scalar(select(Call.id))
    login(auth, client, "applicant")
    response = client.post(
        "/proposals/new",
        data={
            "call_id": str(call_id),
            "title": "Snow robot",
            "summary": "A robot clears snow.",
            "need": "Icy pavements.",
            "proposer_type": "company",
            "organisation_name": "Snowbot Oy",
            "organisation_business_id": business_id(3456789),
            "service_area": "mobility",
            "city_centres": ["tapiola"],
            "requested_budget": "20000",
            "planned_duration_months": "5",
            "sdgs": ["11"],
            "partners-0-name": "Aalto University",
            "partners-0-business_id": business_id(5678901),
            "partners-0-type": "research",
        },
    )
    assert response.status_code == 302, response.text
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    _move(app, client, proposal_id, "submitted")

    login(auth, client, "staff")
    _move(app, client, proposal_id, "screening")

    login(auth, client, "manager")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "Programme budget for starting a pilot" in page
    staff_id = re.search(r'<option value="(\d+)">Staff</option>', page).group(1)
    _move(
        app,
        client,
        proposal_id,
        "pilot",
        allocated_budget="20 000,00",
        start_date=START.isoformat(),
        planned_end_date=END.isoformat(),
        owner_id=staff_id,
        city_unit="Street maintenance",
    )
    page = client.get(f"/proposals/{proposal_id}").text
    experiment_id = int(re.search(r'href="/pilots/(\d+)"', page).group(1))
    return proposal_id, experiment_id


def test_from_draft_to_adopted(app, client, auth, people, programme, outbox):
    proposal_id, eid = _to_pilot(app, client, auth)

    login(auth, client, "staff")
    page = client.get(f"/pilots/{eid}").text
    assert "Snowbot Oy" in page and "Lead partner" in page  # the consortium carried over
    assert "Aalto University" in page
    assert (
        client.post(
            f"/pilots/{eid}/partners",
            data={
                "partner-organisation_name": "Omnia",
                "partner-organisation_type": "education",
                "partner-organisation_business_id": "",
                "partner-role": "education",
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/pilots/{eid}/participation",
            data={
                "participation-date": "2026-02-10".replace("2026", str(YEAR)),
                "participation-category": "residents_customers",
                "participation-count": "150",
            },
        ).status_code
        == 303
    )
    boundary, body = encode_multipart(
        {
            "import-file": FileStorage(
                BytesIO(
                    f"date,category,count,note\n{YEAR}-03-01,employees,12,Training\n"
                    f"{YEAR}-03-02,companies_communities,4,\n".encode()
                ),
                filename="march.csv",
            )
        }
    )
    assert (
        client.post(
            f"/pilots/{eid}/participation/import",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/pilots/{eid}/expenses",
            data={
                "expense-date": f"{YEAR}-02-15",
                "expense-amount": "12500.50",
                "expense-description": "Robot lease",
            },
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/pilots/{eid}/risks",
            data={
                "risk-description": "Heavy snow",
                "risk-probability": "3",
                "risk-impact": "2",
                "risk-mitigation": "Extra crew",
                "risk-owner": "Staff",
                "risk-status": "yellow",
            },
        ).status_code
        == 303
    )
    _move(
        app,
        client,
        proposal_id,
        "evaluation",
        actual_end_date=ENDED.isoformat(),
    )
    assert (
        client.post(
            f"/pilots/{eid}/evaluation",
            data={
                "got_users": "yes",
                "users_count": "166",
                "part_of_services": "yes",
                "benefits_city": "Fewer injuries",
                "benefits_customers": "Safer walks",
                "research_value": "yes",
                "research_link": "https://aalto.example/snow",
                "findings": "Works",
                "recommendation": "adopt",
            },
        ).status_code
        == 303
    )
    page = client.get(f"/pilots/{eid}").text
    for text in (
        "Omnia",
        "150",
        "Training",
        "€12,500.50",
        "Heavy snow",
        "Yellow: needs attention",
        "Fewer injuries",
    ):
        assert text in page, text

    login(auth, client, "manager")
    _move(
        app,
        client,
        proposal_id,
        "adopted",
        decision="Adopt in all centres",
        lessons_learned="Lease, don't buy",
    )

    assert _history(app, proposal_id) == [
        ("draft", "submitted", "Applicant", None),
        ("submitted", "screening", "Staff", None),
        ("screening", "pilot", "Manager", None),
        ("pilot", "evaluation", "Staff", None),
        ("evaluation", "adopted", "Manager", "Adopt in all centres"),
    ]
    assert "Adopt in all centres" in outbox[-1].body
    assert [m.to for m in outbox] == [["applicant@test.example"]] * 5
    with app.app_context():
        assert str(year_budget(programme, YEAR).allocated) == "20000.00"

    login(auth, client, "applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "Adopted" in page and "Adopt in all centres" in page
    assert "Snowbot Oy (Lead partner)" in page and "Omnia (Education partner)" in page
    # The applicant's way to their team page: the pilot's budget and reports, not the city's
    # working record (risks, reviews).
    assert f'href="/pilots/{eid}#reports"' in page
    team_page = client.get(f"/pilots/{eid}")
    assert team_page.status_code == 200
    assert "Heavy snow" not in team_page.text and "Extra crew" not in team_page.text


@pytest.mark.parametrize("after_evaluation", [False, True])
def test_from_draft_to_discontinued(app, client, auth, people, programme, outbox, after_evaluation):
    proposal_id, eid = _to_pilot(app, client, auth)
    login(auth, client, "manager")
    ends = [("pilot", "discontinued", "Manager", "Nobody used it")]
    if after_evaluation:
        login(auth, client, "staff")
        _move(app, client, proposal_id, "evaluation", actual_end_date=ENDED.isoformat())
        client.post(
            f"/pilots/{eid}/evaluation",
            data={
                "got_users": "no",
                "part_of_services": "no",
                "research_value": "no",
                "findings": "Nobody used it",
                "recommendation": "discontinue",
            },
        )
        login(auth, client, "manager")
        ends = [
            ("pilot", "evaluation", "Staff", None),
            ("evaluation", "discontinued", "Manager", "Nobody used it"),
        ]
    _move(
        app,
        client,
        proposal_id,
        "discontinued",
        reason="Nobody used it",
        lessons_learned="Ask residents first",
    )

    assert _history(app, proposal_id) == [
        ("draft", "submitted", "Applicant", None),
        ("submitted", "screening", "Staff", None),
        ("screening", "pilot", "Manager", None),
        *ends,
    ]
    assert len(outbox) == len(_history(app, proposal_id))
    login(auth, client, "applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert "Discontinued" in page and "Ask residents first" in page
