"""The open data's DCAT-AP 3 catalogue: read back with rdflib and validated with pySHACL
against the shapes in tests/shapes/ (their README says where they come from)."""

import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, XSD

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import StatusChange
from tests import builders

SHAPES = Graph().parse(Path(__file__).parent / "shapes" / "dcat-ap-3.ttl")
BASE = "http://localhost/experiments/open-data"
CATALOGUE = URIRef(f"{BASE}#catalogue")
DATASET = URIRef(f"{BASE}#experiments")
PUBLISHER = URIRef(f"{BASE}#publisher")
CSV = URIRef(f"{BASE}#csv")
JSON = URIRef(f"{BASE}#json")
ENTERED = datetime(2025, 4, 2, 10, 30, tzinfo=UTC)


def conforms(graph: Graph) -> tuple[bool, str]:
    ok, _report, text = validate(graph, shacl_graph=SHAPES, inference="none")
    return ok, text


def violations(graph: Graph) -> set[tuple[URIRef, URIRef]]:
    """(focus node, property) of each violation pySHACL reports."""
    _ok, report, _text = validate(graph, shacl_graph=SHAPES, inference="none")
    return {
        (report.value(result, SH.focusNode), report.value(result, SH.resultPath))
        for result in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(result, SH.resultSeverity) == SH.Violation
    }


@pytest.fixture
def published(app, people, programme):
    """One experiment that entered the catalogue at ENTERED."""
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status="screening",
                to_status="pilot",
                actor_id=people["staff"],
                at=ENTERED,
            )
        )
        builders.commit()


def _graph(client, path: str, content_type: str, rdf_format: str) -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == content_type
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser still builds the class it deprecated.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=response.data, format=rdf_format)


@pytest.mark.parametrize(
    "path, content_type, rdf_format",
    [
        ("/experiments/open-data.ttl", "text/turtle", "turtle"),
        ("/experiments/open-data.jsonld", "application/ld+json", "json-ld"),
    ],
)
def test_catalogue_validates_against_dcat_ap_3(client, published, path, content_type, rdf_format):
    graph = _graph(client, path, content_type, rdf_format)
    ok, text = conforms(graph)
    assert ok, text
    assert (CATALOGUE, RDF.type, DCAT.Catalog) in graph
    assert (CATALOGUE, DCAT.dataset, DATASET) in graph


def test_turtle_and_json_ld_say_the_same(client, published):
    turtle = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    json_ld = _graph(client, "/experiments/open-data.jsonld", "application/ld+json", "json-ld")
    assert set(turtle) == set(json_ld)


def test_texts_in_finnish_swedish_and_english(client, published):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    titles = {t.language: str(t) for t in graph.objects(DATASET, DCTERMS.title)}
    assert titles == {
        "fi": "Kaupungin kokeiluohjelman kokeilut",
        "sv": "Försöken i stadens försöksprogram",
        "en": "Experiments of the city's experiment programme",
    }
    for subject in (CATALOGUE, DATASET):
        for predicate in (DCTERMS.title, DCTERMS.description):
            languages = {text.language for text in graph.objects(subject, predicate)}
            assert languages == {"fi", "sv", "en"}, (subject, predicate)
    names = {n.language: str(n) for n in graph.objects(PUBLISHER, FOAF.name)}
    assert names == {"fi": "Espoon kaupunki", "sv": "Esbo stad", "en": "City of Espoo"}


