"""Each API answer, whole, for a known data set: the documents the response schemas describe.

The clock stands still, so every stored moment is the tests' moment and each answer can be
written out in full and compared with ==.
"""

from datetime import UTC, date
from decimal import Decimal

import pytest
import time_machine

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    Call,
    Evaluation,
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Programme,
    ProgrammeYear,
    Proposal,
    Risk,
    StatusChange,
)
from tests import builders
from tests.conftest import TEST_NOW

NOW = TEST_NOW.astimezone(UTC)
STAMP = NOW.isoformat()
YEAR = TEST_NOW.date().year
TODAY = TEST_NOW.date()


@pytest.fixture
def still():
    """The clock stopped at the tests' moment: every stored time is NOW."""
    with time_machine.travel(TEST_NOW, tick=False):
        yield


@pytest.fixture
def seeded(app, people, still):
    """A programme with a draft, a proposal in screening, a running pilot and an adopted
    experiment whose owner's account was deleted; maps names to ids."""
    with app.app_context():
        former = builders.make_user(
            Role.STAFF, email="former@test.example", name="Former", deleted_at=NOW, active=False
        )
        opens, closes = builders.call_dates()
        programme = Programme(
            name="Digital Agenda", start_year=YEAR - 1, end_year=YEAR + 1, language="en"
        )
        budget = Decimal("250000")
        programme.years = [
            ProgrammeYear(year=y, annual_budget=budget) for y in range(YEAR - 1, YEAR + 2)
        ]
        call = Call(title="Smart city", opens_on=opens, closes_on=closes, language="sv")
        programme.calls.append(call)
        robotics = Organisation(name="Robotics Oy", type="company", business_id="1572860-0")
        aalto = Organisation(name="Aalto Research", type="research")

        def proposal(title: str, status: Status, **values) -> Proposal:
            made = Proposal(
                **{
                    "owner_id": people["applicant"],
                    "programme": programme,
                    "call": call,
                    "status": status,
                    "title": title,
                    "summary": f"{title}: the summary.",
                    "need": f"{title}: the need.",
                    "proposer_type": "company",
                    "organisation": robotics,
                    "service_area": "mobility",
                    "requested_budget": Decimal("15000.5"),
                    "planned_duration_months": 6,
                    "language": "fi",
                    "submitted_at": None if status == Status.DRAFT else NOW,
                }
                | values
            )
            made.city_centres = ["tapiola", "leppavaara"]
            made.sdgs = [11, 9]
            db.session.add(made)
            return made

        draft = proposal("Draft idea", Status.DRAFT, confidential_need=True)
        screened = proposal("Screened idea", Status.SCREENING)
        pilot = proposal("Running pilot", Status.PILOT, organisation=None, proposer_type="resident")
        adopted = proposal("Adopted service", Status.ADOPTED, confidential_summary=True)
        running = Experiment(
            proposal=pilot,
            allocated_budget=Decimal("8000"),
            start_date=date(YEAR - 1, 10, 1),
            planned_end_date=date(YEAR - 1, 12, 31),
            owner_id=people["staff"],
            language="en",
        )
        decided = Experiment(
            proposal=adopted,
            allocated_budget=Decimal("12500.5"),
            start_date=date(YEAR - 1, 3, 1),
            planned_end_date=date(YEAR - 1, 9, 1),
            actual_end_date=date(YEAR - 1, 8, 20),
            owner_id=former,
            city_unit="Mobility unit",
            decision="Adopt it city-wide.",
            lessons_learned="Start small.",
            language="sv",
        )
        decided.partners.append(ExperimentPartner(organisation=aalto, role="research"))
        decided.participation.append(
            Participation(date=date(YEAR - 1, 4, 1), category="employees", count=12, note="")
        )
        decided.expenses.append(
            Expense(date=date(YEAR - 1, 4, 2), amount=Decimal("99.9"), description="Sensors")
        )
        decided.risks.append(
            Risk(description="Ice", probability=2, impact=3, mitigation="", status="yellow")
        )
        decided.evaluation = Evaluation(
            got_users=True,
            users_count=120,
            part_of_services=True,
            benefits_city="Fewer falls.",
            benefits_customers="",
            research_value=False,
            research_link="",
            findings="Works on flat streets.",
            recommendation="adopt",
            author_id=people["staff"],
            language="fi",
        )
        db.session.add_all([running, decided])
        db.session.flush()
        db.session.add(
            StatusChange(
                proposal_id=adopted.id,
                from_status=Status.EVALUATION,
                to_status=Status.ADOPTED,
                actor_id=people["manager"],
                reason="It works.",
                language="en",
            )
        )
        builders.commit()
        return {
            "former": former,
            "programme": programme.id,
            "call": call.id,
            "robotics": robotics.id,
            "aalto": aalto.id,
            "draft": draft.id,
            "screened": screened.id,
            "pilot": pilot.id,
            "adopted": adopted.id,
            "running": running.id,
            "decided": decided.id,
        }


