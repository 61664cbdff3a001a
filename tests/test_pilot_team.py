"""Co-workers: the pilot's owner adds people of their own organisation, who then see the pilot
and send its reports as the owner does, until removed."""

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.models import MailMessage, Organisation, TeamMember, User
from experiments.vocabulary import OrganisationType
from tests import builders
from tests.pilot_support import count, login, make_pilot
from tests.test_pilot_reports import _form


@pytest.fixture
def pilot(app, people, programme):
    _, eid = make_pilot(app, people["applicant"], programme)
    with app.app_context():
        organisation = Organisation(name="Robotics Oy", type=OrganisationType.COMPANY)
        db.session.add(organisation)
        db.session.flush()
        db.session.get(User, people["applicant"]).organisation_id = organisation.id
        builders.make_user(email="coworker@test.example", name="Co Worker", locale="sv")
        db.session.scalar(
            select(User).where(User.email == "coworker@test.example")
        ).organisation_id = organisation.id
        builders.commit()
    return eid


def _invite(client, eid, email="coworker@test.example"):
    return client.post(f"/pilots/{eid}/team", data={"team-email": email})


def test_a_co_worker_is_added_sees_the_pilot_and_reports_until_removed(app, client, auth, pilot):
    eid = pilot
    login(auth, client, "applicant")
    assert _invite(client, eid).status_code == 303
    assert "Co Worker" in client.get(f"/pilots/{eid}").text
    with app.app_context():
        mail = db.session.scalars(
            select(MailMessage).where(MailMessage.kind == "team_invited")
        ).one()
        assert mail.recipient == "coworker@test.example" and "teamet" in mail.subject
    login(auth, client, "coworker")
    page = client.get(f"/pilots/{eid}")
    assert page.status_code == 200 and "Add a co-worker" not in page.text
    assert client.post(f"/pilots/{eid}/reports", data=_form(app, eid)).status_code == 303
    # A co-worker does not add or remove others.
    assert _invite(client, eid, "other@test.example").status_code in (403, 422)
    login(auth, client, "applicant")
    with app.app_context():
        member_id = db.session.scalar(select(TeamMember.id))
    assert client.post(f"/pilots/{eid}/team/{member_id}/remove").status_code == 303
    assert count(app, TeamMember) == 0
    login(auth, client, "coworker")
    assert client.get(f"/pilots/{eid}").status_code == 404


def test_only_people_of_the_owners_organisation_are_added(app, client, auth, pilot):
    eid = pilot
    login(auth, client, "applicant")
    refused = _invite(client, eid, "other@test.example")
    assert refused.status_code == 422
    assert "No one of your organisation has an account with this address." in refused.text
    assert _invite(client, eid, "nobody@test.example").status_code == 422
    assert _invite(client, eid, "staff@test.example").status_code == 422
    assert _invite(client, eid).status_code == 303
    assert "in the team already" in _invite(client, eid).text
    assert count(app, TeamMember) == 1


def test_the_api_lets_a_co_worker_file_reports(app, client, auth, api, pilot):
    eid = pilot
    login(auth, client, "applicant")
    _invite(client, eid)
    with app.app_context():
        api.people["coworker"] = db.session.scalar(
            select(User.id).where(User.email == "coworker@test.example")
        )
    assert api.get(f"/experiments/{eid}/reports", "coworker").status_code == 200
    assert api.get(f"/experiments/{eid}/reports", "other").status_code == 404


def test_staff_see_the_team_on_the_experiment_page(app, client, auth, pilot):
    eid = pilot
    login(auth, client, "applicant")
    _invite(client, eid)
    login(auth, client, "staff")
    page = client.get(f"/pilots/{eid}").text
    assert "Applicant (owner), Co Worker" in page
