"""The open data described as a DCAT-AP 3 catalogue, for national open-data portals'
harvesters (CKAN's DCAT harvester reads Turtle and JSON-LD).

One dataset, the experiments of the public catalogue, with the CSV and the JSON as its
distributions. Names are stable addresses on this site; the texts are in fi, sv and en;
dates come from the data (the status history and the audit trail), never from the clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from sqlalchemy import func, select

from .extensions import db
from .lifecycle import EXPERIMENT_STATES, N_
from .models import (
    AuditEntry,
    Call,
    Evaluation,
    Experiment,
    ExperimentPartner,
    Participation,
    Programme,
    StatusChange,
)

EU = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU + "data-theme/")
EU_LANGUAGE = Namespace(EU + "language/")
FILE_TYPE = Namespace(EU + "file-type/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = Namespace("http://www.iana.org/assignments/media-types/")
LICENCE = URIRef(EU + "licence/CC_BY_4_0")  # CC BY 4.0 in the EU's licence vocabulary
PUBLIC = URIRef(EU + "access-right/PUBLIC")
CONTINUOUS = URIRef(EU + "frequency/UPDATE_CONT")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
LANGUAGES = {"fi": EU_LANGUAGE.FIN, "sv": EU_LANGUAGE.SWE, "en": EU_LANGUAGE.ENG}
# The JSON-LD's names for the vocabularies (the Turtle binds the same prefixes).
CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "vcard": str(VCARD),
    "xsd": str(XSD),
}

CATALOGUE_TITLE = N_("Open data of the city's experiment programme")
CATALOGUE_DESCRIPTION = N_(
    "The open data sets of Kokeilu, the city's experiment programme: the service experiments "
    "the city has piloted with companies, communities, research and educational institutions "
    "and residents."
)
DATASET_TITLE = N_("Experiments of the city's experiment programme")
DATASET_DESCRIPTION = N_(
    "Every experiment that reached the pilot stage: its programme and call, organisations, "
    "service area, budget allocated, dates, participants, evaluation and outcome. No personal "
    "data: organisations only, never people."
)
KEYWORDS = (N_("service experiments"), N_("pilot projects"), N_("service development"))
CSV_TITLE = N_("Experiments as CSV")
JSON_TITLE = N_("Experiments as JSON")

# The tables whose changes change the open data after an experiment enters it (a proposal's
# own text is locked from the pilot on; its moves are in the status history).
_DATA_TABLES = tuple(
    model.__tablename__
    for model in (Experiment, ExperimentPartner, Participation, Evaluation, Programme, Call)
)


def json_ld(graph: Graph) -> str:
    """The graph as compact JSON-LD, the same bytes in every process: rdflib writes nodes in
    its store's order, which Python's string hashing changes from one process to the next;
    JSON-LD's arrays here are sets, so sorting them changes nothing they say."""

    def ordered(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: ordered(item) for key, item in value.items()}
        if isinstance(value, list):
            items = [ordered(item) for item in value]
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    document = json.loads(graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True))
    return json.dumps(ordered(document), ensure_ascii=False, indent=2, sort_keys=True)


def publisher_name(language: str) -> str:
    """The publisher's name in the language, else in the first one configured."""
    names: dict[str, str] = current_app.config["OPEN_DATA_PUBLISHER"]
    return names.get(language) or next(iter(names.values()))


@dataclass(frozen=True)
class Coverage:
    """What the catalogue's dates are read from: the programmes' years and the last change."""

    first_year: int | None
    last_year: int | None
    modified: datetime | None


def coverage() -> Coverage:
    entered = select(func.max(StatusChange.at)).where(StatusChange.to_status.in_(EXPERIMENT_STATES))
    recorded = select(func.max(AuditEntry.at)).where(AuditEntry.object_type.in_(_DATA_TABLES))
    first, last, *moments = db.session.execute(
        select(
            func.min(Programme.start_year),
            func.max(Programme.end_year),
            entered.scalar_subquery(),
            recorded.scalar_subquery(),
        )
    ).one()
    known = [moment for moment in moments if moment is not None]
    return Coverage(first, last, max(known) if known else None)


