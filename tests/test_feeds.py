"""The experiments' Atom feed and the calls' iCalendar: read as feed readers and calendars
read them (feedparser, icalendar), and against Atom's own rules (RFC 4287)."""

import re
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree as ET

import feedparser
import pytest
from icalendar import Calendar

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Programme, Proposal, StatusChange
from tests import builders

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
SECRET = "Our unpatented snow-melting formula"
INTERNAL = "Staff-only reasoning about the budget"
TITLE = 'Robots <script>alert("x")</script> & "sleds"'


def _moves(proposal_id, actor_id, *moves):
    for source, target, at in moves:
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=source,
                to_status=target,
                actor_id=actor_id,
                at=at,
                reason=INTERNAL,
            )
        )
    builders.commit()


@pytest.fixture
def news(app, people, programme):
    """An adopted experiment whose summary is a business secret, a pilot started later whose
    title needs escaping, and proposals that never became experiments."""
    staff = people["staff"]
    with app.app_context():
        adopted = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.ADOPTED,
            title="Library robots",
            summary=SECRET,
            confidential_summary=True,
        )
        db.session.get(Proposal, adopted).experiment.decision = "Adopted in every library."
        _moves(
            adopted,
            staff,
            ("screening", "pilot", datetime(2025, 3, 1, 8, tzinfo=UTC)),
            ("pilot", "evaluation", datetime(2025, 9, 1, 8, tzinfo=UTC)),
            ("evaluation", "adopted", datetime(2025, 10, 1, 8, tzinfo=UTC)),
        )
        running = builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, title=TITLE
        )
        _moves(running, staff, ("screening", "pilot", datetime(2025, 11, 1, 8, tzinfo=UTC)))
        rejected = builders.make_proposal(
            people["applicant"], programme, status=Status.REJECTED, title="Never piloted"
        )
        _moves(rejected, staff, ("screening", "rejected", datetime(2025, 12, 1, 8, tzinfo=UTC)))
        ids = {
            "adopted": db.session.get(Proposal, adopted).experiment.id,
            "running": db.session.get(Proposal, running).experiment.id,
        }
    return ids


def test_atom_feed_is_valid_atom_newest_first(client, news):
    response = client.get("/experiments.atom?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Experiments of the city's experiment programme"
    assert [entry.title for entry in feed.entries] == [
        f"Pilot started: {TITLE}",
        "Adopted: Library robots",
        "Pilot ended: Library robots",
        "Pilot started: Library robots",
    ]
    assert feed.entries[0].link == f"http://localhost/experiments/{news['running']}?lang=en"
    assert feed.entries[1].summary == "Adopted in every library."
    assert feed.feed.updated == "2025-11-01T08:00:00Z"  # the newest entry's moment


def test_atom_follows_rfc_4287(client, news):
    root = ET.fromstring(client.get("/experiments.atom?lang=en").data)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}author/{ATOM}name").text == "City of Espoo"
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://localhost/experiments.atom?lang=en"
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 4
    ids = set()
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        # No content: an entry must then link to its page (RFC 4287, 4.1.2).
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        ids.add(entry.findtext(f"{ATOM}id"))
    assert len(ids) == 4
    assert all(i.startswith("tag:localhost,2026:") for i in ids)


