"""An experiment's public timeline: its steps from the proposal to the decision, accepted
reports and milestones, in order; nothing internal; milestones ahead as upcoming."""

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Evaluation, Proposal
from tests import builders

INTERNAL = "Staff-only reasoning about the budget"
PROBLEMS = "The robot fell into the harbour"
COMMENT = "Counts look doubled; check the spreadsheet"
PENDING = "Waiting report text"
RETURNED = "Returned report text"
ENTRY = re.compile(
    r'<li class="timeline-entry timeline-(?P<step>[a-z_]+)">\s*'
    r'<time datetime="(?P<day>[0-9-]+)">[^<]*</time>(?P<rest>.*?)</li>',
    re.S,
)


def _at(y, m, d, hour=9):
    return datetime(y, m, d, hour, tzinfo=UTC)


def entries(html: str, part: str = "past") -> list[tuple[str, str, str]]:
    """(step, ISO day, text) of each entry of the timeline's list (or of what is upcoming)."""
    section = html.split('<section id="timeline"', 1)[1].split("</section>", 1)[0]
    lists = section.split('<ol class="timeline upcoming"')
    chosen = lists[0] if part == "past" else (lists[1] if len(lists) > 1 else "")
    return [
        (m["step"], m["day"], " ".join(re.sub(r"<[^>]+>", " ", m["rest"]).split()))
        for m in ENTRY.finditer(chosen)
    ]


@pytest.fixture
def adopted(app, people, programme):
    """An experiment walked from proposal to adoption as the demo's are: a question answered,
    three reports (one accepted), an evaluation, milestones reached and ahead."""
    staff, team = people["staff"], people["applicant"]
    with app.app_context():
        proposal_id = builders.make_proposal(
            team, programme, status=Status.ADOPTED, title="Library robots"
        )
        proposal = db.session.get(Proposal, proposal_id)
        experiment = proposal.experiment
        experiment.decision = "Adopted in every library."
        builders.commit()
        builders.add_history(
            proposal_id,
            staff,
            ("draft", "submitted", _at(2025, 1, 10)),
            ("submitted", "screening", _at(2025, 1, 20)),
            ("screening", "more_info", _at(2025, 1, 25)),
            ("more_info", "submitted", _at(2025, 2, 1)),
            ("screening", "pilot", _at(2025, 3, 1)),
            ("pilot", "evaluation", _at(2025, 9, 1)),
            ("evaluation", "adopted", _at(2025, 10, 1)),
            reason=INTERNAL,
        )
        eid = experiment.id
        builders.make_report(
            eid,
            team,
            (date(2025, 3, 1), date(2025, 3, 31)),
            "Ten walks with the robot.",
            status="accepted",
            reviewer_id=staff,
            reviewed_at=_at(2025, 4, 5),
            problems=PROBLEMS,
            review_comment="Fine " + COMMENT,
            language="en",
        )
        builders.make_report(
            eid, team, (date(2025, 4, 1), date(2025, 4, 30)), PENDING, problems=PROBLEMS
        )
        builders.make_report(
            eid,
            team,
            (date(2025, 5, 1), date(2025, 5, 31)),
            RETURNED,
            status="returned",
            reviewer_id=staff,
            reviewed_at=_at(2025, 6, 5),
            review_comment=COMMENT,
        )
        builders.make_milestone(
            eid, staff, "Robots in three libraries", date(2025, 5, 1), date(2025, 5, 20),
            description="Sello, Iso Omena and Entresse.", language="en",
        )  # fmt: skip
        builders.make_milestone(eid, staff, "Robots in every library", date(2031, 3, 1))
        builders.make_milestone(eid, staff, "Maintenance contract", date(2030, 6, 1))
        builders.make_evaluation(proposal_id, staff)
        evaluation = db.session.get(Evaluation, experiment.evaluation.id)
        evaluation.updated_at = _at(2025, 9, 20)
        builders.commit()
        return eid