def person(people, who: str) -> dict:
    return {"id": people[who], "name": who.title()}


def proposal_document(ids, people, name: str, **changes) -> dict:
    """A seeded proposal as the API answers it (before any change through the API)."""
    title = {
        "draft": "Draft idea",
        "screened": "Screened idea",
        "pilot": "Running pilot",
        "adopted": "Adopted service",
    }[name]
    status = {
        "draft": "draft",
        "screened": "screening",
        "pilot": "pilot",
        "adopted": "adopted",
    }[name]
    document = {
        "id": ids[name],
        "programme_id": ids["programme"],
        "call_id": ids["call"],
        "language": "fi",
        "title": title,
        "summary": f"{title}: the summary.",
        "need": f"{title}: the need.",
        "proposer_type": "company",
        "organisation": {"id": ids["robotics"], "name": "Robotics Oy", "business_id": "1572860-0"},
        "service_area": "mobility",
        "city_centres": ["leppavaara", "tapiola"],
        "sdgs": [9, 11],
        "requested_budget": "15000.50",
        "planned_duration_months": 6,
        "confidential_summary": name == "adopted",
        "confidential_need": name == "draft",
        "status": status,
        "version": 1,
        "owner": person(people, "applicant"),
        "submitted_at": None if name == "draft" else STAMP,
        "created_at": STAMP,
        "updated_at": STAMP,
        "experiment": None,
    }
    if name == "pilot":
        document |= {"proposer_type": "resident", "organisation": None}
        document["experiment"] = {
            "id": ids["running"],
            "allocated_budget": "8000.00",
            "start_date": f"{YEAR - 1}-10-01",
            "planned_end_date": f"{YEAR - 1}-12-31",
            "actual_end_date": None,
            "owner": person(people, "staff"),
            "city_unit": "",
            "outcome": None,
        }
    if name == "adopted":
        document["experiment"] = {
            "id": ids["decided"],
            "allocated_budget": "12500.50",
            "start_date": f"{YEAR - 1}-03-01",
            "planned_end_date": f"{YEAR - 1}-09-01",
            "actual_end_date": f"{YEAR - 1}-08-20",
            "owner": {"id": ids["former"], "name": "Deleted user"},
            "city_unit": "Mobility unit",
            "outcome": "Adopt it city-wide.",
        }
    return document | changes


def _sorted_lists(document):
    """City centres and goals compared as sets: the API names no order for them."""
    if isinstance(document, dict):
        return {
            key: sorted(value) if key in {"city_centres", "sdgs"} else _sorted_lists(value)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_sorted_lists(item) for item in document]
    return document


def answer(response, status: int = 200):
    assert response.status_code == status, response.text
    return _sorted_lists(response.get_json())


def test_me_and_programmes(api, people, seeded):
    assert answer(api.get("/me", "staff")) == {
        "id": people["staff"],
        "name": "Staff",
        "email": "staff@test.example",
        "role": "staff",
    }
    assert answer(api.get("/programmes")) == {
        "items": [
            {
                "id": seeded["programme"],
                "name": "Digital Agenda",
                "start_year": YEAR - 1,
                "end_year": YEAR + 1,
            }
        ]
    }


def test_a_new_token(app, client, people, still):
    response = client.post(
        "/api/v1/tokens",
        json={"email": "staff@test.example", "password": builders.PASSWORD},
    )
    body = answer(response, 201)
    assert set(body) == {"token", "expires_at"} and len(body["token"]) > 20
    assert body["expires_at"] == (NOW + app.config["API_TOKEN_LIFETIME"]).isoformat()


