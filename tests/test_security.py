"""Security headers, cookies, production settings, and the second factor (TOTP)."""

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from cryptography.fernet import Fernet
from limits.storage import RedisStorage
from sqlalchemy import select

from experiments import create_app
from experiments.errors import NotAllowed
from experiments.extensions import db, limiter
from experiments.lifecycle import Role
from experiments.models import User
from experiments.secrets_at_rest import seal, unseal
from experiments.security import CONTENT_SECURITY_POLICY, new_totp_secret
from experiments.services import second_factor
from tests import builders
from tests.conftest import TEST_DATABASE_URL, _close, _fresh_database

TEMPLATES = Path(__file__).parent.parent / "templates"


def test_pages_carry_the_security_headers(client, programme):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "style-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # development is plain HTTP


def test_signed_in_pages_are_not_cached(client, auth):
    auth.login("applicant")
    assert client.get("/proposals/mine").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_templates_have_no_inline_script_or_style(path):
    text = (TEMPLATES / path).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I), "inline <script>"
    assert not re.search(r"<style\b", text, re.I), "inline <style>"
    assert not re.search(r"\sstyle\s*=", text, re.I), "style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), "event handler attribute"
    assert "javascript:" not in text.lower()


def test_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.login("applicant")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development runs on plain HTTP


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The app with the production settings (as gunicorn would start it), on the test database."""
    monkeypatch.setenv("KOKEILU_CONFIG", "production")
    monkeypatch.setenv("DATABASE_URL", TEST_DATABASE_URL)
    monkeypatch.setenv("SECRET_KEY", "a-test-secret-that-is-long-enough-0123456789")
    monkeypatch.setenv("MAIL_BACKEND", "locmem")
    app = create_app(MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        _fresh_database(app.config["SQLALCHEMY_DATABASE_URI"])
        builders.make_user(email="applicant@test.example")
    yield app
    _close(app)


def _csrf_token(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def test_production_cookies_are_secure_and_host_only(production):
    client = production.test_client()
    site = "https://kokeilu.example"
    token = _csrf_token(client.get("/login", base_url=site))
    response = client.post(
        "/login",
        base_url=site,
        headers={"Referer": site + "/login"},
        data={
            "email": "applicant@test.example",
            "password": builders.PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_requires_totp_and_csrf(production):
    assert production.config["REQUIRE_TOTP"] is True
    assert production.config.get("WTF_CSRF_ENABLED", True) is True
    client = production.test_client()
    response = client.post(
        "/login",
        base_url="https://kokeilu.example",
        data={"email": "applicant@test.example", "password": builders.PASSWORD},
    )
    assert response.status_code == 400  # no CSRF token


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    monkeypatch.setenv("DATABASE_URL", "postgresql://kokeilu@db.example/kokeilu")
    monkeypatch.setenv("SECRET_KEY", "a-test-secret")
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match="DATABASE_URL and SECRET_KEY"):
        create_app("production")


# Development signs sessions with a random key of its own, never a published one.

PUBLISHED_KEY = "dev-only-not-secret"  # what development used to sign sessions with


def _development(monkeypatch, instance):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return create_app(
        "development",
        instance_path=str(instance),
        SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL,
        MAIL_FILE_PATH=str(instance / "outbox"),
    )


def test_development_makes_a_random_session_key_once_and_keeps_it(monkeypatch, tmp_path, caplog):
    first = _development(monkeypatch, tmp_path / "instance")
    key = first.config["SECRET_KEY"]
    stored = tmp_path / "instance" / "secret_key"
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o777 == 0o600
    said = [r.getMessage() for r in caplog.records if "SECRET_KEY" in r.getMessage()]
    assert len(said) == 1 and str(stored) in said[0]

    caplog.clear()
    assert _development(monkeypatch, tmp_path / "instance").config["SECRET_KEY"] == key
    assert not [r for r in caplog.records if "SECRET_KEY" in r.getMessage()]
    assert _development(monkeypatch, tmp_path / "other").config["SECRET_KEY"] != key


def test_a_session_forged_with_a_published_key_opens_no_account(monkeypatch, tmp_path):
    app = _development(monkeypatch, tmp_path / "instance")
    with app.app_context():
        _fresh_database(app.config["SQLALCHEMY_DATABASE_URI"])
        admin = db.session.get(User, builders.make_user(Role.ADMIN)).get_id()

    def signed_in_with(secret: str):
        client = app.test_client()
        signer = app.session_interface.get_signing_serializer(app)
        signer.secret_keys = [secret.encode()]
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], signer.dumps({"_user_id": admin}))
        return client.get("/admin/users")

    try:
        assert signed_in_with(app.config["SECRET_KEY"]).status_code == 200  # the forging works
        forged = signed_in_with(PUBLISHED_KEY)
        assert forged.status_code == 302 and forged.headers["Location"].startswith("/login")
    finally:
        _close(app)


def test_workers_starting_at_once_end_with_the_same_key(tmp_path):
    from experiments.security import instance_secret_key

    for attempt in range(10):
        folder = str(tmp_path / str(attempt))
        start = threading.Barrier(6)

        def worker(folder=folder, start=start):
            start.wait()
            return instance_secret_key(folder)

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(lambda _: worker(), range(6)))
        assert len({key for key, _ in results}) == 1
        assert [made for _, made in results].count(True) == 1
        assert os.listdir(folder) == ["secret_key"]  # no drafts left behind


def test_testing_keeps_its_fixed_key_and_writes_no_key_file(tmp_path):
    app = create_app("testing", instance_path=str(tmp_path), MAIL_FILE_PATH=str(tmp_path))
    assert app.config["SECRET_KEY"] == "test-only-not-secret"
    assert not (tmp_path / "secret_key").exists()


def test_database_urls_use_psycopg_3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://kokeilu:pw@db.example:5432/kokeilu")
    app = create_app("development", instance_path=str(tmp_path))
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://kokeilu:pw@db.example:5432/kokeilu"
    )
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_rate_limit_storage_comes_from_the_environment(monkeypatch, tmp_path):
    # Several app servers share one counter store; connecting waits for the first request.
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6399/0")
    app = create_app("development", instance_path=str(tmp_path), RATELIMIT_ENABLED=True)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6399/0"
    with app.app_context():
        assert isinstance(limiter.storage, RedisStorage)


def test_a_bad_setting_in_the_environment_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("PROXY_FIX", "yes please")
    with pytest.raises(RuntimeError, match="PROXY_FIX"):
        create_app("development", instance_path=str(tmp_path))


def test_behind_a_proxy_links_use_the_forwarded_scheme_and_host(make_app, outbox):
    forwarded = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "kokeilu.example.fi",
        "X-Forwarded-For": "203.0.113.9",
    }
    for proxies, expected in ((0, "http://localhost/"), (1, "https://kokeilu.example.fi/")):
        app = make_app(PROXY_FIX=proxies)
        state = app.extensions["mailman"]
        state.outbox = []
        with app.app_context():
            builders.make_user(email="applicant@test.example")
        app.test_client().post(
            "/password/forgot", data={"email": "applicant@test.example"}, headers=forwarded
        )
        assert state.outbox[0].body.count(expected + "password/reset/") == 1


# The second factor.


def _code(secret: str, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset)


def _secret_on_page(text: str) -> str:
    return re.search(r"<code>([A-Z2-7]{32})</code>", text).group(1)


def _password(client, who):
    return client.post(
        "/login", data={"email": f"{who}@test.example", "password": builders.PASSWORD}
    )


def _enrolled(app, user_id: int) -> str:
    """Give the user a second factor directly; its secret."""
    secret = new_totp_secret()
    with app.app_context():
        user = db.session.get(User, user_id)
        user.totp_secret, user.totp_enabled_at = seal(secret), user.created_at
        db.session.commit()
    return secret


def _link(app, user_id: int) -> str:
    """A new enrolment link for the user, as an admin's page sends it (its path)."""
    with app.test_request_context():
        user = db.session.get(User, user_id)
        second_factor.prepare_enrolment(user)
        db.session.commit()
        return urlsplit(second_factor.enrolment_link(user)).path


