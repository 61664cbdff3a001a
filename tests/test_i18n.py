"""Language choice, the switcher, Babel formatting and translated messages and e-mail."""

import html
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import pytest
from flask import render_template_string
from flask_babel import force_locale, get_locale
from sqlalchemy import event

from config import Config
from experiments.extensions import db
from experiments.i18n import code_label, role_label, sdg_label, status_label
from experiments.lifecycle import Role, Status
from experiments.models import User
from tests import builders


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


@pytest.fixture
def finnish_app(make_app):
    """The app with the shipped default language (the tests' own default is English)."""
    return make_app(BABEL_DEFAULT_LOCALE=Config.BABEL_DEFAULT_LOCALE)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "fi"),
        ("sv-FI,sv;q=0.9", "sv"),
        ("en-GB,en;q=0.8", "en"),
        ("de-DE,de;q=0.9", "fi"),
        ("de;q=0.9,sv;q=0.5", "sv"),
    ],
)
def test_accept_language_then_finnish(finnish_app, header, expected):
    headers = {"Accept-Language": header} if header else {}
    assert html_lang(finnish_app.test_client().get("/", headers=headers)) == expected


def test_work_outside_a_request_reads_the_same_default_as_pages(finnish_app, app, client):
    for each, expected in ((finnish_app, "fi"), (app, "en")):
        with each.app_context():
            assert str(get_locale()) == expected
            user = db.session.get(User, builders.make_user())
            assert user.locale == expected  # a user made without a language choice
        assert html_lang(each.test_client().get("/")) == expected


def test_lang_parameter_wins_and_is_remembered_in_the_session(client):
    assert html_lang(client.get("/?lang=en", headers={"Accept-Language": "sv"})) == "en"
    # No ?lang= now: the session's choice still beats Accept-Language.
    assert html_lang(client.get("/login", headers={"Accept-Language": "sv"})) == "en"
    assert html_lang(client.get("/login?lang=sv")) == "sv"
    assert html_lang(client.get("/")) == "sv"


def test_unknown_lang_parameter_is_ignored(finnish_app):
    client = finnish_app.test_client()
    assert html_lang(client.get("/?lang=de", headers={"Accept-Language": "en"})) == "en"
    assert html_lang(client.get("/?lang=../../etc")) == "fi"


def test_signed_in_users_saved_language_beats_accept_language(app, client, auth, people):
    with app.app_context():
        db.session.get(User, people["applicant"]).locale = "sv"
        db.session.commit()
    auth.login("applicant")
    assert html_lang(client.get("/", headers={"Accept-Language": "en"})) == "sv"


@contextmanager
def writes_to(app):
    """The INSERT, UPDATE and DELETE statements sent to the database inside the block."""
    writes = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_choosing_a_language_with_a_get_writes_nothing(app, client, auth, people):
    auth.login("staff")
    with writes_to(app) as writes:
        assert html_lang(client.get("/?lang=sv")) == "sv"
        assert html_lang(client.get("/account")) == "sv"  # the session keeps it
    assert writes == []
    with app.app_context():
        assert db.session.get(User, people["staff"]).locale == "en"


def test_the_switch_saves_a_signed_in_persons_choice(app, client, auth, people, programme, outbox):
    auth.login("applicant")
    page = client.get("/proposals/mine?lang=fi").text
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    switches = re.findall(
        r'<form method="post" action="/account/language" class="inline-form">\s*'
        r'<input type="hidden" name="csrf_token" value="[^"]*">\s*'
        r'<input type="hidden" name="next" value="([^"]+)">\s*'
        r'<button type="submit" name="lang" value="(\w+)" lang="(\w+)" class="link-button"'
        r"([^>]*)>([^<]+)</button>",
        nav,
    )
    assert [(html.unescape(n), v, lang, a, name) for n, v, lang, a, name in switches] == [
        ("/proposals/mine?lang=fi", "fi", "fi", ' aria-current="true"', "Suomi"),
        ("/proposals/mine?lang=sv", "sv", "sv", "", "Svenska"),
        ("/proposals/mine?lang=en", "en", "en", "", "English"),
    ]

    response = client.post(
        "/account/language", data={"lang": "sv", "next": "/proposals/mine?lang=sv"}
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/proposals/mine?lang=sv")
    assert html_lang(client.get("/")) == "sv"
    with app.app_context():
        assert db.session.get(User, people["applicant"]).locale == "sv"
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED
        )

    # A new browser (no session) reads the saved choice after signing in ...
    other = app.test_client()
    other.post("/login", data={"email": "applicant@test.example", "password": builders.PASSWORD})
    assert html_lang(other.get("/", headers={"Accept-Language": "en"})) == "sv"
    # ... and so does the e-mail sent to the person.
    auth.logout()
    auth.login("staff")
    client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    [mail] = outbox
    assert "Under granskning" in mail.subject


