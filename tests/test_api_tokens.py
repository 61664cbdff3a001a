"""API tokens: issued for a password, stored as a hash, expiring, revocable, throttled."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from experiments import create_app
from experiments.extensions import db
from experiments.models import ApiToken
from experiments.models.types import utcnow
from tests import builders


def _issue(client, who="applicant", password=builders.PASSWORD, **kwargs):
    return client.post(
        "/api/v1/tokens", json={"email": f"{who}@test.example", "password": password}, **kwargs
    )


def test_token_is_random_stored_as_hash_and_tells_who(app, client, people):
    response = _issue(client, "staff")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    raw = body["token"]
    assert len(raw) >= 40
    assert _issue(client, "staff").get_json()["token"] != raw

    with app.app_context():
        rows = db.session.scalars(select(ApiToken)).all()
        assert raw not in {r.token_hash for r in rows}
        assert hashlib.sha256(raw.encode()).hexdigest() in {r.token_hash for r in rows}
        lifetime = app.config["API_TOKEN_LIFETIME"]
        assert all(
            abs(r.expires_at - (r.created_at + lifetime)) < timedelta(seconds=5) for r in rows
        )

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.get_json() == {
        "id": people["staff"],
        "name": "Staff",
        "email": "staff@test.example",
        "role": "staff",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"email": "applicant@test.example", "password": "wrong password!"},
        {"email": "nobody@test.example", "password": builders.PASSWORD},
    ],
)
def test_wrong_credentials_are_401_problems(client, people, body):
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "a@b.example"},
        {"password": "x"},
        {"email": 5, "password": "x"},
        {"email": "a@b.example", "password": "x", "role": "admin"},
    ],
)
def test_token_request_must_have_exactly_email_and_password(client, people, body):
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_deactivated_user_gets_no_token_and_loses_old_ones(app, client, people):
    raw = _issue(client).get_json()["token"]
    with app.app_context():
        from experiments.models import User

        db.session.get(User, people["applicant"]).active = False
        db.session.commit()
    assert _issue(client).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer nonsense", "Basic YTpi", "Bearer " + "x" * 500]
)
def test_missing_or_bad_token_is_401(client, people, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_401(app, client, people):
    raw = _issue(client).get_json()["token"]
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_revoking_the_current_token(client, people):
    raw = _issue(client).get_json()["token"]
    other = _issue(client).get_json()["token"]
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    assert client.delete("/api/v1/tokens/current", headers=auth).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_session_cookie_is_not_accepted(client, auth, programme):
    auth.login("applicant")
    assert client.get("/api/v1/me").status_code == 401
    response = client.post("/api/v1/proposals", json={"title": "Via the cookie"})
    assert response.status_code == 401


def test_api_needs_no_csrf_token_but_pages_still_do(tmp_path):
    app = create_app("testing", WTF_CSRF_ENABLED=True, MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        db.create_all()
        builders.make_user(email="applicant@test.example")
    client = app.test_client()
    assert _issue(client).status_code == 201
    assert (
        client.post(
            "/login", data={"email": "applicant@test.example", "password": builders.PASSWORD}
        ).status_code
        == 400
    )


def _throttled_app(tmp_path):
    app = create_app("testing", RATELIMIT_ENABLED=True, MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        db.create_all()
        builders.make_user(email="applicant@test.example")
    return app


def test_repeated_failures_from_one_address_are_throttled(tmp_path):
    client = _throttled_app(tmp_path).test_client()
    statuses = [
        client.post(
            "/api/v1/tokens", json={"email": f"x{n}@test.example", "password": "nope"}
        ).status_code
        for n in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    response = _issue(client)  # even the right password waits now
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert "Retry-After" in response.headers


def test_failures_for_one_account_slow_the_failing_addresses_not_its_owner(tmp_path):
    client = _throttled_app(tmp_path).test_client()
    statuses = [
        _issue(client, password="nope", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
        for n in range(20)
    ]
    assert statuses == [401] * 20  # the account is now under attack
    # An address that keeps failing for it waits, even with the right password…
    statuses = [
        _issue(client, password="nope", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code
        for n in range(2)
    ]
    assert statuses == [401, 401]
    waiting = _issue(client, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert waiting.status_code == 429 and "Retry-After" in waiting.headers
    # …while the owner, from an address that has not been failing, gets a token.
    assert _issue(client, environ_base={"REMOTE_ADDR": "10.0.1.1"}).status_code == 201
    other = client.post(
        "/api/v1/tokens",
        json={"email": "other@test.example", "password": "x"},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert other.status_code == 401


def test_successes_are_not_throttled(tmp_path):
    client = _throttled_app(tmp_path).test_client()
    assert all(_issue(client).status_code == 201 for _ in range(12))


def test_two_step_accounts_need_their_one_time_code(app, client, people):
    import pyotp

    from experiments.models import User
    from experiments.secrets_at_rest import seal
    from experiments.security import new_totp_secret

    secret = new_totp_secret()
    with app.app_context():
        user = db.session.get(User, people["staff"])
        user.totp_secret = seal(secret)
        user.totp_enabled_at = utcnow()
        db.session.commit()
    body = {"email": "staff@test.example", "password": builders.PASSWORD}
    assert client.post("/api/v1/tokens", json=body).status_code == 401
    assert client.post("/api/v1/tokens", json={**body, "code": "000000"}).status_code == 401
    response = client.post("/api/v1/tokens", json={**body, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 201


def test_privileged_roles_without_a_second_factor_get_no_token_when_required(tmp_path):
    app = create_app("testing", REQUIRE_TOTP=True, MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        db.create_all()
        builders.make_user("manager", email="manager@test.example")
        builders.make_user(email="applicant@test.example")
    client = app.test_client()
    assert _issue(client, "manager").status_code == 401
    assert _issue(client, "applicant").status_code == 201


def test_a_password_change_ends_older_tokens(app, client, people):
    raw = _issue(client).get_json()["token"]
    with app.app_context():
        from experiments.models import User

        db.session.get(User, people["applicant"]).password_changed_at = utcnow()
        db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    fresh = _issue(client).get_json()["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