def test_proposals_as_staff_see_them(api, people, seeded):
    names = ("adopted", "draft", "pilot", "screened")  # by title
    documents = [proposal_document(seeded, people, name) for name in names]
    assert answer(api.get("/proposals?sort=title", "staff")) == {
        "items": documents,
        "page": 1,
        "per_page": 20,
        "total": 4,
    }
    for name in names:
        assert answer(api.get(f"/proposals/{seeded[name]}", "staff")) == proposal_document(
            seeded, people, name
        )


def test_the_applicant_sees_own_proposals_whole(api, people, seeded):
    body = answer(api.get("/proposals?sort=title&per_page=2&page=2", "applicant"))
    assert body == {
        "items": [proposal_document(seeded, people, n) for n in ("pilot", "screened")],
        "page": 2,
        "per_page": 2,
        "total": 4,
    }
    # The applicant's experiment is the whole experiment object.
    assert answer(api.get(f"/proposals/{seeded['adopted']}", "applicant")) == proposal_document(
        seeded, people, "adopted"
    )


@pytest.mark.parametrize(
    "lang, deleted", [("fi", "Poistettu käyttäjä"), ("sv", "Borttagen användare")]
)
def test_a_deleted_owner_is_named_in_the_readers_language(api, people, seeded, lang, deleted):
    response = api.get(
        f"/proposals/{seeded['adopted']}", "staff", headers={"Accept-Language": lang}
    )
    expected = proposal_document(seeded, people, "adopted")
    expected["experiment"]["owner"]["name"] = deleted
    assert answer(response) == expected


def test_a_draft_created_edited_and_submitted(api, people, seeded):
    created = api.post(
        "/proposals",
        "applicant",
        json={
            "title": "New idea",
            "summary": "A summary.",
            "need": "A need.",
            "proposer_type": "research",
            "organisation": {"name": "Aalto Research"},
            "service_area": "education",
            "city_centres": ["city_wide"],
            "sdgs": [4],
            "requested_budget": 100,
            "planned_duration_months": 3,
        },
    )
    body = answer(created, 201)
    expected = {
        "id": body["id"],
        "programme_id": seeded["programme"],
        "call_id": seeded["call"],
        "language": "en",
        "title": "New idea",
        "summary": "A summary.",
        "need": "A need.",
        "proposer_type": "research",
        "organisation": {"id": seeded["aalto"], "name": "Aalto Research", "business_id": None},
        "service_area": "education",
        "city_centres": ["city_wide"],
        "sdgs": [4],
        "requested_budget": "100.00",
        "planned_duration_months": 3,
        "confidential_summary": False,
        "confidential_need": False,
        "status": "draft",
        "version": 1,
        "owner": person(people, "applicant"),
        "submitted_at": None,
        "created_at": STAMP,
        "updated_at": STAMP,
        "experiment": None,
    }
    assert body == expected
    path = f"/proposals/{body['id']}"
    assert created.headers["Location"].endswith("/api/v1" + path)

    edited = api.patch(
        path, "applicant", json={"version": 1, "summary": "", "confidential_need": True}
    )
    expected |= {"summary": None, "confidential_need": True, "version": 2}
    assert answer(edited) == expected

    incomplete = api.post(
        path + "/transitions", "applicant", json={"to": "submitted", "version": 2}
    )
    assert set(answer(incomplete, 409)["errors"]) == {"summary"}
    api.patch(path, "applicant", json={"version": 2, "summary": "Again."})
    moved = api.post(path + "/transitions", "applicant", json={"to": "submitted", "version": 3})
    expected |= {"summary": "Again.", "status": "submitted", "version": 4, "submitted_at": STAMP}
    assert answer(moved) == expected

    assert answer(api.get(path + "/history", "applicant")) == {
        "items": [
            {
                "from": "draft",
                "to": "submitted",
                "by": person(people, "applicant"),
                "at": STAMP,
                "reason": None,
            }
        ]
    }


def test_history_names_the_actor(api, people, seeded):
    assert answer(api.get(f"/proposals/{seeded['adopted']}/history", "staff")) == {
        "items": [
            {
                "from": "evaluation",
                "to": "adopted",
                "by": person(people, "manager"),
                "at": STAMP,
                "reason": "It works.",
            }
        ]
    }


