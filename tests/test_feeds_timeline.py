"""The Atom feed tells accepted reports (what was done) and milestones reached, as the public
timeline does: nothing of a report waiting or returned, of a milestone ahead, or internal."""

from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

import feedparser
import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from tests import builders

ATOM = "{http://www.w3.org/2005/Atom}"
PROBLEMS = "The robot fell into the harbour"
COMMENT = "Counts look doubled"


@pytest.fixture
def news(app, people, programme):
    staff, team = people["staff"], people["applicant"]
    with app.app_context():
        proposal_id = builders.make_proposal(
            team, programme, status=Status.PILOT, title="Library robots"
        )
        eid = db.session.get(Proposal, proposal_id).experiment.id
        builders.add_history(
            proposal_id, staff, ("screening", "pilot", datetime(2025, 3, 1, 8, tzinfo=UTC))
        )
        for summary, status, reviewed in (
            ("Ten walks with the robot.", "accepted", datetime(2025, 4, 5, 8, tzinfo=UTC)),
            ("Waiting for review.", "submitted", None),
            ("Sent back.", "returned", datetime(2025, 6, 5, 8, tzinfo=UTC)),
        ):
            builders.make_report(
                eid,
                team,
                (date(2025, 3, 1), date(2025, 3, 31)),
                summary,
                status=status,
                reviewer_id=staff if reviewed else None,
                reviewed_at=reviewed,
                problems=PROBLEMS,
                review_comment=COMMENT if reviewed else None,
                language="en",
            )
        builders.make_milestone(
            eid, staff, "Robots in three libraries", date(2025, 5, 1), date(2025, 5, 20),
            description="Sello, Iso Omena and Entresse.", language="en",
        )  # fmt: skip
        builders.make_milestone(eid, staff, "Robots in every library", date(2031, 3, 1))
        return eid


def test_reports_and_milestones_reached_are_entries(client, news):
    response = client.get("/experiments.atom?lang=en")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [(entry.title, entry.updated) for entry in feed.entries] == [
        # 20 May at midnight in Helsinki is 21:00 UTC the day before.
        ("Milestone reached: Library robots", "2025-05-19T21:00:00Z"),
        ("Progress report: Library robots", "2025-04-05T08:00:00Z"),
        ("Pilot started: Library robots", "2025-03-01T08:00:00Z"),
    ]
    assert feed.entries[0].summary == (
        "Robots in three libraries\n\nSello, Iso Omena and Entresse."
    )
    assert feed.entries[1].summary == "Ten walks with the robot."
    assert feed.entries[1].link == f"http://localhost/experiments/{news}?lang=en"
    for secret in (PROBLEMS, COMMENT, "Waiting for review.", "Sent back.", "every library"):
        assert secret.encode() not in response.data, secret


def test_their_ids_are_tags_of_their_own(client, news):
    root = ET.fromstring(client.get("/experiments.atom?lang=fi").data)
    ids = [entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")]
    assert len(set(ids)) == 3
    assert any(i.startswith("tag:localhost,2026:kokeilu/milestone/") for i in ids)
    assert any(i.startswith("tag:localhost,2026:kokeilu/report/") for i in ids)
    categories = [e.find(f"{ATOM}category").get("term") for e in root.iter(f"{ATOM}entry")]
    assert categories == ["milestone", "report", "started"]
    summaries = [e.find(f"{ATOM}summary") for e in root.iter(f"{ATOM}entry")]
    assert summaries[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
