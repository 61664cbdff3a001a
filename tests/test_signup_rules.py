"""Signing up: the sign-up service decides the name and the organisation (none for a
resident); the page says its messages beside the fields."""

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.models import Organisation, User


def _registration(**overrides) -> dict:
    data = {
        "name": "Nea Uusi",
        "email": "new@test.example",
        "password": "river otter violin",
        "confirm": "river otter violin",
        "proposer_type": "company",
        "organisation_name": "Otter Robotics Oy",
        "organisation_business_id": "",
        "locale": "en",
    }
    data.update(overrides)
    return data


def _user(app, email="new@test.example") -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def _organisations(app) -> list[tuple[str, str | None, str]]:
    with app.app_context():
        return [
            (o.name, o.business_id, o.type.value)
            for o in db.session.scalars(select(Organisation).order_by(Organisation.id))
        ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisation_name": "  "}, "Name your organisation, or propose as a resident."),
        ({"organisation_name": "O" * 201}, "At most 200 characters."),
        ({"name": "N" * 201}, "At most 200 characters."),
        (
            {"organisation_business_id": "1234567-0"},
            "Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9.",
        ),
    ],
)
def test_a_sign_up_the_service_refuses_is_said_and_keeps_nothing(
    app, client, outbox, overrides, message
):
    response = client.post("/register", data=_registration(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert _user(app) is None and _organisations(app) == [] and outbox == []


def test_a_company_signs_up_with_its_organisation(app, client, outbox):
    response = client.post("/register", data=_registration(organisation_business_id=" 0112038-9 "))
    assert response.status_code == 200, response.text
    assert _organisations(app) == [("Otter Robotics Oy", "0112038-9", "company")]
    user = _user(app)
    assert (user.name, user.proposer_type.value, user.locale) == ("Nea Uusi", "company", "en")
    assert user.organisation_id is not None and len(outbox) == 1


def test_a_resident_signs_up_without_the_organisation_typed(app, client, outbox):
    response = client.post(
        "/register",
        data=_registration(proposer_type="resident", organisation_business_id="not an id"),
    )
    assert response.status_code == 200, response.text
    user = _user(app)
    assert user.proposer_type.value == "resident" and user.organisation_id is None
    assert _organisations(app) == []


def test_every_refusal_is_said_at_once(app, client, outbox):
    response = client.post(
        "/register", data=_registration(email="not an address", organisation_name="")
    )
    assert response.status_code == 422
    assert "Invalid email address." in response.text
    assert "Name your organisation, or propose as a resident." in response.text
    assert _user(app, "not an address") is None


def test_the_form_limits_the_names_in_the_browser(client):
    page = client.get("/register").text
    assert 'maxlength="200" name="name"' in page
    assert 'maxlength="200" name="organisation_name"' in page