def test_a_review(api, people, seeded):
    scores = {"need": 5, "benefit": 4, "reusability": 3, "feasibility": 2, "cost_effectiveness": 1}
    response = api.put(f"/proposals/{seeded['screened']}/review", "staff", json=scores)
    assert answer(response) == {
        "proposal_id": seeded["screened"],
        "reviewer": person(people, "staff"),
        **scores,
        "comment": "",
        "updated_at": STAMP,
    }
    again = api.put(
        f"/proposals/{seeded['screened']}/review", "staff", json=scores | {"comment": "Fine."}
    )
    assert answer(again)["comment"] == "Fine."


def test_an_experiments_records(api, people, seeded):
    path = f"/experiments/{seeded['decided']}"
    assert answer(api.get(path + "/partners", "staff")) == {
        "items": [
            {
                "id": 1,
                "role": "research",
                "organisation": {
                    "id": seeded["aalto"],
                    "name": "Aalto Research",
                    "type": "research",
                    "business_id": None,
                },
            }
        ]
    }
    assert answer(api.get(path + "/participation", "staff")) == {
        "items": [
            {"id": 1, "date": f"{YEAR - 1}-04-01", "category": "employees", "count": 12, "note": ""}
        ]
    }
    assert answer(api.get(path + "/expenses", "manager")) == {
        "items": [
            {"id": 1, "date": f"{YEAR - 1}-04-02", "amount": "99.90", "description": "Sensors"}
        ]
    }
    assert answer(api.get(path + "/risks", "staff")) == {
        "items": [
            {
                "id": 1,
                "description": "Ice",
                "probability": 2,
                "impact": 3,
                "mitigation": "",
                "status": "yellow",
            }
        ]
    }


def test_records_added_to_a_pilot(api, people, seeded):
    path = f"/experiments/{seeded['running']}"
    partner = api.post(
        path + "/partners",
        "staff",
        json={"organisation": {"name": "Koulu", "type": "education"}, "role": "education"},
    )
    body = answer(partner, 201)
    assert body == {
        "id": 2,
        "role": "education",
        "organisation": {
            "id": body["organisation"]["id"],
            "name": "Koulu",
            "type": "education",
            "business_id": None,
        },
    }
    known = api.post(
        path + "/partners", "staff", json={"organisation_id": seeded["robotics"], "role": "lead"}
    )
    assert answer(known, 201) == {
        "id": 3,
        "role": "lead",
        "organisation": {
            "id": seeded["robotics"],
            "name": "Robotics Oy",
            "type": "company",
            "business_id": "1572860-0",
        },
    }
    day = f"{YEAR - 1}-11-05"
    counted = api.post(
        path + "/participation",
        "staff",
        json={"date": day, "category": "residents_customers", "count": 300},
    )
    assert answer(counted, 201) == {
        "id": 2,
        "date": day,
        "category": "residents_customers",
        "count": 300,
        "note": "",
    }
    noted = api.post(
        path + "/participation",
        "staff",
        json={"date": day, "category": "employees", "count": 3, "note": "Workshop"},
    )
    assert answer(noted, 201)["note"] == "Workshop"
    spent = api.post(
        path + "/expenses",
        "staff",
        json={"date": day, "amount": "1234.5", "description": "Robot rental"},
    )
    assert answer(spent, 201) == {
        "id": 2,
        "date": day,
        "amount": "1234.50",
        "description": "Robot rental",
    }
    risk = api.post(
        path + "/risks",
        "staff",
        json={"description": "Snow", "probability": 4, "impact": 1, "status": "red"},
    )
    assert answer(risk, 201) == {
        "id": 2,
        "description": "Snow",
        "probability": 4,
        "impact": 1,
        "mitigation": "",
        "status": "red",
    }
    evaluation = api.put(
        path + "/evaluation",
        "staff",
        json={
            "got_users": False,
            "part_of_services": False,
            "research_value": True,
            "research_link": "https://example.org/study",
            "recommendation": "extend",
        },
    )
    assert answer(evaluation) == {
        "experiment_id": seeded["running"],
        "got_users": False,
        "users_count": None,
        "part_of_services": False,
        "benefits_city": "",
        "benefits_customers": "",
        "research_value": True,
        "research_link": "https://example.org/study",
        "findings": "",
        "recommendation": "extend",
        "updated_at": STAMP,
    }
    with_texts = api.put(
        path + "/evaluation",
        "manager",
        json={
            "got_users": True,
            "users_count": 40,
            "part_of_services": True,
            "benefits_city": "Cleaner streets.",
            "benefits_customers": "Safer walks.",
            "research_value": False,
            "findings": "Works.",
            "recommendation": "adopt",
        },
    )
    assert answer(with_texts) == {
        "experiment_id": seeded["running"],
        "got_users": True,
        "users_count": 40,
        "part_of_services": True,
        "benefits_city": "Cleaner streets.",
        "benefits_customers": "Safer walks.",
        "research_value": False,
        "research_link": "",
        "findings": "Works.",
        "recommendation": "adopt",
        "updated_at": STAMP,
    }


