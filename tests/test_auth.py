"""Signing up and in: confirmation links, password reset and change, sessions, throttling."""

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from experiments.extensions import db
from experiments.models import User
from experiments.security import verify_password
from tests import builders

NEW_PASSWORD = "plum tractor lantern 7"


def _registration(email="new@test.example", password="river otter violin", **overrides):
    data = {
        "name": "Nea Uusi",
        "email": email,
        "password": password,
        "confirm": password,
        "proposer_type": "resident",
        "organisation_name": "",
        "locale": "en",
    }
    data.update(overrides)
    return data


def _link(message, path: str) -> str:
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", message.body)
    assert found, message.body
    return found.group(1)


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_wrong_password_and_unknown_address_get_the_same_answer(client, people):
    wrong = client.post("/login", data={"email": "applicant@test.example", "password": "nope"})
    unknown = client.post("/login", data={"email": "ghost@test.example", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 422
    assert "The e-mail address or password is wrong." in wrong.text
    assert wrong.text.replace("applicant@test.example", "X") == unknown.text.replace(
        "ghost@test.example", "X"
    )


@pytest.fixture
def argon2_verifications(monkeypatch):
    """The Argon2 hashes that passwords were verified against (the real verification runs, it
    is only counted; a string that is no Argon2 hash is refused at once, without the work)."""
    seen = []
    real = PasswordHasher.verify

    def counted(hasher, password_hash, password):
        if password_hash.startswith("$argon2"):
            seen.append(password_hash)
        return real(hasher, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return seen


def test_an_account_without_a_usable_password_answers_as_slowly_as_a_wrong_password(
    app, client, people, argon2_verifications
):
    with app.app_context():
        db.session.get(User, people["staff"]).password_hash = "!"  # the demo's generated people
        db.session.commit()
    answers = {}
    for who, password in (("applicant", "nope"), ("staff", "nope"), ("ghost", "nope")):
        argon2_verifications.clear()
        answers[who] = client.post(
            "/login", data={"email": f"{who}@test.example", "password": password}
        )
        # One real Argon2id verification each: the same work, so the same time.
        assert len(argon2_verifications) == 1, who
    assert {response.status_code for response in answers.values()} == {422}
    assert answers["staff"].text.replace("staff@", "X@") == answers["applicant"].text.replace(
        "applicant@", "X@"
    )


def test_a_password_hashed_with_older_parameters_is_rehashed_at_sign_in(app, auth, people):
    with app.app_context():
        user = db.session.get(User, people["staff"])
        user.password_hash = PasswordHasher().hash(builders.PASSWORD)  # argon2-cffi's 64 MiB
        db.session.commit()
    assert auth.login("staff").status_code == 302
    with app.app_context():
        stored = db.session.get(User, people["staff"]).password_hash
    assert "m=19456,t=2,p=1" in stored
    assert verify_password(stored, builders.PASSWORD)


def test_registration_sends_a_confirmation_link_and_signs_in_only_after_it(app, client, outbox):
    response = client.post("/register", data=_registration())
    assert response.status_code == 200
    assert "Check your e-mail" in response.text
    assert len(outbox) == 1 and outbox[0].to == ["new@test.example"]
    assert _user(app, "new@test.example").email_confirmed_at is None

    # Not yet: the password is right, so the answer may say what is missing, and resend.
    login = client.post(
        "/login", data={"email": "new@test.example", "password": "river otter violin"}
    )
    assert login.status_code == 422 and "Confirm your e-mail address first" in login.text
    assert len(outbox) == 2

    confirmed = client.get(_link(outbox[0], "/register/confirm/"))
    assert confirmed.status_code == 302
    assert _user(app, "new@test.example").email_confirmed_at is not None
    login = client.post(
        "/login", data={"email": "new@test.example", "password": "river otter violin"}
    )
    assert login.status_code == 302
    assert client.get("/proposals/mine").status_code == 200


def test_registration_with_a_taken_address_reveals_nothing(app, client, people, outbox):
    fresh = client.post("/register", data=_registration("fresh@test.example"))
    taken = client.post("/register", data=_registration("applicant@test.example"))
    assert fresh.status_code == taken.status_code == 200
    assert fresh.text.replace("fresh@test.example", "X") == taken.text.replace(
        "applicant@test.example", "X"
    )
    # The owner hears of it; their account is untouched.
    to_owner = [m for m in outbox if m.to == ["applicant@test.example"]]
    assert len(to_owner) == 1 and "You already have an account" in to_owner[0].body
    owner = _user(app, "applicant@test.example")
    assert owner.name == "Applicant"
    assert verify_password(owner.password_hash, builders.PASSWORD)


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "Use at least 12 characters."),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("monkeymonkeymonkey", "too common"),
        ("aaaaaaaaaaaaaa", "too common"),
    ],
)
def test_weak_passwords_are_refused(app, client, outbox, password, message):
    response = client.post("/register", data=_registration(password=password))
    assert response.status_code == 422
    assert message in response.text
    assert _user(app, "new@test.example") is None and outbox == []


