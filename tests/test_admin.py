"""Administrators manage users and roles, and nothing else."""

import re

import pytest

from experiments.extensions import db
from experiments.models import User
from experiments.models.types import utcnow


@pytest.mark.parametrize(
    "who,expected",
    [
        ("applicant", 403),
        ("staff", 403),
        ("manager", 403),
        ("admin", 200),
    ],
)
def test_user_list_is_for_admins(client, auth, who, expected):
    auth.login(who)
    assert client.get("/admin/users").status_code == expected


def test_anonymous_is_sent_to_login(client, people):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_admin_finds_and_promotes_a_user(app, client, auth, people):
    auth.login("admin")
    listing = client.get("/admin/users?q=staff")
    assert "staff@test.example" in listing.text
    assert "applicant@test.example" not in listing.text

    response = client.post(
        f"/admin/users/{people['staff']}", data={"role": "manager", "active": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, people["staff"]).role == "manager"


def test_role_change_ends_the_users_sessions(app, people):
    staff_client = app.test_client()
    staff_client.post(
        "/login", data={"email": "staff@test.example", "password": "correct horse battery"}
    )
    assert staff_client.get("/screening").status_code == 200
    admin_client = app.test_client()
    admin_client.post(
        "/login", data={"email": "admin@test.example", "password": "correct horse battery"}
    )
    admin_client.post(f"/admin/users/{people['staff']}", data={"role": "applicant"})
    assert staff_client.get("/screening").status_code == 302  # signed out, to login


def test_last_admin_cannot_demote_themself(app, client, auth, people):
    auth.login("admin")
    response = client.post(f"/admin/users/{people['admin']}", data={"role": "staff", "active": "y"})
    assert response.status_code == 422
    assert "last active administrator" in response.text
    with app.app_context():
        assert db.session.get(User, people["admin"]).role == "admin"


def test_unknown_role_is_refused(app, client, auth, people):
    auth.login("admin")
    response = client.post(f"/admin/users/{people['staff']}", data={"role": "overlord"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, people["staff"]).role == "staff"


def test_missing_user_is_404(client, auth):
    auth.login("admin")
    assert client.get("/admin/users/999999").status_code == 404


def test_a_promotion_to_staff_mails_the_link_that_sets_up_the_second_factor(
    app, client, auth, people, outbox
):
    auth.login("admin")
    client.post(f"/admin/users/{people['applicant']}", data={"role": "staff", "active": "y"})
    assert [message.to for message in outbox] == [["applicant@test.example"]]
    assert outbox[0].subject == "Set up two-step sign-in for Kokeilu"
    assert "City staff" in outbox[0].body and "within 72 hours" in outbox[0].body
    link = re.search(r"https?://[^/\s]+(/login/enrol/\S+)", outbox[0].body).group(1)
    app.config["REQUIRE_TOTP"] = True
    assert app.test_client().get(link).status_code == 200
    app.config["REQUIRE_TOTP"] = False

    # A move between staff roles, or of someone who has a second factor, sends nothing.
    client.post(f"/admin/users/{people['staff']}", data={"role": "manager", "active": "y"})
    with app.app_context():
        db.session.get(User, people["other"]).totp_enabled_at = utcnow()
        db.session.commit()
    client.post(f"/admin/users/{people['other']}", data={"role": "staff", "active": "y"})
    assert len(outbox) == 1


def test_an_admin_sends_a_new_enrolment_link_from_the_users_page(app, client, auth, people, outbox):
    auth.login("admin")
    page = client.get(f"/admin/users/{people['staff']}")
    assert "Not set up yet" in page.text and "Send a new enrolment link" in page.text
    response = client.post(f"/admin/users/{people['staff']}/enrolment-link")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{people['staff']}"
    assert (
        "A new enrolment link was sent to staff@test.example."
        in client.get(response.headers["Location"]).text
    )
    assert [message.to for message in outbox] == [["staff@test.example"]]

    # Applicants turn two-step sign-in on themselves, at My account.
    assert "Send a new enrolment link" not in client.get(f"/admin/users/{people['applicant']}").text
    response = client.post(f"/admin/users/{people['applicant']}/enrolment-link")
    assert (
        "Only an active staff, manager or administrator account"
        in client.get(response.headers["Location"]).text
    )
    assert len(outbox) == 1


@pytest.mark.parametrize("who", ["applicant", "staff", "manager"])
def test_only_admins_send_enrolment_links(client, auth, people, outbox, who):
    auth.login(who)
    assert client.post(f"/admin/users/{people['staff']}/enrolment-link").status_code == 403
    assert outbox == []
