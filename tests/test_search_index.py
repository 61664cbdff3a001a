"""The search index stays in step with what people write, and never tells secrets: edits,
moves, evaluations, account deletion, the demo's loading; `flask search reindex`."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, Proposal
from tests import builders


def staff_finds(api, q):
    response = api.get("/proposals", "staff", query_string={"q": q, "status": list(Status)})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.get_json()["items"]]


def public_finds(api, q):
    response = api.get("/public/experiments", query_string={"q": q})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.get_json()["items"]]


def catalogue_page(client, q):
    response = client.get("/experiments", query_string={"q": q})
    assert response.status_code == 200
    return response.text


def index_contents():
    """Every document of the index, comparable whichever the database."""
    if db.engine.dialect.name == "postgresql":
        statement = (
            "SELECT proposal_id, public_vector::text, full_vector::text "
            "FROM search_document ORDER BY proposal_id"
        )
    else:
        statement = "SELECT rowid, * FROM search_document ORDER BY rowid"
    return [tuple(row) for row in db.session.execute(text(statement))]


@pytest.fixture
def secret_pilot(app, people, programme):
    """A pilot whose summary is a business secret; (proposal id, experiment id)."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.PILOT,
            title="Kirjastorobotti",
            summary="Robotti käyttää salaista Hiljaisuusalgoritmia.",
            need="Lainaajat jonottavat kirjastoissa.",
            confidential_summary=True,
            language="fi",
        )
        experiment_id = db.session.scalar(
            select(Experiment.id).where(Experiment.proposal_id == proposal_id)
        )
        return proposal_id, experiment_id


def test_business_secrets_are_found_by_staff_only(client, api, secret_pilot):
    proposal_id, experiment_id = secret_pilot
    assert staff_finds(api, "hiljaisuusalgoritmi") == [proposal_id]
    assert public_finds(api, "hiljaisuusalgoritmi") == []
    assert "Kirjastorobotti" not in catalogue_page(client, "hiljaisuusalgoritmi")
    # What is public is found publicly.
    assert public_finds(api, "kirjastorobotti lainaajat") == [experiment_id]
    assert "Kirjastorobotti" in catalogue_page(client, "kirjastot")


def test_the_owners_name_is_found_by_staff_only(app, api, people, programme):
    with app.app_context():
        owner = builders.make_user(name="Aino Lahtinen-Virtanen")
        proposal_id = builders.make_proposal(owner, programme, status=Status.PILOT)
    assert staff_finds(api, "lahtinen virtanen") == [proposal_id]
    assert public_finds(api, "lahtinen") == []


def test_an_edit_is_searchable_at_once(api, app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, title="Old words")
        version = db.session.get(Proposal, proposal_id).version
    response = api.patch(
        f"/proposals/{proposal_id}",
        "applicant",
        json={"version": version, "title": "Lumenkaatopaikan lämpö talteen", "language": "fi"},
    )
    assert response.status_code == 200, response.text
    assert staff_finds(api, "lumenkaatopaikat") == [proposal_id]
    assert staff_finds(api, "old words") == []


def test_a_proposal_reaching_pilot_becomes_publicly_searchable(api, app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Uimahallin aurinkokatto"
        )
        version = db.session.get(Proposal, proposal_id).version
    assert public_finds(api, "aurinkokatto") == []
    start = date.today()
    response = api.post(
        f"/proposals/{proposal_id}/transitions",
        "manager",
        json={
            "to": "pilot",
            "version": version,
            "allocated_budget": "5000.00",
            "start_date": start.isoformat(),
            "planned_end_date": (start + timedelta(days=90)).isoformat(),
            "owner_id": people["staff"],
        },
    )
    assert response.status_code == 200, response.text
    experiment_id = response.get_json()["experiment"]["id"]
    assert public_finds(api, "aurinkokatto") == [experiment_id]


def test_evaluation_findings_are_searchable(api, app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.EVALUATION
        )
        experiment_id = db.session.scalar(
            select(Experiment.id).where(Experiment.proposal_id == proposal_id)
        )
    body = {
        "got_users": True,
        "users_count": 40,
        "part_of_services": False,
        "research_value": False,
        "findings": "Seniors preferred the paper timetable.",
        "recommendation": "discontinue",
    }
    response = api.put(f"/experiments/{experiment_id}/evaluation", "staff", json=body)
    assert response.status_code == 200, response.text
    assert public_finds(api, "timetables senior") == [experiment_id]
    body["findings"] = "Nothing else to say."
    response = api.put(f"/experiments/{experiment_id}/evaluation", "staff", json=body)
    assert response.status_code == 200, response.text
    assert public_finds(api, "timetables") == []


def test_a_deleted_account_is_not_found_by_its_old_name(app, client, auth, api, programme):
    with app.app_context():
        owner = builders.make_user(email="leaving@test.example", name="Ilmari Kuusisto")
        proposal_id = builders.make_proposal(owner, programme, status=Status.SUBMITTED)
    assert staff_finds(api, "kuusisto") == [proposal_id]
    auth.login("leaving")
    response = client.post(
        "/account/delete", data={"password": builders.PASSWORD, "understood": "y"}
    )
    assert response.status_code == 302
    assert staff_finds(api, "kuusisto") == []
    assert staff_finds(api, "deleted user") == []


def test_a_rebuilt_index_is_the_incremental_one(app, api, people, programme, secret_pilot):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, title="Läsecirklar", language="sv")
        adopted = builders.make_proposal(people["other"], programme, status=Status.ADOPTED)
        builders.make_evaluation(adopted, people["staff"])
        experiment = db.session.scalar(select(Experiment).where(Experiment.proposal_id == adopted))
        experiment.lessons_learned = "Start with one library."
        builders.commit()
        incremental = index_contents()
        assert len(incremental) == 3
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 3 proposals." in result.output
    with app.app_context():
        assert index_contents() == incremental


def test_the_demo_is_indexed_as_it_loads(app, people):
    from experiments.demo.storyline import load_demo
    from experiments.search import reindex

    with app.app_context():
        load_demo()
        loaded = index_contents()
        assert len(loaded) == db.session.scalar(select(db.func.count(Proposal.id)))
        reindex()
        assert index_contents() == loaded
        db.session.rollback()