def test_the_timeline_tells_the_steps_in_order(client, adopted):
    html = client.get(f"/experiments/{adopted}?lang=en").text
    assert entries(html) == [
        ("proposed", "2025-01-10", "Proposed"),
        ("pilot_started", "2025-03-01", "Pilot started"),
        (
            "report",
            "2025-04-05",
            "Progress report on Mar 1, 2025–Mar 31, 2025 Ten walks with the robot.",
        ),
        ("milestone", "2025-05-20", "Milestone reached Robots in three libraries "
         "Sello, Iso Omena and Entresse."),
        ("pilot_ended", "2025-09-01", "Pilot ended"),
        ("evaluated", "2025-09-20", "Evaluated Recommendation: Adopt"),
        ("adopted", "2025-10-01", "Adopted"),
    ]  # fmt: skip
    # Planned and not reached: upcoming, nearest first; a decided pilot has no planned end.
    assert entries(html, "upcoming") == [
        ("milestone", "2030-06-01", "Milestone planned Maintenance contract"),
        ("milestone", "2031-03-01", "Milestone planned Robots in every library"),
    ]


def test_the_timeline_shows_nothing_internal(client, people, adopted):
    html = client.get(f"/experiments/{adopted}?lang=en").text
    timeline = html.split('<section id="timeline"', 1)[1]
    for secret in (INTERNAL, PROBLEMS, COMMENT, PENDING, RETURNED, "Staff", "Applicant"):
        assert secret not in timeline, secret
    assert '<p class="timeline-text prose" lang="en">Ten walks with the robot.</p>' in timeline


def test_a_running_pilot_shows_its_planned_end_as_upcoming(app, client, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
        experiment = db.session.get(Proposal, proposal_id).experiment
        builders.add_history(proposal_id, people["staff"], ("screening", "pilot", _at(2025, 3, 1)))
        eid, end = experiment.id, experiment.planned_end_date
    html = client.get(f"/experiments/{eid}?lang=en").text
    assert entries(html) == [("pilot_started", "2025-03-01", "Pilot started")]
    assert entries(html, "upcoming") == [("planned_end", end.isoformat(), "Pilot planned to end")]


def test_a_moment_is_dated_in_the_city_time_zone(app, client, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
        # 23:30 UTC is already the next day in Helsinki.
        builders.add_history(
            proposal_id, people["staff"], ("screening", "pilot", _at(2025, 3, 1, 23))
        )
        eid = db.session.get(Proposal, proposal_id).experiment.id
    html = client.get(f"/experiments/{eid}?lang=en").text
    assert entries(html)[0][:2] == ("pilot_started", "2025-03-02")


@pytest.mark.parametrize(
    "lang, started, upcoming",
    [
        ("fi", "Pilotti alkoi", "Tulossa"),
        ("sv", "Piloten startade", "Kommande"),
        ("en", "Pilot started", "Upcoming"),
    ],
)
def test_the_timeline_speaks_the_page_language(client, adopted, lang, started, upcoming):
    html = client.get(f"/experiments/{adopted}?lang={lang}").text
    assert entries(html)[1][2] == started
    assert f'<h3 id="upcoming-title">{upcoming}</h3>' in html


def test_the_team_and_the_reviewer_are_told_what_is_published(app, client, auth, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
        experiment = db.session.get(Proposal, proposal_id).experiment
        eid, day = experiment.id, experiment.start_date
        report = builders.make_report(eid, people["applicant"], (day, day), "Ten walks.")
    auth.login("applicant")
    assert (
        "Published on the experiment's public page once the city accepts the report; "
        "the problems are not." in unescape(client.get(f"/pilots/{eid}").text)
    )
    auth.logout()
    auth.login("staff")
    asked = client.post(
        f"/pilots/{eid}/reports/{report}/review", data={f"review-{report}-decision": "accept"}
    )
    assert asked.status_code == 200
    assert (
        "What was done is published on the experiment's public timeline; the problems "
        "and your comment are not." in unescape(asked.text)
    )
