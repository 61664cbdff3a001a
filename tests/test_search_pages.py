"""Search on the pages: every list has its search box; matches are highlighted, escaped; the
number of statements does not grow with what is found."""

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment
from tests import builders
from tests.test_query_counts_pages import assert_same_count, statements_for


@pytest.fixture
def pilots(app, people, programme):
    """Two pilots and a proposal in screening; title → proposal id."""
    with app.app_context():
        made = {}
        for title, summary, status in (
            ("Kirjastorobotti", "Robotti <b>lajittelee</b> kirjastoissa.", Status.PILOT),
            ("Uimahallin aurinkokatto", "Paneelit katolle.", Status.PILOT),
            ("Kirjastoauto saaristoon", "Auto kiertää saaria.", Status.SCREENING),
        ):
            made[title] = builders.make_proposal(
                people["applicant"],
                programme,
                status=status,
                title=title,
                summary=summary,
                language="fi",
            )
        return made


def test_every_list_has_a_search_box(client, auth, pilots):
    for who, path in (
        (None, "/experiments"),
        ("staff", "/screening"),
        ("staff", "/pilots"),
        ("applicant", "/proposals/mine"),
        ("admin", "/admin/users"),
    ):
        if who:
            auth.login(who)
        html = client.get(path).text
        assert 'type="search"' in html and 'name="q"' in html, path
        if who:
            auth.logout()


def test_the_catalogue_highlights_the_words_found_and_escapes_the_rest(client, pilots):
    html = client.get("/experiments?q=kirjastot").text
    assert "Kirjastorobotti" in html
    assert "Uimahallin aurinkokatto" not in html
    assert "Kirjastoauto saaristoon" not in html  # not public: still in screening
    assert "<mark>kirjastoissa</mark>" in html
    assert "&lt;b&gt;lajittelee&lt;/b&gt;" in html and "<b>lajittelee" not in html


def test_the_public_api_sorts_by_relevance_or_newest(api, pilots):
    for sort in ("relevance", "-start_date"):
        response = api.get("/public/experiments", query_string={"q": "katto", "sort": sort})
        assert response.status_code == 200, response.text
    response = api.get("/public/experiments", query_string={"q": "katto", "sort": "oldest"})
    assert response.status_code == 422


def test_the_screening_queue_highlights_its_matches(client, auth, pilots):
    auth.login("staff")
    html = client.get("/screening?q=saaria").text
    assert "Kirjastoauto saaristoon" in html
    assert "<mark>saaria</mark>" in html
    assert "Kirjastorobotti" not in html


def test_the_pilots_list_searches(client, auth, pilots):
    auth.login("staff")
    html = client.get("/pilots?q=aurinkokatolla").text
    assert "Uimahallin aurinkokatto" in html
    assert "Kirjastorobotti" not in html
    html = client.get("/pilots").text
    assert "Uimahallin aurinkokatto" in html and "Kirjastorobotti" in html


def test_the_applicant_searches_their_own(client, auth, app, people, programme, pilots):
    with app.app_context():
        builders.make_proposal(people["other"], programme, title="Kirjastokissa", language="fi")
    auth.login("applicant")
    html = client.get("/proposals/mine?q=kirjasto").text
    assert "Kirjastorobotti" in html and "Kirjastoauto saaristoon" in html
    assert "Uimahallin aurinkokatto" not in html and "Kirjastokissa" not in html
    assert "None of your proposals match." in client.get("/proposals/mine?q=kissa").text


def _grow(people, programme, n):
    for k in range(n):
        pid = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.ADOPTED,
            title=f"Kirjaston kokeilu {k}",
            summary="Kirjastoissa kokeiltiin uutta.",
            language="fi",
        )
        builders.make_evaluation(pid, people["staff"])
        experiment = db.session.scalar(select(Experiment).where(Experiment.proposal_id == pid))
        experiment.lessons_learned = "Kirjastot oppivat paljon."
    builders.commit()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/experiments?q=kirjastot"),
        (None, "/api/v1/public/experiments?q=kirjastot"),
        ("staff", "/screening?q=kirjastot&status=all"),
        ("staff", "/pilots?q=kirjastot"),
        ("applicant", "/proposals/mine?q=kirjastot"),
    ],
)
def test_searching_does_not_add_a_statement_per_row(
    app, client, auth, people, programme, who, path
):
    if who:
        auth.login(who)
    with app.app_context():
        _grow(people, programme, 2)
    small = statements_for(app, client, path)
    with app.app_context():
        _grow(people, programme, 6)
    large = statements_for(app, client, path)
    assert_same_count(small, large)


def test_the_public_api_ranks_the_best_match_first(api, app, people, programme):
    with app.app_context():
        ids = [
            builders.make_proposal(
                people["applicant"], programme, status=Status.PILOT, language="fi", **texts
            )
            for texts in (
                {"title": "Viherkatto kirjastoon", "summary": "Kasveja katolle."},
                {"title": "Kirjaston valot", "summary": "Valot ja viherkatto."},
            )
        ]
        experiments = {
            db.session.scalar(select(Experiment.id).where(Experiment.proposal_id == i)): i
            for i in ids
        }

    def order(**args):
        response = api.get("/public/experiments", query_string={"q": "viherkatot", **args})
        assert response.status_code == 200, response.text
        return [experiments[item["id"]] for item in response.get_json()["items"]]

    assert order() == ids  # the title's match first
    assert order(sort="-start_date") == ids[::-1]  # the same start: the newer first