def _texts(graph: Graph, subject: URIRef, predicate: URIRef, message: str) -> None:
    """The message in each of the service's languages, tagged with its language."""
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            graph.add((subject, predicate, Literal(_(message), lang=language)))


def _page(endpoint: str, fragment: str = "") -> URIRef:
    return URIRef(url_for(endpoint, _external=True) + fragment)


def catalogue_graph() -> Graph:
    """The DCAT-AP 3 description of the open data (needs a request: its names are URLs)."""
    graph = Graph()
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    dates = coverage()
    catalogue = _page("catalogue.open_data", "#catalogue")
    dataset = _page("catalogue.open_data", "#experiments")
    publisher = _page("catalogue.open_data", "#publisher")
    contact = _page("catalogue.open_data", "#contact")

    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _texts(graph, catalogue, DCTERMS.title, CATALOGUE_TITLE)
    _texts(graph, catalogue, DCTERMS.description, CATALOGUE_DESCRIPTION)
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, _page("main.home")))
    graph.add((catalogue, DCTERMS.license, LICENCE))
    graph.add((catalogue, DCAT.themeTaxonomy, URIRef(str(DATA_THEME).rstrip("/"))))
    graph.add((catalogue, DCAT.dataset, dataset))

    graph.add((publisher, RDF.type, FOAF.Agent))
    for language in current_app.config["LANGUAGES"]:
        graph.add((publisher, FOAF.name, Literal(publisher_name(language), lang=language)))
    graph.add((publisher, DCTERMS.type, LOCAL_AUTHORITY))

    # DCAT-AP's range is vcard:Kind; said outright, since harvesters do not infer it.
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    _texts(graph, contact, VCARD.fn, N_("Kokeilu, the city's experiment programme"))
    email = current_app.config["OPEN_DATA_CONTACT_EMAIL"]
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, DATASET_TITLE)
    _texts(graph, dataset, DCTERMS.description, DATASET_DESCRIPTION)
    for keyword in KEYWORDS:
        _texts(graph, dataset, DCAT.keyword, keyword)
    graph.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCAT.theme, DATA_THEME.GOVE))
    graph.add((dataset, DCAT.landingPage, _page("catalogue.open_data")))
    graph.add((dataset, DCTERMS.accessRights, PUBLIC))
    graph.add((dataset, DCTERMS.accrualPeriodicity, CONTINUOUS))
    for language in current_app.config["LANGUAGES"]:
        graph.add((dataset, DCTERMS.language, LANGUAGES[language]))
    if dates.first_year is not None and dates.last_year is not None:
        period = _page("catalogue.open_data", "#programme-years")
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        start, end = date(dates.first_year, 1, 1), date(dates.last_year, 12, 31)
        graph.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
        graph.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))

    for fragment, endpoint, media_type, file_type, title in (
        ("#csv", "catalogue.open_data_csv", "text/csv", FILE_TYPE.CSV, CSV_TITLE),
        ("#json", "catalogue.open_data_json", "application/json", FILE_TYPE.JSON, JSON_TITLE),
    ):
        distribution = _page("catalogue.open_data", fragment)
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        _texts(graph, distribution, DCTERMS.title, title)
        graph.add((distribution, DCAT.accessURL, _page(endpoint)))
        graph.add((distribution, DCAT.downloadURL, _page(endpoint)))
        graph.add((distribution, DCAT.mediaType, IANA[media_type]))
        graph.add((distribution, DCTERMS.format, file_type))
        graph.add((distribution, DCTERMS.license, LICENCE))
        graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))

    if dates.modified is not None:
        modified = Literal(dates.modified.replace(microsecond=0), datatype=XSD.dateTime)
        for subject in (catalogue, dataset):
            graph.add((subject, DCTERMS.modified, modified))
    return graph