def test_entry_ids_are_the_same_in_every_language_and_on_every_fetch(client, news):
    def ids(lang):
        root = ET.fromstring(client.get(f"/experiments.atom?lang={lang}").data)
        return [entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")]

    assert ids("fi") == ids("sv") == ids("en") == ids("en")


@pytest.mark.parametrize(
    "lang, feed_title, started",
    [
        ("fi", "Kaupungin kokeiluohjelman kokeilut", "Pilotti alkoi: Library robots"),
        ("sv", "Försöken i stadens försöksprogram", "Piloten startade: Library robots"),
        ("en", "Experiments of the city's experiment programme", "Pilot started: Library robots"),
    ],
)
def test_feed_speaks_the_asked_language(client, news, lang, feed_title, started):
    response = client.get(f"/experiments.atom?lang={lang}")
    root = ET.fromstring(response.data)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    feed = feedparser.parse(response.data)
    assert feed.feed.title == feed_title
    assert feed.entries[-1].title == started
    assert all(entry.link.endswith(f"?lang={lang}") for entry in feed.entries)


def test_feed_escapes_text_and_publishes_no_secret_or_reason(client, news):
    for lang in ("fi", "sv", "en"):
        body = client.get(f"/experiments.atom?lang={lang}").get_data(as_text=True)
        assert SECRET not in body
        assert INTERNAL not in body
        assert "<script>" not in body
        assert "Never piloted" not in body
    body = client.get("/experiments.atom?lang=en").get_data(as_text=True)
    assert 'Robots &lt;script&gt;alert("x")&lt;/script&gt; &amp; "sleds"' in body


def test_empty_feed_is_valid_and_does_not_follow_the_clock(client, frozen_clock):
    first = client.get("/experiments.atom").data
    feed = feedparser.parse(first)
    assert not feed.bozo and feed.entries == []
    frozen_clock.shift(timedelta(days=3))
    assert client.get("/experiments.atom").data == first


def test_calls_calendar_has_all_day_events_with_stable_uids(app, client, programme, frozen_clock):
    with app.app_context():
        call = db.session.get(Programme, programme).calls[0]
        call_id, opens, closes = call.id, call.opens_on, call.closes_on
    response = client.get("/calls.ics?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert {str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND")) for e in events} == {
        f"call-{call_id}-opens@localhost": (opens, opens + timedelta(days=1)),
        f"call-{call_id}-closes@localhost": (closes, closes + timedelta(days=1)),
    }
    for event in events:
        assert type(event.decoded("DTSTART")) is date  # all day, not a moment
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries[0].startswith("Call closes: Call ")
    assert summaries[1].startswith("Call opens: Call ")

    frozen_clock.shift(timedelta(days=40))
    assert client.get("/calls.ics?lang=en").data == response.data  # DTSTAMP is data's


def test_calendar_stamp_follows_the_calls_last_change(app, client, programme, frozen_clock):
    def stamps():
        calendar = Calendar.from_ical(client.get("/calls.ics").data)
        return {event.decoded("DTSTAMP") for event in calendar.walk("VEVENT")}

    before = stamps()
    frozen_clock.shift(timedelta(days=2))
    with app.app_context():
        call = db.session.get(Programme, programme).calls[0]
        call.title = "Call renamed"
        builders.commit()
    after = stamps()
    assert len(after) == 1 and after != before
    assert (after.pop() - before.pop()) >= timedelta(days=2)


@pytest.mark.parametrize(
    "lang, opens, closes",
    [
        ("fi", "Haku alkaa: Winter call", "Haku päättyy: Winter call"),
        ("sv", "Utlysningen öppnar: Winter call", "Utlysningen stänger: Winter call"),
        ("en", "Call opens: Winter call", "Call closes: Winter call"),
    ],
)
def test_calendar_speaks_the_asked_language(app, client, programme, lang, opens, closes):
    with app.app_context():
        db.session.scalar(db.select(Call)).title = "Winter call"
        builders.commit()
    calendar = Calendar.from_ical(client.get(f"/calls.ics?lang={lang}").data)
    events = calendar.walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {opens, closes}
    assert {e["SUMMARY"].params["LANGUAGE"] for e in events} == {lang}


def test_home_and_catalogue_link_to_the_feeds(client):
    for page in ("/?lang=sv", "/experiments?lang=sv"):
        html = client.get(page).get_data(as_text=True)
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            'title="Försök: nyhetsflöde (Atom)" href="/experiments.atom?lang=sv">'
        ) in html
        assert 'href="/experiments.atom?lang=sv" type="application/atom+xml">' in html
        assert 'href="/calls.ics?lang=sv" type="text/calendar">' in html
        assert "Följ försöken i din flödesläsare (Atom)" in html


@pytest.mark.parametrize(
    "path",
    [
        "/experiments.atom?lang=fi",
        "/calls.ics?lang=sv",
        "/experiments/open-data.ttl",
        "/experiments/open-data.jsonld",
    ],
)
def test_a_reader_that_polls_gets_not_modified(app, client, news, path, frozen_clock):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    frozen_clock.shift(timedelta(minutes=5))
    with app.app_context():
        # A call moves its closing day and the running pilot ends: every document changes.
        db.session.scalar(db.select(Call)).closes_on += timedelta(days=1)
        running = db.session.scalar(db.select(Proposal.id).where(Proposal.title == TITLE))
        db.session.get(Proposal, running).status = Status.EVALUATION
        _moves(
            running,
            db.session.scalar(db.select(StatusChange.actor_id)),
            ("pilot", "evaluation", datetime(2026, 1, 5, 8, tzinfo=UTC)),
        )
    changed = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