def test_distributions_point_at_the_open_data(client, published):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    iana = "http://www.iana.org/assignments/media-types/"
    expected = {
        CSV: ("http://localhost/experiments/open-data.csv", iana + "text/csv"),
        JSON: ("http://localhost/experiments/open-data.json", iana + "application/json"),
    }
    assert set(graph.objects(DATASET, DCAT.distribution)) == set(expected)
    for distribution, (url, media_type) in expected.items():
        assert graph.value(distribution, DCAT.accessURL) == URIRef(url)
        assert graph.value(distribution, DCAT.downloadURL) == URIRef(url)
        assert graph.value(distribution, DCAT.mediaType) == URIRef(media_type)
        assert graph.value(distribution, DCTERMS.license) == URIRef(
            "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
        )
        assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_theme_period_and_modified_come_from_the_data(app, client, published, frozen_clock):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    assert graph.value(DATASET, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/GOVE"
    )
    period = graph.value(DATASET, DCTERMS.temporal)
    this_year = date.today().year  # builders.make_programme: last year to next year
    assert graph.value(period, DCAT.startDate) == Literal(
        date(this_year - 1, 1, 1), datatype=XSD.date
    )
    assert graph.value(period, DCAT.endDate) == Literal(
        date(this_year + 1, 12, 31), datatype=XSD.date
    )
    modified = graph.value(DATASET, DCTERMS.modified).toPython()
    assert modified >= ENTERED  # the builders' records, written after the history row
    assert graph.value(CATALOGUE, DCTERMS.modified).toPython() == modified

    frozen_clock.shift(timedelta(days=30))
    again = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    assert again.value(DATASET, DCTERMS.modified).toPython() == modified


def test_catalogue_of_an_empty_service_still_validates(client):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    ok, text = conforms(graph)
    assert ok, text
    assert graph.value(DATASET, DCTERMS.modified) is None


@pytest.mark.parametrize(
    "subject, predicate",
    [
        (CATALOGUE, DCTERMS.title),
        (CATALOGUE, DCTERMS.description),
        (CATALOGUE, DCTERMS.publisher),
        (DATASET, DCTERMS.title),
        (DATASET, DCTERMS.description),
        (CSV, DCAT.accessURL),
        (PUBLISHER, FOAF.name),
    ],
)
def test_a_missing_mandatory_property_fails_validation(client, published, subject, predicate):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    assert conforms(graph)[0]
    graph.remove((subject, predicate, None))
    assert not conforms(graph)[0]
    assert violations(graph) == {(subject, predicate)}


def test_a_second_title_in_one_language_fails_validation(client, published):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    graph.add((DATASET, DCTERMS.title, Literal("Another title", lang="en")))
    assert violations(graph) == {(DATASET, DCTERMS.title)}


def test_open_data_page_points_to_the_description(client):
    html = client.get("/experiments/open-data?lang=fi").get_data(as_text=True)
    assert '<link rel="alternate" type="text/turtle" href="/experiments/open-data.ttl">' in html
    assert "Avoimen datan portaalit keräävät aineistojen kuvauksen (DCAT-AP 3):" in html
    assert 'href="/experiments/open-data.jsonld" type="application/ld+json">JSON-LD</a>' in html


def test_a_theme_outside_the_eu_vocabulary_fails_validation(client, published):
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    graph.add((DATASET, DCAT.theme, URIRef("http://example.org/themes/government")))
    assert violations(graph) == {(DATASET, DCAT.theme)}


def test_publisher_and_contact_come_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("OPEN_DATA_PUBLISHER", "fi=Testilän kunta; sv=Testby kommun;en=Testby")
    monkeypatch.setenv("OPEN_DATA_CONTACT_EMAIL", "data@testby.example")
    client = make_app().test_client()
    graph = _graph(client, "/experiments/open-data.ttl", "text/turtle", "turtle")
    names = {n.language: str(n) for n in graph.objects(PUBLISHER, FOAF.name)}
    assert names == {"fi": "Testilän kunta", "sv": "Testby kommun", "en": "Testby"}
    contact = graph.value(DATASET, DCAT.contactPoint)
    emails = set(graph.objects(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")))
    assert emails == {URIRef("mailto:data@testby.example")}


def test_a_malformed_publisher_stops_the_start(monkeypatch, make_app):
    monkeypatch.setenv("OPEN_DATA_PUBLISHER", "City of Testby")
    with pytest.raises(RuntimeError, match="OPEN_DATA_PUBLISHER"):
        make_app()
