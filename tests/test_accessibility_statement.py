"""The accessibility statement in three languages and its feedback form to the managers."""

import re

import pytest
from sqlalchemy import func, select

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Role
from experiments.models import Feedback, User
from tests import builders


def feedback_rows(app):
    with app.app_context():
        return db.session.scalars(select(Feedback).order_by(Feedback.id)).all()


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("fi", "Saavutettavuusseloste"),
        ("sv", "Tillgänglighetsutlåtande"),
        ("en", "Accessibility statement"),
    ],
)
def test_statement_in_each_language(client, lang, heading):
    response = client.get(f"/accessibility?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert re.findall(r"<h1>(.*?)</h1>", response.text) == [heading]
    assert "306/2019" in response.text
    # The personal fields say what they are, for autofill and assistive technology.
    assert re.search(r'<input[^>]*autocomplete="name"[^>]*id="name"', response.text)
    assert re.search(r'<input[^>]*autocomplete="email"[^>]*id="email"', response.text)
    assert '<label for="message">' in response.text


def test_every_page_links_the_statement_from_its_footer(client, auth):
    auth.login("manager")
    for path in ("/", "/screening", "/accessibility"):
        footer = client.get(path).text.split('<footer class="site-footer">')[1]
        assert 'href="/accessibility"' in footer


def test_anonymous_feedback_is_stored_and_mailed_to_each_manager_in_their_language(
    app, client, people, outbox
):
    with app.app_context():
        db.session.get(User, people["manager"]).locale = "sv"
        builders.make_user(Role.MANAGER, email="second@test.example", locale="en")
        builders.make_user(Role.MANAGER, email="gone@test.example", active=False)
        db.session.commit()
    response = client.post(
        "/accessibility?lang=fi",
        data={
            "message": "Kuvaajan värejä on vaikea erottaa.",
            "page_url": "/statistics",
        },
    )
    assert response.status_code == 303
    assert "Kiitos" in client.get(response.headers["Location"]).text
    [row] = feedback_rows(app)
    assert (row.message, row.page_url, row.locale, row.name, row.email, row.user_id) == (
        "Kuvaajan värejä on vaikea erottaa.",
        "/statistics",
        "fi",
        None,
        None,
        None,
    )
    assert sorted(m.to[0] for m in outbox) == ["manager@test.example", "second@test.example"]
    by_address = {m.to[0]: m for m in outbox}
    swedish, english = by_address["manager@test.example"], by_address["second@test.example"]
    assert "tillgänglighet" in swedish.subject.lower()
    assert "Kuvaajan värejä on vaikea erottaa." in swedish.body
    assert "anonym" in swedish.body
    assert english.subject == "Accessibility feedback from the Kokeilu service"
    assert "/accessibility/feedback" in english.body


def test_signed_in_feedback_with_contact_details(app, client, auth, people, outbox):
    auth.login("applicant")
    response = client.post(
        "/accessibility",
        data={
            "message": "The date fields are hard to use with a screen reader.",
            "name": "Aino",
            "email": "Aino@Example.org",
        },
    )
    assert response.status_code == 303
    [row] = feedback_rows(app)
    assert (row.name, row.email, row.user_id) == ("Aino", "Aino@example.org", people["applicant"])
    assert [m.reply_to for m in outbox] == [["Aino@example.org"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "Hello", "email": "not an address"}, "email"),
        ({"message": "Hello", "page_url": "/" + "x" * 500}, "page_url"),
        ({"message": "Hello", "name": "x" * 201}, "name"),
    ],
)
def test_invalid_feedback_is_refused_with_an_error_summary(app, client, outbox, data, field):
    response = client.post("/accessibility", data=data)
    assert response.status_code == 422
    summary = response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert f'href="#{field}"' in summary
    assert re.search(
        rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', response.text
    )
    assert feedback_rows(app) == []
    assert outbox == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "x" * 5001}, "At most 5000 characters."),
        ({"message": "Hello", "email": "not an address"}, "Enter a valid e-mail address."),
        ({"message": "Hello", "page_url": "/" + "x" * 500}, "At most 500 characters."),
        ({"message": "Hello", "name": "x" * 201}, "At most 200 characters."),
        (
            {"message": "Hello", "name": "Aino\nLine"},
            "Write this on one line, without line breaks.",
        ),
    ],
)
def test_the_feedback_service_says_what_it_refuses(app, client, outbox, data, message):
    response = client.post("/accessibility", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert feedback_rows(app) == [] and outbox == []


def test_the_longest_feedback_is_kept_and_the_form_tells_the_browser_the_limits(
    app, client, outbox
):
    page = client.get("/accessibility").text
    assert re.search(r'<textarea[^>]*maxlength="5000"[^>]*name="message"', page)
    assert re.search(r'<input[^>]*maxlength="500"[^>]*name="page_url"', page)
    assert re.search(r'<input[^>]*maxlength="200"[^>]*name="name"', page)
    data = {"message": "x" * 5000, "name": "n" * 200, "page_url": "/" + "x" * 499}
    assert client.post("/accessibility", data=data).status_code == 303
    [row] = feedback_rows(app)
    assert (len(row.message), len(row.name), len(row.page_url)) == (5000, 200, 500)


def test_the_form_needs_its_csrf_token(tmp_path):
    app = create_app("testing", WTF_CSRF_ENABLED=True, MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    assert client.post("/accessibility", data={"message": "Hello"}).status_code == 400
    page = client.get("/accessibility").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post("/accessibility", data={"message": "Hello", "csrf_token": token}).status_code
        == 303
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Feedback.id))) == 1


def test_feedback_is_rate_limited(tmp_path):
    app = create_app("testing", RATELIMIT_ENABLED=True, MAIL_FILE_PATH=str(tmp_path))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = [
        client.post("/accessibility", data={"message": f"Note {n}"}).status_code for n in range(6)
    ]
    assert statuses == [303] * 5 + [429]
    assert client.get("/accessibility").status_code == 200  # reading is never limited


def test_the_form_remembers_the_page_the_visitor_came_from(client):
    page = client.get("/accessibility", headers={"Referer": "http://localhost/login?next=/x"})
    assert 'value="/login?next=/x"' in page.text
    page = client.get("/accessibility", headers={"Referer": "https://elsewhere.example/a"})
    assert 'value="https://elsewhere' not in page.text


def test_only_managers_see_the_feedback(app, client, auth):
    with app.app_context():
        db.session.add(Feedback(message="Focus is hard to see.", locale="sv"))
        db.session.commit()
    assert client.get("/accessibility/feedback").status_code == 302  # sign in first
    for who in ("applicant", "staff", "admin"):
        auth.login(who)
        assert client.get("/accessibility/feedback").status_code == 403, who
        auth.logout()
    auth.login("manager")
    page = client.get("/accessibility/feedback")
    assert page.status_code == 200
    assert "Focus is hard to see." in page.text
    assert '<span class="meta" lang="sv">Svenska</span>' in page.text
    assert "Anonymous" in page.text
    assert 'href="/accessibility/feedback"' in client.get("/accessibility").text
