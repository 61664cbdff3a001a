"""Follow the programme without an account: the experiments' Atom feed, the calls' iCalendar
and the open data's DCAT-AP description. Each speaks the page language (?lang= as pages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from .. import feeds, linked_data
from ..catalogue import LICENCE_URL
from .guards import EVERYONE, allow

bp = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Tag URIs (RFC 4151) name the feed and its entries: they stay when pages move; the date is
# when the names were minted, never a page's.
TAG_DATE = "2026"
FEED_ENTRIES = 50
ET.register_namespace("", ATOM)


def _host() -> str:
    """The site's host name, without its port."""
    return urlsplit(request.host_url).hostname or "localhost"


def _tag(name: str) -> str:
    return f"tag:{_host()},{TAG_DATE}:kokeilu/{name}"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def _document(body: str | bytes, mimetype: str) -> Response:
    """The document with its ETag: a reader that polls gets 304 until the data changes (the
    bytes depend on the data and the language only)."""
    response = Response(body, mimetype=mimetype)
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/experiments.atom")
@allow(EVERYONE)
def experiments_atom():
    language = str(get_locale())
    entries = feeds.feed_entries(FEED_ENTRIES)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: language})
    _add(feed, "id", _tag("experiments"))
    _add(feed, "title", _("Experiments of the city's experiment programme"))
    _add(
        feed,
        "subtitle",
        _("Pilots started, ended and decided, their progress reports and milestones reached."),
    )
    # With no entry yet, a fixed moment: the feed must not change by the clock alone.
    newest = entries[0].at if entries else datetime(2026, 1, 1, tzinfo=UTC)
    _add(feed, "updated", _when(newest))
    _add(feed, "link", rel="self", type="application/atom+xml", href=request.url)
    catalogue_url = url_for("catalogue.index", lang=language, _external=True)
    _add(feed, "link", rel="alternate", type="text/html", href=catalogue_url)
    _add(feed, "link", rel="license", href=LICENCE_URL)
    author = _add(feed, "author")
    _add(author, "name", linked_data.publisher_name(language))
    for entry in entries:
        item = _add(feed, "entry")
        _add(item, "id", _tag(entry.key))
        _add(item, "title", _(feeds.ENTRY_TITLES[entry.kind], title=entry.title))
        _add(item, "updated", _when(entry.at))
        _add(item, "published", _when(entry.at))
        page = url_for(
            "catalogue.show", experiment_id=entry.experiment_id, lang=language, _external=True
        )
        _add(item, "link", rel="alternate", type="text/html", href=page)
        _add(item, "category", term=entry.kind.value)
        if entry.text:
            _add(item, "summary", entry.text, type="text", **{XML_LANG: entry.text_language})
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return _document(body, "application/atom+xml")


@bp.get("/calls.ics")
@allow(EVERYONE)
def calls_ics():
    language = str(get_locale())
    host = _host()
    calendar = Calendar()
    calendar.add("prodid", f"-//Kokeilu//Calls for proposals//{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Calls for proposals"))
    home = url_for("main.home", lang=language, _external=True)
    for call in feeds.call_dates():
        for moment, day, summary in (
            ("opens", call.opens_on, _("Call opens: %(title)s", title=call.title)),
            ("closes", call.closes_on, _("Call closes: %(title)s", title=call.title)),
        ):
            event = Event()
            event.add("uid", f"call-{call.id}-{moment}@{host}")
            event.add("dtstamp", call.changed_at.astimezone(UTC))
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))  # all day: the end is exclusive
            event.add("summary", summary, parameters={"LANGUAGE": language})
            event.add("description", call.programme, parameters={"LANGUAGE": call.language})
            event.add("transp", "TRANSPARENT")
            event.add("url", home)
            calendar.add_component(event)
    return _document(calendar.to_ical(), "text/calendar")


@bp.get("/experiments/open-data.ttl")
@allow(EVERYONE)
def open_data_turtle():
    graph = linked_data.catalogue_graph()
    return _document(graph.serialize(format="turtle"), "text/turtle")


@bp.get("/experiments/open-data.jsonld")
@allow(EVERYONE)
def open_data_json_ld():
    graph = linked_data.catalogue_graph()
    return _document(linked_data.json_ld(graph), "application/ld+json")
