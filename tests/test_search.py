"""Full-text search through the proposals API: stems in the text's language, every word in
any field, the last word as a prefix, ranked title above summary above need."""

import pytest

from experiments.lifecycle import Status
from tests import builders


@pytest.fixture
def make(app, people, programme):
    """make(title=…, summary=…, …) → the id of a submitted proposal with those texts."""

    def made(status=Status.SUBMITTED, **texts):
        with app.app_context():
            return builders.make_proposal(people["applicant"], programme, status=status, **texts)

    return made


def found(api, q, who="staff", **args):
    response = api.get("/proposals", who, query_string={"q": q, **args})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.get_json()["items"]]


def test_a_finnish_word_finds_its_other_forms(api, make):
    wanted = make(
        title="Lukupiirejä kirjastoissa",
        summary="Lukupiirit kokoontuvat iltaisin.",
        language="fi",
    )
    make(title="Kirjoja kouluihin", summary="Luokat saavat kirjoja.", language="fi")
    assert found(api, "kirjastot") == [wanted]
    assert found(api, "kirjastoille") == [wanted]


def test_a_swedish_word_finds_its_other_forms(api, make):
    wanted = make(
        title="Läsecirklar i biblioteken",
        summary="Cirklarna träffas på kvällarna.",
        language="sv",
    )
    make(title="Böcker till skolorna", summary="Klasserna får böcker.", language="sv")
    assert found(api, "biblioteket") == [wanted]


def test_every_word_must_match_in_any_field_and_order(api, make):
    wanted = make(
        title="Aurinkopaneelit uimahalliin",
        summary="Katolle asennetaan paneelit.",
        need="Sähkölasku kasvaa joka talvi.",
        language="fi",
    )
    make(title="Aurinkopaneelit kouluihin", summary="Katolle paneelit.", language="fi")
    assert found(api, "sähkölasku aurinkopaneelit") == [wanted]
    assert found(api, "aurinkopaneelit sähkölasku") == [wanted]


def test_a_word_that_is_nowhere_finds_nothing(api, make):
    make(title="Snow-clearing robot", language="en")
    assert found(api, "xylofonikvartetti") == []
    assert found(api, "robot xylofonikvartetti") == []


def test_the_last_word_matches_as_a_prefix(api, make):
    wanted = make(title="Kaupunkiviljely kattopuutarhoissa", language="fi")
    assert found(api, "kaupunkivil") == [wanted]
    # Only the last: a word before it must match whole.
    assert found(api, "kaupunkivil kattopuutarhoissa") == []
    assert found(api, "kattopuutarhoissa kaupunkivil") == [wanted]


def test_title_ranks_above_summary_above_need(api, make):
    in_need = make(
        title="Pyöräteiden talvikunnossapito",
        summary="Aurauskalusto uusitaan.",
        need="Liukkaat kadut ja katuvalaistus huolettavat.",
        language="fi",
    )
    in_title = make(
        title="Katuvalaistus älykkääksi",
        summary="Valot himmenevät yöllä.",
        need="Sähköä kuluu liikaa.",
        language="fi",
    )
    in_summary = make(
        title="Älykäs kaupunki",
        summary="Uusi katuvalaistus säästää sähköä.",
        need="Sähköä kuluu liikaa.",
        language="fi",
    )
    assert found(api, "katuvalaistus") == [in_title, in_summary, in_need]
    # Another sort on request.
    assert found(api, "katuvalaistus", sort="submitted_at") == [in_need, in_title, in_summary]


def test_the_organisation_name_is_searched(app, api, make):
    wanted = make(title="Robotti", language="fi")
    with app.app_context():
        from experiments.extensions import db
        from experiments.models import Proposal

        name = db.session.get(Proposal, wanted).organisation.name
    assert found(api, name) == [wanted]


def test_an_applicant_finds_only_their_own(api, app, people, programme, make):
    mine = make(title="Kirjastoauto kylille", language="fi")
    with app.app_context():
        builders.make_proposal(
            people["other"], programme, status=Status.SUBMITTED, title="Kirjastoauto saaristoon"
        )
    assert found(api, "kirjastoauto", who="applicant") == [mine]


def test_relevance_is_a_sort_of_the_api_and_unknown_sorts_are_refused(api, make):
    make(title="Kirjastoauto", language="fi")
    assert api.get("/proposals", "staff", query_string={"sort": "relevance"}).status_code == 200
    response = api.get("/proposals", "staff", query_string={"q": "x", "sort": "loudest"})
    assert response.status_code == 422


def test_punctuation_alone_searches_for_nothing(api, make):
    wanted = make(title="Kirjastoauto", language="fi")
    assert found(api, "!!! ---") == [wanted]


def test_a_stop_word_of_the_texts_language_does_not_hide_it(api, make):
    wanted = make(title="Läxhjälp och bibliotek", summary="Läsning för alla.", language="sv")
    english = make(title="The library lends robots", summary="Robots for all.", language="en")
    assert found(api, "läxhjälp och") == [wanted]
    assert found(api, "the library") == [english]