def public_documents(ids) -> list[dict]:
    """The seeded experiments as open data, newest pilot first: organisations, never people,
    and no section the applicant marked a business secret."""
    programme = {"id": ids["programme"], "name": "Digital Agenda", "language": "en"}
    call = {"id": ids["call"], "title": "Smart city", "language": "sv"}
    no_one = {"residents_customers": 0, "companies_communities": 0, "employees": 0}
    return [
        {
            "id": ids["running"],
            "language": "fi",
            "title": "Running pilot",
            "summary": "Running pilot: the summary.",
            "need": "Running pilot: the need.",
            "status": "pilot",
            "programme": programme,
            "call": call,
            "proposer_type": "resident",
            "organisation": None,
            "service_area": "mobility",
            "city_centres": ["leppavaara", "tapiola"],
            "sdgs": [9, 11],
            "allocated_budget": "8000.00",
            "start_date": f"{YEAR - 1}-10-01",
            "planned_end_date": f"{YEAR - 1}-12-31",
            "actual_end_date": None,
            "city_unit": "",
            "partners": [],
            "participants": no_one,
            "outcome": None,
            "lessons_learned": None,
            "outcome_language": "en",
            "evaluation": None,
            "attachments": [],
        },
        {
            "id": ids["decided"],
            "language": "fi",
            "title": "Adopted service",
            "summary": "",
            "need": "Adopted service: the need.",
            "status": "adopted",
            "programme": programme,
            "call": call,
            "proposer_type": "company",
            "organisation": {"name": "Robotics Oy", "type": "company", "business_id": "1572860-0"},
            "service_area": "mobility",
            "city_centres": ["leppavaara", "tapiola"],
            "sdgs": [9, 11],
            "allocated_budget": "12500.50",
            "start_date": f"{YEAR - 1}-03-01",
            "planned_end_date": f"{YEAR - 1}-09-01",
            "actual_end_date": f"{YEAR - 1}-08-20",
            "city_unit": "Mobility unit",
            "partners": [
                {
                    "name": "Aalto Research",
                    "type": "research",
                    "business_id": None,
                    "role": "research",
                }
            ],
            "participants": no_one | {"employees": 12},
            "outcome": "Adopt it city-wide.",
            "lessons_learned": "Start small.",
            "outcome_language": "sv",
            "evaluation": {
                "language": "fi",
                "got_users": True,
                "users_count": 120,
                "part_of_services": True,
                "benefits_city": "Fewer falls.",
                "benefits_customers": "",
                "research_value": False,
                "research_link": None,
                "findings": "Works on flat streets.",
                "recommendation": "adopt",
            },
            "attachments": [],
        },
    ]


def test_public_experiments(client, seeded):
    response = client.get("/api/v1/public/experiments")
    assert answer(response) == {
        "items": public_documents(seeded),
        "page": 1,
        "per_page": 20,
        "total": 2,
    }
    licence = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert response.headers["Link"] == licence


def test_the_open_data_file_holds_the_same_documents(client, seeded):
    response = client.get("/experiments/open-data.json")
    assert answer(response) == {
        "licence": "CC-BY-4.0",
        "licence_name": "Creative Commons Attribution 4.0 International",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "items": public_documents(seeded),  # by id, here also newest pilot first
    }