def test_a_password_too_long_is_refused(app, client, outbox):
    response = client.post("/register", data=_registration(password="long words " * 19))
    assert response.status_code == 422
    assert "At most 200 characters." in response.text
    assert _user(app, "new@test.example") is None and outbox == []


def test_a_short_password_and_a_refused_organisation_are_said_together(app, client, outbox):
    response = client.post(
        "/register",
        data=_registration(
            password="short",
            proposer_type="company",
            organisation_name="Otter Robotics Oy",
            organisation_business_id="1234567-0",
        ),
    )
    assert response.status_code == 422
    assert "Use at least 12 characters." in response.text
    assert "Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9." in response.text
    assert _user(app, "new@test.example") is None and outbox == []


def test_a_short_password_is_said_beside_a_form_refusal(app, client, outbox):
    response = client.post("/register", data=_registration(password="short", name=""))
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert "Use at least 12 characters." in response.text


def test_the_new_password_fields_tell_the_browser_the_minimum(client, auth):
    page = client.get("/register").text
    assert re.search(r'<input[^>]*minlength="12"[^>]*name="password"', page)
    auth.login("applicant")
    page = client.get("/account/password").text
    assert re.search(r'<input[^>]*minlength="12"[^>]*name="password"', page)


def test_a_wrong_current_password_and_a_short_new_one_are_said_together(app, client, auth):
    auth.login("applicant")
    response = client.post(
        "/account/password",
        data={"current": "not it at all", "password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    assert "Your current password is wrong." in response.text
    assert "Use at least 12 characters." in response.text
    assert verify_password(_user(app, "applicant@test.example").password_hash, builders.PASSWORD)


def test_a_reset_refuses_a_short_password(app, client, people, outbox):
    client.post("/password/forgot", data={"email": "applicant@test.example"})
    link = _link(outbox[-1], "/password/reset/")
    response = client.post(link, data={"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Use at least 12 characters." in response.text
    assert verify_password(_user(app, "applicant@test.example").password_hash, builders.PASSWORD)


def test_password_reset_link_works_once_and_ends_other_sessions(app, client, people, outbox):
    other_device = app.test_client()
    other_device.post(
        "/login", data={"email": "applicant@test.example", "password": builders.PASSWORD}
    )
    assert other_device.get("/proposals/mine").status_code == 200

    for address in ("applicant@test.example", "nobody@test.example"):
        response = client.post("/password/forgot", data={"email": address})
        assert response.status_code == 200
        assert "If an account uses the address" in response.text
    assert len(outbox) == 1 and outbox[0].to == ["applicant@test.example"]
    link = _link(outbox[0], "/password/reset/")

    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 422
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    assert other_device.get("/proposals/mine").status_code == 302  # signed out
    used = client.get(link)
    assert used.status_code == 302 and "/password/forgot" in used.headers["Location"]
    assert (
        client.post(
            "/login", data={"email": "applicant@test.example", "password": builders.PASSWORD}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/login", data={"email": "applicant@test.example", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert outbox[-1].subject == "Your Kokeilu password was changed"


def test_password_reset_link_expires(app, client, people, outbox):
    client.post("/password/forgot", data={"email": "applicant@test.example"})
    link = _link(outbox[0], "/password/reset/")
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    assert client.get(link).status_code == 302
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert verify_password(_user(app, "applicant@test.example").password_hash, builders.PASSWORD)


def test_a_forged_reset_link_is_refused(client, people):
    assert client.get("/password/reset/eyJpZCI6MX0.forged.sig").status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(app, client, auth):
    auth.login("applicant")
    other_device = app.test_client()
    Auth = type(auth)
    Auth(other_device).login("applicant")
    assert other_device.get("/proposals/mine").status_code == 200

    wrong = client.post(
        "/account/password",
        data={"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "Your current password is wrong." in wrong.text

    response = client.post(
        "/account/password",
        data={"current": builders.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/proposals/mine").status_code == 200
    assert other_device.get("/proposals/mine").status_code == 302
    assert verify_password(_user(app, "applicant@test.example").password_hash, NEW_PASSWORD)


def test_logout_ends_every_session_of_the_user(app, client, auth):
    auth.login("applicant")
    other_device = app.test_client()
    type(auth)(other_device).login("applicant")
    auth.logout()
    assert client.get("/proposals/mine").status_code == 302
    assert other_device.get("/proposals/mine").status_code == 302


def test_an_old_session_cookie_does_not_come_back_after_logout(app, client, auth):
    auth.login("applicant")
    cookie = client.get_cookie("session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/proposals/mine").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\\evil.example",
        "\\/evil.example",
        "/\r\nSet-Cookie: taken=1",
        "/\t/evil.example",
        "/%0d%0aSet-Cookie: taken=1",
        "/%09/evil.example",
        "/%5Cevil.example",
        "/\x00",
        "/\x7f",
        "https://evil.example/",
        "evil.example",
    ],
)
def test_next_only_leads_within_the_site(client, people, target):
    data = {"email": "applicant@test.example", "password": builders.PASSWORD}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_next_leads_to_the_page_asked_for(client, people):
    data = {"email": "applicant@test.example", "password": builders.PASSWORD}
    target = "/proposals/mine?lang=sv"
    assert client.post("/login", query_string={"next": target}, data=data).location == target


# Throttling: an app with Flask-Limiter on (tests turn it off by default).


def _login(client, email, password="wrong password", address="10.0.0.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_failed_logins_are_throttled_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        builders.make_user(email="applicant@test.example")
    client = app.test_client()
    statuses = [_login(client, f"x{n}@test.example").status_code for n in range(11)]
    assert statuses == [422] * 10 + [429]
    throttled = _login(client, "applicant@test.example", builders.PASSWORD)
    assert throttled.status_code == 429
    assert "applicant@test.example" not in throttled.text
    assert (
        _login(client, "applicant@test.example", builders.PASSWORD, address="10.0.0.2").status_code
        == 302
    )


def test_strangers_failing_for_an_account_do_not_lock_its_owner_out(make_app, frozen_clock):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        builders.make_user(email="applicant@test.example")
    client = app.test_client()
    # One stranger fails twenty times (waiting out the per-address limit of 10 a minute)…
    statuses = [_login(client, "applicant@test.example").status_code for n in range(10)]
    frozen_clock.shift(61)
    statuses += [_login(client, "applicant@test.example").status_code for n in range(10)]
    assert statuses == [422] * 20
    # …and keeps waiting for this account, even with the right password.
    frozen_clock.shift(61)
    stranger = _login(client, "applicant@test.example", builders.PASSWORD)
    assert stranger.status_code == 429
    assert "applicant@test.example" not in stranger.text
    # The owner, from an address that has not been failing, signs in.
    owner = _login(client, "applicant@test.example", builders.PASSWORD, address="10.0.9.9")
    assert owner.status_code == 302


def test_failing_addresses_wait_once_an_account_is_under_attack(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        builders.make_user(email="applicant@test.example")
    client = app.test_client()
    for email in ("applicant@test.example", "ghost@test.example"):
        # Twenty failures from twenty addresses: the account is under attack.
        statuses = [_login(client, email, address=f"10.0.1.{n}").status_code for n in range(20)]
        assert statuses == [422] * 20
        # An address gets an answer until it has failed three times for the account.
        statuses = [_login(client, email, address="10.0.1.0").status_code for n in range(3)]
        assert statuses == [422, 422, 429]
        # The same for an address without an account: the limit reveals nothing.
        assert _login(client, email, address="10.0.2.1").status_code == 422
    assert (
        _login(client, "applicant@test.example", builders.PASSWORD, address="10.0.1.5").status_code
        == 302
    )


def test_registration_and_reset_requests_are_throttled(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [
        client.post(
            "/register", data=_registration(), environ_base={"REMOTE_ADDR": f"10.0.3.{n}"}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    statuses = [
        client.post(
            "/password/forgot",
            data={"email": "someone@test.example"},
            environ_base={"REMOTE_ADDR": f"10.0.4.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    statuses = [
        client.post(
            "/password/forgot",
            data={"email": f"p{n}@test.example"},
            environ_base={"REMOTE_ADDR": "10.0.5.1"},
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
