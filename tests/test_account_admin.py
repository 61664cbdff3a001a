"""Accounts: a confirmed address signs the person in, then home; the admin's user page tells
organisation, last sign-in, proposals, password and the history of role and access changes."""

import re

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import AccountChange, Organisation, User
from experiments.vocabulary import OrganisationType
from tests import builders


def _register(client, outbox, email="new@test.example"):
    client.post(
        "/register",
        data={
            "name": "Nea Uusi",
            "email": email,
            "password": "river otter violin",
            "confirm": "river otter violin",
            "proposer_type": "resident",
            "organisation_name": "",
            "locale": "en",
        },
    )
    found = re.search(r"https?://[^/\s]+(/register/confirm/\S+)", outbox[-1].body)
    return found.group(1)


def test_confirming_the_address_signs_in_and_lands_on_the_home(app, client, outbox):
    link = _register(client, outbox)
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "Your proposals" in home.text
    assert "Your e-mail address is confirmed." in home.text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@test.example"))
        assert user.email_confirmed_at is not None
        assert user.last_sign_in_at is not None


def test_a_confirmation_link_used_again_signs_in_no_one(app, client, outbox):
    link = _register(client, outbox)
    client.get(link)
    elsewhere = app.test_client()
    response = elsewhere.get(link)
    assert response.headers["Location"] == "/login"
    login = elsewhere.get("/login")
    assert 'value="new@test.example"' in login.text
    assert elsewhere.get("/proposals/mine").status_code == 302  # not signed in
    # The address is filled in once, not on every later visit.
    assert 'value="new@test.example"' not in elsewhere.get("/login").text


def test_a_bad_confirmation_link_signs_in_no_one(client, outbox):
    _register(client, outbox)
    response = client.get("/register/confirm/not-a-token")
    assert response.headers["Location"] == "/login"
    assert client.get("/proposals/mine").status_code == 302


def test_signing_in_is_recorded_and_shown_to_the_admin(app, client, auth, people):
    auth.login("applicant")
    auth.logout()
    auth.login("admin")
    page = client.get(f"/admin/users/{people['applicant']}").text
    assert "Last sign-in" in page
    assert "No sign-in recorded" not in page
    page = client.get(f"/admin/users/{people['staff']}").text
    assert "No sign-in recorded" in page


def test_the_user_page_tells_organisation_proposals_and_password(
    app, client, auth, people, programme
):
    with app.app_context():
        user = db.session.get(User, people["applicant"])
        user.organisation = Organisation(name="Robotics Oy", type=OrganisationType.COMPANY)
        db.session.commit()
        builders.make_proposal(people["applicant"], programme, title="Robot librarian")
        builders.make_proposal(people["applicant"], programme, Status.SUBMITTED, title="Snow")
    auth.login("admin")
    page = client.get(f"/admin/users/{people['applicant']}").text
    assert "Robotics Oy" in page
    link = f'href="/admin/users/{people["applicant"]}/proposals"'
    assert link in page and "2 proposals" in page
    assert "No usable password" not in page

    listing = client.get(f"/admin/users/{people['applicant']}/proposals").text
    assert "Robot librarian" in listing and "Snow" in listing and "Submitted" in listing
    assert "Pavements ice over" not in listing  # the content stays with applicant and staff


def test_an_account_without_a_usable_password_is_shown_as_such(app, client, auth, people):
    with app.app_context():
        db.session.get(User, people["other"]).password_hash = "!gone"
        db.session.commit()
    auth.login("admin")
    page = client.get(f"/admin/users/{people['other']}").text
    assert "No usable password" in page
    listing = client.get("/admin/users").text
    row = re.search(r"other@test\.example.*?</tr>", listing, re.S).group(0)
    assert "No usable password" in row
    row = re.search(r"applicant@test\.example.*?</tr>", listing, re.S).group(0)
    assert "No usable password" not in row


def test_changes_of_role_and_access_are_recorded_and_listed(app, client, auth, people):
    auth.login("admin")
    client.post(f"/admin/users/{people['staff']}", data={"role": "manager", "active": "y"})
    client.post(f"/admin/users/{people['staff']}", data={"role": "manager"})  # access off
    client.post(f"/admin/users/{people['staff']}", data={"role": "manager"})  # no change
    with app.app_context():
        changes = db.session.scalars(select(AccountChange).order_by(AccountChange.id)).all()
        assert [
            (c.old_role, c.new_role, c.old_active, c.new_active, c.actor_id) for c in changes
        ] == [
            ("staff", "manager", True, True, people["admin"]),
            ("manager", "manager", True, False, people["admin"]),
        ]
    page = client.get(f"/admin/users/{people['staff']}").text
    history = page[page.index('id="changes-title"') :]
    assert "role City staff → Programme manager" in history
    assert "may no longer sign in" in history
    assert history.index("may no longer sign in") < history.index("role City staff")
    assert "by Admin" in history
    assert f'href="/admin/users/{people["staff"]}"' not in history  # the page is its own


@pytest.mark.parametrize("who", ["applicant", "staff", "manager"])
def test_only_admins_list_an_accounts_proposals(client, auth, people, who):
    auth.login(who)
    assert client.get(f"/admin/users/{people['applicant']}/proposals").status_code == 403