def test_the_switch_takes_only_our_languages_and_only_a_local_next(app, client, auth, people):
    assert client.post("/account/language", data={"lang": "sv"}).status_code == 302  # sign in
    auth.login("staff")
    assert client.post("/account/language", data={"lang": "de"}).status_code == 400
    response = client.post("/account/language", data={"lang": "sv", "next": "//evil.example"})
    assert response.headers["Location"] == "/"
    with app.app_context():
        assert db.session.get(User, people["staff"]).locale == "sv"


def test_the_switch_needs_the_forms_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        builders.make_user(email="staff@test.example")
    client = app.test_client()

    def token(page) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)

    client.post(
        "/login",
        data={
            "email": "staff@test.example",
            "password": builders.PASSWORD,
            "csrf_token": token(client.get("/login")),
        },
    )
    home = client.get("/")
    assert client.post("/account/language", data={"lang": "sv"}).status_code == 400
    response = client.post("/account/language", data={"lang": "sv", "csrf_token": token(home)})
    assert response.status_code == 303
    assert html_lang(client.get("/")) == "sv"


def test_switcher_names_each_language_in_itself_and_keeps_page_and_query(client):
    page = client.get("/login?next=/proposals/mine&lang=sv").text
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+"([^>]*)>([^<]+)</a>', nav)
    assert [(lang, name) for _, lang, _, name in links] == [
        ("fi", "Suomi"),
        ("sv", "Svenska"),
        ("en", "English"),
    ]
    for href, lang, _, _ in links:
        assert html.unescape(href) == f"/login?next=%2Fproposals%2Fmine&lang={lang}"
    current = [lang for _, lang, attrs, _ in links if 'aria-current="true"' in attrs]
    assert current == ["sv"]


def _language_links(page) -> list[str]:
    nav = re.search(r'<nav class="languages".*?</nav>', page.text, re.S).group(0)
    return [html.unescape(href) for href in re.findall(r'<a href="([^"]*)" lang="\w+"', nav)]


@pytest.mark.parametrize(
    "path",
    ["/%5Cevil.example", "/%09/evil.example", "/%5C%5Cevil.example", "/%0D%0A/evil.example"],
)
def test_language_links_on_a_missing_page_stay_on_the_site(client, path):
    _assert_language_links_stay_on_the_site(client.get(path))


def test_language_links_on_a_missing_page_with_two_slashes_stay_on_the_site(client):
    # The test client would read "//evil.example" as a host: hand the path over as a server does.
    page = client.get("/", environ_overrides={"PATH_INFO": "//evil.example"})
    _assert_language_links_stay_on_the_site(page)


def _assert_language_links_stay_on_the_site(page):
    assert page.status_code == 404
    links = _language_links(page)
    assert len(links) == 3
    for link in links:
        # As a browser reads it: tabs and newlines dropped, backslashes as slashes.
        read = re.sub(r"[\t\n\r]", "", link).replace("\\", "/")
        assert read.startswith("/") and not read.startswith("//"), link
        assert urlsplit(urljoin("http://localhost/a/b", read)).netloc == "localhost", link


def test_language_links_rebuild_the_route_with_its_arguments(client):
    page = client.get("/experiments?page=2&_external=1&_scheme=javascript")
    assert _language_links(page) == [
        f"/experiments?page=2&_external=1&_scheme=javascript&lang={lang}"
        for lang in ("fi", "sv", "en")
    ]
    missing = client.get("/no/such/päge?x=1")
    assert _language_links(missing)[1] == "/no/such/p%C3%A4ge?x=1&lang=sv"


def test_every_page_has_html_lang_and_the_footer_links_the_statement(client):
    for path in ("/", "/login", "/register", "/accessibility", "/no-such-page"):
        for lang in ("fi", "sv", "en"):
            response = client.get(f"{path}?lang={lang}")
            assert html_lang(response) == lang, path
            assert 'href="/accessibility"' in response.text, path


@pytest.mark.parametrize(
    ("lang", "money", "number"),
    [
        ("fi", "12\u00a0500,50\u00a0€", "1\u00a0234\u00a0567"),
        ("sv", "12\u00a0500,50\u00a0€", "1\u00a0234\u00a0567"),
        ("en", "€12,500.50", "1,234,567"),
    ],
)
def test_money_and_numbers_are_formatted_for_the_language(app, lang, money, number):
    with app.test_request_context(f"/?lang={lang}"):
        rendered = render_template_string(
            "{{ amount|money }}|{{ count|number }}",
            amount=Decimal("12500.50"),
            count=1234567,
        )
    assert rendered == f"{money}|{number}"


def test_times_are_shown_in_helsinki_time(app):
    # 22:30 UTC on 15 January is 00:30 on 16 January in Helsinki (UTC+2).
    moment = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # UTC+3 in summer
    with app.test_request_context("/?lang=fi"):
        winter_text = render_template_string("{{ t|datetime('short') }}", t=moment)
        summer_text = render_template_string("{{ t|datetime('short') }}", t=summer)
        day = render_template_string("{{ d|date('long') }}", d=date(2026, 3, 5))
    assert winter_text == "16.1.2026 0.30"
    assert summer_text == "1.7.2026 12.00"
    assert day == "5. maaliskuuta 2026"
    with app.test_request_context("/?lang=en"):
        assert (
            render_template_string("{{ t|datetime('short') }}", t=moment)
            == "1/16/26, 12:30\u202fAM"
        )