def _enrol_by_link(client, link: str) -> str:
    """Set up the second factor through an enrolment link; the secret shown."""
    response = client.post(link, data={"password": builders.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    page = client.get("/login/code")
    secret = _secret_on_page(page.text)
    assert "otpauth://totp/" in page.text and 'src="data:image/svg+xml' in page.text
    assert client.post("/login/code", data={"code": _code(secret)}).status_code == 302
    return secret


def test_staff_without_a_second_factor_are_not_offered_one_at_sign_in(app, client, people):
    app.config["REQUIRE_TOTP"] = True
    response = _password(client, "staff")
    assert response.status_code == 422
    assert "Use the enrolment link we sent you by e-mail" in response.text
    assert client.get("/login/code").headers["Location"] == "/login"  # nothing pending
    assert client.get("/screening").status_code == 302  # not signed in
    assert _stored_secret(app, "staff@test.example") is None  # no key was made to show
    with app.app_context():  # nor can the password alone set one up through the service
        staff = db.session.get(User, people["staff"])
        secret = second_factor.start_totp(staff)
        with pytest.raises(NotAllowed):
            second_factor.confirm_totp(staff, _code(secret))
        with pytest.raises(NotAllowed):
            second_factor.confirm_totp(staff, _code(secret), "forged.enrolment.link")
        assert not staff.has_totp


def test_staff_set_up_the_second_factor_with_their_enrolment_link_once(app, client, people):
    app.config["REQUIRE_TOTP"] = True
    link = _link(app, people["staff"])
    page = client.get(link)
    assert page.status_code == 200 and "staff@test.example" in page.text
    wrong = client.post(link, data={"password": "not the password"})
    assert wrong.status_code == 422 and "Your password is wrong." in wrong.text
    response = client.post(link, data={"password": builders.PASSWORD})
    assert response.headers["Location"] == "/login/code"
    page = client.get("/login/code")
    secret = _secret_on_page(page.text)
    assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    response = client.post("/login/code", data={"code": _code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/screening").status_code == 200

    # The link is used up; from now on the code is asked for, and each code works once.
    client.post("/logout")
    used = client.get(link)
    assert used.status_code == 302 and used.headers["Location"] == "/login"
    assert "expired or was used already" in client.get("/login").text
    _password(client, "staff")
    page = client.get("/login/code")
    assert "otpauth://" not in page.text
    replay = client.post("/login/code", data={"code": _code(secret)})
    assert replay.status_code == 422
    assert client.post("/login/code", data={"code": _code(secret, 30)}).status_code == 302
    assert client.get("/screening").status_code == 200


def test_an_enrolment_link_expires_and_a_newer_one_replaces_it(app, client, people, frozen_clock):
    app.config["REQUIRE_TOTP"] = True
    first = _link(app, people["staff"])
    second = _link(app, people["staff"])
    assert client.get(first).headers["Location"] == "/login"  # replaced
    assert client.get(second).status_code == 200
    frozen_clock.shift(72 * 3600 + 1)
    assert client.get(second).headers["Location"] == "/login"  # expired
    # Given the password before it expired, the code step refuses to enrol after it.
    third = _link(app, people["staff"])
    assert client.post(third, data={"password": builders.PASSWORD}).status_code == 302
    app.config["TOTP_ENROLMENT_MAX_AGE"] = timedelta(seconds=-1)
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _stored_secret(app, "staff@test.example") is None


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_must_use_a_second_factor(app, client, people, who):
    app.config["REQUIRE_TOTP"] = True
    assert "enrolment link" in _password(client, who).text  # none yet
    _enrolled(app, people[who])
    assert _password(client, who).headers["Location"] == "/login/code"


def test_applicants_are_not_asked_for_a_code(app, client, people):
    app.config["REQUIRE_TOTP"] = True
    response = _password(client, "applicant")
    assert response.headers["Location"] == "/"
    assert client.get("/proposals/mine").status_code == 200


def test_the_code_step_expires(app, client, people):
    app.config["REQUIRE_TOTP"] = True
    _enrolled(app, people["staff"])
    _password(client, "staff")
    with client.session_transaction() as session:
        session["pending_login"] = session["pending_login"] | {"until": time.time() - 1}
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_the_code_page_without_a_password_first_sends_to_login(client, people):
    assert client.get("/login/code").headers["Location"] == "/login"


def test_anyone_may_turn_on_two_step_sign_in_from_their_account(app, client, auth):
    auth.login("applicant")
    page = client.get("/account/two-factor")
    secret = _secret_on_page(page.text)
    assert client.post("/account/two-factor", data={"code": "123"}).status_code == 422
    assert client.post("/account/two-factor", data={"code": _code(secret)}).status_code == 302
    assert client.get("/account/two-factor").status_code == 200  # still signed in here
    auth.logout()
    assert auth.login("applicant").headers["Location"] == "/login/code"
    assert client.post("/login/code", data={"code": _code(secret, 30)}).status_code == 302

    # Off again, with the password (an applicant's role does not require it).
    assert (
        client.post("/account/two-factor/off", data={"password": "wrong password"}).status_code
        == 422
    )
    assert (
        client.post("/account/two-factor/off", data={"password": builders.PASSWORD}).status_code
        == 302
    )
    auth.logout()
    assert auth.login("applicant").headers["Location"] == "/"


def test_verify_second_factor_for_api_tokens(app, people):
    """The check the API's token endpoint calls: verify_second_factor(user, code)."""
    with app.app_context():
        staff = db.session.get(User, people["staff"])
        applicant = db.session.get(User, people["applicant"])
        assert second_factor.verify_second_factor(staff, None)  # not required in development
        app.config["REQUIRE_TOTP"] = True
        assert not second_factor.verify_second_factor(staff, None)  # required, not enrolled
        assert not second_factor.verify_second_factor(staff, "123456")
        assert second_factor.verify_second_factor(applicant, None)
        secret = _enrolled(app, people["staff"])
        db.session.refresh(staff)
        assert not second_factor.verify_second_factor(staff, None)
        assert not second_factor.verify_second_factor(staff, "000000")
        assert second_factor.verify_second_factor(staff, _code(secret))
        assert not second_factor.verify_second_factor(staff, _code(secret))  # used up


def test_wrong_codes_in_a_row_end_the_sign_in_and_tell_the_owner(app, client, people, outbox):
    secret = _enrolled(app, people["staff"])
    with app.app_context():
        db.session.get(User, people["staff"]).locale = "sv"
        db.session.commit()
    _password(client, "staff")
    statuses = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(4)]
    assert statuses == [422] * 4 and outbox == []
    with client.session_transaction() as session:
        pending = dict(session["pending_login"])  # a copy of the sign-in, to replay

    fifth = client.post("/login/code", data={"code": "000000"})
    assert fifth.status_code == 302 and fifth.headers["Location"] == "/login"
    assert "Too many wrong codes" in client.get("/login").text
    # The owner hears of it, in their language.
    assert [message.to for message in outbox] == [["staff@test.example"]]
    assert outbox[0].subject == "Inloggningen i Kokeilu stoppades efter felaktiga koder"
    assert "/password/forgot" in outbox[0].body
    # The sign-in is over, even replayed: the right code no longer finishes it.
    assert client.get("/login/code").headers["Location"] == "/login"
    with client.session_transaction() as session:
        session["pending_login"] = pending
    replayed = client.post("/login/code", data={"code": _code(secret)})
    assert replayed.status_code == 302 and replayed.headers["Location"] == "/login"
    assert client.get("/screening").status_code == 302

    # From the password again, the right code signs in; the run of wrong codes starts over.
    _password(client, "staff")
    assert client.post("/login/code", data={"code": "000000"}).status_code == 422
    assert client.post("/login/code", data={"code": _code(secret)}).status_code == 302
    assert client.get("/screening").status_code == 200
    with app.app_context():
        assert db.session.get(User, people["staff"]).totp_failures == 0
    assert len(outbox) == 1


def test_codes_are_guessed_at_most_ten_times_an_hour_per_account(make_app, frozen_clock):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        staff = builders.make_user(Role.STAFF, email="staff@test.example")
    secret = _enrolled(app, staff)
    state = app.extensions["mailman"]
    state.outbox = []
    client = app.test_client()
    statuses = []
    for address in ("10.0.0.1", "10.0.0.2"):  # two runs of five, from two addresses
        client.post(
            "/login",
            data={"email": "staff@test.example", "password": builders.PASSWORD},
            environ_base={"REMOTE_ADDR": address},
        )
        statuses += [
            client.post(
                "/login/code", data={"code": "000000"}, environ_base={"REMOTE_ADDR": address}
            ).status_code
            for _ in range(5)
        ]
    assert statuses == ([422] * 4 + [302]) * 2
    assert len(state.outbox) == 2
    _password(client, "staff")
    capped = client.post("/login/code", data={"code": _code(secret)})
    assert capped.status_code == 429  # even the right code waits, from any address
    assert client.get("/login/code").headers["Location"] == "/login"

    frozen_clock.shift(3601)
    _password(client, "staff")
    assert client.post("/login/code", data={"code": _code(secret)}).status_code == 302


def test_wrong_codes_for_api_tokens_count_too(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        staff = builders.make_user(Role.STAFF, email="staff@test.example")
    secret = _enrolled(app, staff)
    state = app.extensions["mailman"]
    state.outbox = []
    client = app.test_client()
    body = {"email": "staff@test.example", "password": builders.PASSWORD, "code": "000000"}
    statuses = [
        client.post(
            "/api/v1/tokens", json=body, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}
        ).status_code
        for n in range(10)
    ]
    assert statuses == [401] * 10
    assert [m.subject for m in state.outbox] == ["Sign-in to Kokeilu stopped after wrong codes"] * 2
    capped = client.post(
        "/api/v1/tokens",
        json=body | {"code": _code(secret)},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert capped.status_code == 429 and "Retry-After" in capped.headers


def test_enrolment_keeps_its_key_until_confirmed(app, client, auth):
    auth.login("applicant")
    first = _secret_on_page(client.get("/account/two-factor").text)
    assert _secret_on_page(client.get("/account/two-factor").text) == first
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "applicant@test.example"))
        assert unseal(user.totp_secret) == first and not user.has_totp


# The second factor's secret at rest.


def _stored_secret(app, email: str) -> str | None:
    """The column as the database holds it, past the model."""
    with app.app_context():
        return db.session.scalar(
            select(User.__table__.c.totp_secret).where(User.__table__.c.email == email)
        )


def test_the_secret_is_stored_encrypted_and_sign_in_still_works(app, client, people):
    app.config["REQUIRE_TOTP"] = True
    secret = _enrol_by_link(client, _link(app, people["staff"]))
    stored = _stored_secret(app, "staff@test.example")
    assert stored.startswith("gAAAA") and secret not in stored and len(stored) <= 255
    client.post("/logout")
    _password(client, "staff")
    assert client.post("/login/code", data={"code": _code(secret, 30)}).status_code == 302
    assert client.get("/screening").status_code == 200
    assert _stored_secret(app, "staff@test.example").startswith("gAAAA")
    with app.app_context():
        assert unseal(_stored_secret(app, "staff@test.example")) == secret


def test_without_keys_set_the_key_comes_from_the_secret_key(app):
    with app.app_context():
        token = seal("JBSWY3DPEHPK3PXP")
        assert unseal(token) == "JBSWY3DPEHPK3PXP"
        other = {"SECRET_KEY": "another secret key", "TOTP_ENCRYPTION_KEYS": None}
        with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEYS"):
            unseal(token, other)


def test_a_secret_under_a_retired_key_verifies_and_moves_to_the_new_one(app, people):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = new_totp_secret()
    with app.app_context():
        app.config["TOTP_ENCRYPTION_KEYS"] = old_key
        staff = db.session.get(User, people["staff"])
        staff.totp_secret = seal(secret)
        staff.totp_enabled_at = staff.created_at
        db.session.commit()

        app.config["TOTP_ENCRYPTION_KEYS"] = f"{new_key}, {old_key}"
        assert second_factor.verify_second_factor(staff, _code(secret))
        # Re-encrypted under the newest key on the way: the old one can now be dropped.
        app.config["TOTP_ENCRYPTION_KEYS"] = new_key
        assert unseal(_stored_secret(app, "staff@test.example")) == secret
        assert second_factor.verify_second_factor(staff, _code(secret, 30))
        app.config["TOTP_ENCRYPTION_KEYS"] = old_key
        with pytest.raises(RuntimeError):
            unseal(_stored_secret(app, "staff@test.example"))


def test_a_malformed_key_in_the_environment_stops_start_up(monkeypatch, tmp_path):
    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},not-a-key")
    with pytest.raises(RuntimeError, match="TOTP_ENCRYPTION_KEYS"):
        create_app("development", instance_path=str(tmp_path))
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("TOTP_ENCRYPTION_KEYS", key)
    app = create_app("development", instance_path=str(tmp_path))
    assert app.config["TOTP_ENCRYPTION_KEYS"] == key


# Sessions that began before the second factor was required.


def test_a_session_signed_in_without_a_code_gives_one_when_it_becomes_required(
    app, client, auth, people
):
    assert auth.login("staff").headers["Location"] == "/"  # no code asked: not required yet
    assert client.get("/screening").status_code == 200
    secret = _enrolled(app, people["staff"])
    app.config["REQUIRE_TOTP"] = True

    response = client.get("/screening?status=submitted")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert client.get("/proposals/mine").status_code == 302  # signed out meanwhile
    page = client.get("/login/code")
    assert "signs in in two steps" in page.text  # why they are here
    response = client.post("/login/code", data={"code": _code(secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening?status=submitted"  # back where asked
    assert client.get("/screening").status_code == 200
    assert client.get("/account").status_code == 200


def test_a_session_without_a_second_factor_is_sent_to_its_enrolment_link(app, client, auth, people):
    auth.login("staff")
    app.config["REQUIRE_TOTP"] = True
    response = client.get("/screening")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Use the enrolment link we sent you by e-mail" in client.get("/login").text
    assert client.get("/screening").status_code == 302  # signed out
    assert client.get("/login/code").headers["Location"] == "/login"

    # Signed in again (before codes were required), the link still opens and enrols.
    app.config["REQUIRE_TOTP"] = False
    auth.login("staff")
    app.config["REQUIRE_TOTP"] = True
    secret = _enrol_by_link(client, _link(app, people["staff"]))
    assert client.get("/screening").status_code == 200
    with app.app_context():
        assert unseal(_stored_secret(app, "staff@test.example")) == secret


def test_a_session_that_gave_its_code_is_not_asked_again(app, client, auth):
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "staff@test.example"))
        secret = new_totp_secret()
        staff.totp_secret, staff.totp_enabled_at = seal(secret), staff.created_at
        db.session.commit()
    assert auth.login("staff").headers["Location"] == "/login/code"  # enrolled: asked anyway
    assert client.post("/login/code", data={"code": _code(secret)}).status_code == 302
    app.config["REQUIRE_TOTP"] = True
    assert client.get("/screening").status_code == 200


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_signed_in_without_a_code_are_asked_too(app, client, auth, people, who):
    auth.login(who)
    _enrolled(app, people[who])
    app.config["REQUIRE_TOTP"] = True
    assert client.get("/account").headers["Location"] == "/login/code"


def test_applicants_sessions_go_on_when_codes_become_required(app, client, auth):
    auth.login("applicant")
    app.config["REQUIRE_TOTP"] = True
    assert client.get("/proposals/mine").status_code == 200


def test_a_session_owing_its_code_may_still_sign_out_load_styles_and_switch_language(
    app, client, auth, people
):
    auth.login("staff")
    app.config["REQUIRE_TOTP"] = True
    with client.get("/static/css/app.css") as styles:
        assert styles.status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/login/code").headers["Location"] == "/login"  # nothing pending

    app.config["REQUIRE_TOTP"] = False
    auth.login("staff")
    _enrolled(app, people["staff"])
    app.config["REQUIRE_TOTP"] = True
    response = client.get("/screening?lang=sv")  # the language links are ?lang=
    assert response.headers["Location"] == "/login/code"
    page = client.get("/login/code")
    assert '<html lang="sv">' in page.text and "Tvåstegsinloggning" in page.text
    assert client.get("/login/code?lang=fi").text.startswith('<!doctype html>\n<html lang="fi">')


def test_a_user_promoted_to_staff_gives_a_code_at_the_next_page(app, client, auth, people):
    app.config["REQUIRE_TOTP"] = True
    auth.login("applicant")
    _enrolled(app, people["applicant"])  # an applicant who had turned it on
    with app.app_context():
        db.session.get(User, people["applicant"]).role = Role.STAFF
        db.session.commit()
    assert client.get("/").headers["Location"] == "/login/code"


def test_api_tokens_are_not_sessions_and_are_left_alone(app, client, people):
    token = client.post(
        "/api/v1/tokens", json={"email": "staff@test.example", "password": builders.PASSWORD}
    ).get_json()["token"]
    app.config["REQUIRE_TOTP"] = True
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
