"""Administrators manage users and roles, and nothing else."""

import pytest

from experiments.extensions import db
from experiments.models import User


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