CENTRES = {
    "fi": [
        "Espoon keskus",
        "Espoonlahti",
        "Leppävaara",
        "Matinkylä–Olari",
        "Tapiola",
        "Koko kaupunki",
    ],
    "sv": ["Esbo centrum", "Esboviken", "Alberga", "Mattby–Olars", "Hagalund", "Hela staden"],
    "en": ["Espoon keskus", "Espoonlahti", "Leppävaara", "Matinkylä–Olari", "Tapiola", "City-wide"],
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_city_centres_have_their_names_in_each_language(app, lang):
    from experiments.vocabulary import CityCentre

    with app.test_request_context(), force_locale(lang):
        assert [code_label("CityCentre", c) for c in CityCentre] == CENTRES[lang]


def test_statuses_roles_and_goals_are_translated(app):
    with app.test_request_context(), force_locale("fi"):
        assert status_label(Status.SCREENING) == "Esikäsittelyssä"
        assert role_label(Role.MANAGER) == "Ohjelmapäällikkö"
        assert sdg_label(13) == "Ilmastotekoja"
        assert code_label("ServiceArea", "mobility") == "Liikkuminen ja liikenne"
    with app.test_request_context(), force_locale("sv"):
        assert status_label(Status.SCREENING) == "Under granskning"
        assert role_label(Role.MANAGER) == "Programchef"
        assert sdg_label(13) == "Bekämpa klimatförändringen"
    with app.test_request_context(), force_locale("en"):
        assert status_label(Status.SCREENING) == "In screening"


@pytest.mark.parametrize(
    ("lang", "required", "email"),
    [
        ("fi", "Pakollinen.", "Virheellinen sähköpostiosoite."),
        ("sv", "Det här fältet är obligatoriskt.", "Felaktig epost-adress."),
        ("en", "This field is required.", "Invalid email address."),
    ],
)
def test_wtforms_own_messages_are_in_the_language(client, lang, required, email):
    response = client.post(f"/register?lang={lang}", data={"email": "not an address"})
    assert response.status_code == 422
    assert required in response.text
    assert email in response.text


def test_wtforms_own_messages_follow_each_request_language(client):
    """The catalogue is read once per language and process, never kept for another one."""
    for lang, required in (
        ("fi", "Pakollinen."),
        ("en", "This field is required."),
        ("sv", "Det här fältet är obligatoriskt."),
    ):
        response = client.post(f"/register?lang={lang}", data={"email": "not an address"})
        assert required in response.text


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("fi", "Anna kokonaisluku väliltä 1–17."),
        ("sv", "Ange ett heltal mellan 1 och 17."),
        ("en", "Give a whole number from 1 to 17."),
    ],
)
def test_a_wrong_choice_among_checkboxes_is_named_in_the_language(
    client, auth, programme, lang, message
):
    # The proposal service names it, in the page's language.
    auth.login("applicant")
    response = client.post(f"/proposals/new?lang={lang}", data={"sdgs": ["4", "18", "19"]})
    assert response.status_code == 422
    assert message in response.text


def test_notification_email_is_in_the_recipients_language(
    app, client, auth, people, programme, outbox
):
    with app.app_context():
        db.session.get(User, people["applicant"]).locale = "sv"
        db.session.commit()
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED
        )
    auth.login("staff")
    client.get("/?lang=fi")  # the staff member works in Finnish
    response = client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "1"},
    )
    assert response.status_code == 303
    assert "Ehdotus on nyt" in client.get(f"/proposals/{proposal_id}").text
    [mail] = outbox
    assert mail.to == ["applicant@test.example"]
    assert "Under granskning" in mail.subject
    assert "Hej Applicant," in mail.body


def test_a_page_and_a_mail_in_another_language_in_one_request_keep_their_languages(app):
    """Templates find the catalogue once per language in a request; a mail rendered in its
    recipient's language (force_locale) in the middle of a page is in that language, and the
    page goes on in its own."""
    say = "{{ _('Screening') }} {{ moment|datetime('short') }} {{ day|date('long') }}"
    values = {"moment": datetime(2026, 3, 1, 12, 30, tzinfo=UTC), "day": date(2026, 3, 1)}
    with app.test_request_context("/?lang=en"):
        assert render_template_string(say, **values).startswith("Screening 3/1/26")
        with force_locale("fi"):
            mail = render_template_string(say, **values)
            assert mail.startswith("Esikäsittely 1.3.2026") and "maaliskuuta" in mail
            with force_locale("sv"):
                assert render_template_string(say, **values).startswith("Granskning 2026-03-01")
            assert render_template_string(say, **values) == mail
        again = render_template_string(say, **values)
        assert again.startswith("Screening 3/1/26") and "March 1, 2026" in again
