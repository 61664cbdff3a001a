"""The public home: what the programme is, its figures as the statistics say them, the open
calls as cards that lead to the call, a way to propose, and the newest results with their
lessons."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from experiments.demo.storyline import load_demo
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Programme
from tests import builders

from .test_lessons import _experiment


def _tiles(page: str) -> dict[str, str]:
    """The home's figures: registry entry → the figure as shown."""
    return dict(
        re.findall(
            r'<li class="tile" data-metric="(\w+)"><span class="tile-value">([^<]+)</span>', page
        )
    )


def test_the_figures_are_the_statistics_of_the_digital_agenda(app, client):
    with app.app_context():
        load_demo()
        programme = db.session.scalar(
            select(Programme.id).where(Programme.name == "Digital Agenda 2015–2021")
        )
    page = client.get("/?lang=en").text
    # SPEC's demo figures: over 150 proposals, 20 experiments, more than 6,000 residents.
    assert _tiles(page) == {
        "proposals": "158",
        "carried_out": "20",
        "adopted": "16",
        "residents_customers": "6,318",
    }
    api = client.get(f"/api/v1/statistics?programme={programme}").get_json()
    assert (api["proposals"], api["carried_out"], api["adopted"]) == (158, 20, 16)
    assert api["participants"]["residents_customers"] == 6318
    assert "Digital Agenda 2015–2021 in figures" in page
    assert f'href="/statistics?programme={programme}"' in page


def test_what_the_programme_is_and_the_way_to_propose(client, programme):
    page = client.get("/?lang=en").text
    assert "propose service experiments to the city" in page
    assert '<a class="button button-large" href="/register">Propose an experiment</a>' in page


def test_open_calls_are_cards_that_lead_to_the_call(app, client, programme):
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.programme_id == programme))
        call.title, call.description = "Cleaner air at schools", "Sensors and ideas."
        closes = call.closes_on
        closed = Call(
            programme_id=programme,
            title="Last year's call",
            opens_on=date.today() - timedelta(days=400),
            closes_on=date.today() - timedelta(days=300),
        )
        db.session.add(closed)
        builders.commit()
        call_id, closed_id = call.id, closed.id
    page = client.get("/?lang=en").text
    cards = page.split('<ul class="call-cards">')[1].split("</ul>")[0]
    assert re.search(rf'<a href="/calls/{call_id}"[^>]*>Cleaner air at schools</a>', cards)
    assert f"Open until {closes:%b} {closes.day}, {closes.year}" in cards
    assert "Sensors and ideas." in cards
    assert "Last year's call" not in page
    # The call's own page: what it asks for, until when, and the way to propose.
    page = client.get(f"/calls/{call_id}?lang=en").text
    assert "Sensors and ideas." in page
    assert f"{closes:%b} {closes.day}, {closes.year}" in page
    assert f'href="/proposals/new?call={call_id}">Propose to this call</a>' in page
    closed = client.get(f"/calls/{closed_id}?lang=en").text
    assert "The call has closed: it takes no new proposals." in closed
    assert "/proposals/new" not in closed
    assert client.get("/calls/999999").status_code == 404
    assert client.get("/calls/abc").status_code == 404


def test_a_call_not_yet_open_says_when_it_opens(app, client, programme):
    with app.app_context():
        opens = date.today() + timedelta(days=10)
        call = Call(
            programme_id=programme,
            title="Next spring's call",
            opens_on=opens,
            closes_on=opens + timedelta(days=30),
        )
        db.session.add(call)
        builders.commit()
        call_id = call.id
    page = client.get(f"/calls/{call_id}?lang=sv").text
    assert "Utlysningen öppnar" in page
    assert "/proposals/new" not in page


def test_the_three_newest_results_show_their_lesson_in_one_line(app, client, people):
    with app.app_context():
        programme = builders.make_programme(year=2020)
        owner, staff = people["applicant"], people["staff"]
        made = [
            _experiment(
                programme,
                owner,
                staff,
                status,
                decided=datetime(2021, month, 1, tzinfo=UTC),
                title=title,
                lessons=lessons,
            )
            for month, status, title, lessons in (
                (1, Status.ADOPTED, "Oldest decision", "Not on the home page."),
                (2, Status.DISCONTINUED, "Parking sensor", "Sensors froze in winter. We tried."),
                (3, Status.ADOPTED, "Library robot", "Children loved it."),
                (4, Status.ADOPTED, "Newest decision", "Start small. Then grow."),
            )
        ]
    page = client.get("/?lang=en").text
    results = page.split('id="results-title"')[1].split("</section>")[0]
    assert "Oldest decision" not in results
    titles = re.findall(r'<a href="/experiments/\d+"[^>]*>([^<]+)</a>', results)
    assert titles == ["Newest decision", "Library robot", "Parking sensor"]
    assert f'href="/experiments/{made[3]}"' in results
    # One line: the first sentence of each lesson.
    assert "Start small.</span>" in results and "Then grow." not in results
    assert "Sensors froze in winter.</span>" in results
    assert "Discontinued 2021" in results and "Adopted 2021" in results


def test_without_programmes_the_home_still_answers(client):
    page = client.get("/?lang=en")
    assert page.status_code == 200
    assert "No call is open right now." in page.text
    assert 'class="tiles"' not in page.text
