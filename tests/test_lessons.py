"""The public lessons library (/lessons): decided experiments' lessons, filtered and paged;
and the lessons in the open data."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, StatusChange
from tests import builders

HISTORY_REASON = "Told the applicant privately: the budget committee hesitated."


def _experiment(programme_id, owner_id, actor_id, status, decided=None, **fields):
    """An experiment in a state; decided (a UTC datetime) records the decision's move."""
    lessons = fields.pop("lessons", None)
    findings = fields.pop("findings", None)
    centres = fields.pop("centres", None)
    proposal_id = builders.make_proposal(owner_id, programme_id, status=status, **fields)
    experiment = db.session.scalar(select(Experiment).where(Experiment.proposal_id == proposal_id))
    if centres:
        experiment.proposal.city_centres = centres
    if findings:
        builders.make_evaluation(proposal_id, actor_id)
        experiment.evaluation.findings = findings
    experiment.decision = "Published decision." if lessons else None
    experiment.lessons_learned = lessons
    if decided:
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=Status.EVALUATION,
                to_status=status,
                actor_id=actor_id,
                at=decided,
                reason=HISTORY_REASON,
            )
        )
    builders.commit()
    return experiment.id


@pytest.fixture
def shelf(app, people):
    """Three decided experiments, two still under way and proposals that are not public."""
    with app.app_context():
        programme = builders.make_programme(year=2020)
        owner, staff = people["applicant"], people["staff"]
        ids = {
            "library": _experiment(
                programme,
                owner,
                staff,
                Status.ADOPTED,
                datetime(2021, 5, 3, 9, tzinfo=UTC),
                title="Library robot",
                service_area="culture_sport",
                centres=["tapiola", "leppavaara"],
                lessons="Train the staff before the robot arrives.",
                findings="Borrowers liked the robot.",
            ),
            "drone": _experiment(
                programme,
                owner,
                staff,
                Status.DISCONTINUED,
                # 23:30 UTC on New Year's Eve is already 2022 in Helsinki.
                datetime(2021, 12, 31, 23, 30, tzinfo=UTC),
                title="Drone post",
                service_area="environment_climate",
                lessons="Check the airspace rules first.",
                findings="Noise annoyed residents.",
            ),
            "parking": _experiment(
                programme,
                owner,
                staff,
                Status.DISCONTINUED,
                datetime(2019, 11, 4, 9, tzinfo=UTC),
                title="Parking sensor",
                service_area="mobility",
                lessons="Sensors froze in winter; test them outdoors for a season.",
                summary="SECRET-SUMMARY: our pricing model.",
                need="SECRET-NEED: a customer's name.",
                confidential_summary=True,
                confidential_need=True,
            ),
            "snow": _experiment(programme, owner, staff, Status.PILOT, title="Snow robot"),
            "bus": _experiment(
                programme, owner, staff, Status.EVALUATION, title="Bus app", findings="Buses."
            ),
        }
        for status in (Status.SUBMITTED, Status.REJECTED):
            builders.make_proposal(owner, programme, status=status, title=f"Hidden {status}")
        return ids


def _titles(page_text):
    return re.findall(r'<h2><a href="/experiments/\d+"[^>]*>([^<]+)</a></h2>', page_text)


def test_lists_decided_experiments_newest_decision_first(client, shelf):
    page = client.get("/lessons?lang=en")
    assert page.status_code == 200
    assert _titles(page.text) == ["Drone post", "Library robot", "Parking sensor"]
    assert "3 experiments with lessons" in page.text
    for hidden in ("Snow robot", "Bus app", "Hidden"):
        assert hidden not in page.text
    assert "Train the staff before the robot arrives." in page.text
    assert "Borrowers liked the robot." in page.text
    assert f'<a href="/experiments/{shelf["library"]}"' in page.text


def test_each_lesson_says_outcome_area_centres_and_year_in_words(client, shelf):
    page = client.get("/lessons?lang=en&outcome=adopted")
    meta = re.search(r'<p class="meta">(.*?)</p>', page.text, re.S).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", meta).split())
    assert words == ("Adopted · Decided in 2021 · Culture, sport and youth · Leppävaara, Tapiola")
    drone = client.get("/lessons?lang=en&service_area=environment_climate").text
    assert "Discontinued · Decided in 2022" in " ".join(re.sub(r"<[^>]+>", " ", drone).split())


@pytest.mark.parametrize(
    "query, titles",
    [
        ("outcome=adopted", ["Library robot"]),
        ("outcome=discontinued", ["Drone post", "Parking sensor"]),
        ("service_area=mobility", ["Parking sensor"]),
        ("centre=leppavaara", ["Library robot"]),
        ("centre=espoonlahti", []),
        ("q=drone", ["Drone post"]),
        ("q=FROZE", ["Parking sensor"]),
        ("q=borrowers+liked", ["Library robot"]),
        ("q=libraries", ["Library robot"]),  # stemmed: "library" in the title
        ("q=100%25", []),
        ("q=_", ["Drone post", "Library robot", "Parking sensor"]),  # no words: no filter
        ("q=r&outcome=discontinued&service_area=mobility", ["Parking sensor"]),
    ],
)
def test_filters(client, shelf, query, titles):
    page = client.get(f"/lessons?{query}")
    assert page.status_code == 200
    assert _titles(page.text) == titles


@pytest.mark.parametrize(
    "query",
    ["outcome=pilot", "outcome=rejected", "outcome=x", "centre=helsinki", "service_area=%00"],
)
def test_unknown_filter_values_are_left_out_and_said(client, shelf, query):
    page = client.get(f"/lessons?lang=en&{query}")
    assert page.status_code == 200
    assert "were not understood" in page.text
    assert len(_titles(page.text)) == 3


def test_secret_and_internal_text_is_never_shown_nor_searched(client, shelf):
    page = client.get("/lessons?lang=en")
    for secret in ("SECRET", "pricing model", HISTORY_REASON, "Applicant", "@test.example"):
        assert secret not in page.text
    for words in ("SECRET", "pricing", "customer's name", "budget committee"):
        found = client.get("/lessons", query_string={"q": words})
        assert _titles(found.text) == [], words


@pytest.mark.parametrize("who", [None, "applicant", "staff", "manager", "admin"])
def test_everyone_may_read_the_library(client, auth, shelf, who):
    if who:
        auth.login(who)
    page = client.get("/lessons")
    assert page.status_code == 200
    assert len(_titles(page.text)) == 3


def test_pages(app, client, people):
    with app.app_context():
        programme = builders.make_programme()
        for n in range(23):
            _experiment(
                programme,
                people["applicant"],
                people["staff"],
                Status.ADOPTED,
                datetime(2020, 1, 1 + n, 9, tzinfo=UTC),
                title=f"Experiment {n:02d}",
                lessons=f"Lesson {n}.",
            )
    first = client.get("/lessons?lang=en")
    assert _titles(first.text)[:2] == ["Experiment 22", "Experiment 21"]
    assert len(_titles(first.text)) == 20 and "Page 1 of 2" in first.text
    second = client.get("/lessons?page=2&q=experiment")
    assert _titles(second.text) == ["Experiment 02", "Experiment 01", "Experiment 00"]
    assert 'href="/lessons?page=1&amp;q=experiment"' in second.text
    assert client.get("/lessons?page=abc").status_code == 200
    assert client.get("/lessons?page=3").status_code == 404


def test_linked_from_the_home_page_and_the_catalogue(client):
    for url in ("/?lang=en", "/experiments?lang=en"):
        assert 'href="/lessons"' in client.get(url).text, url


@pytest.mark.parametrize(
    "lang, heading, count",
    [
        ("fi", "Opit", "3 kokeilua ja niiden opit"),
        ("sv", "Lärdomar", "3 försök med lärdomar"),
        ("en", "Lessons learned", "3 experiments with lessons"),
    ],
)
def test_in_three_languages(client, shelf, lang, heading, count):
    page = client.get(f"/lessons?lang={lang}")
    assert f'<html lang="{lang}"' in page.text
    assert f"<h1>{heading}</h1>" in page.text
    assert count in page.text


def test_open_data_carries_the_lessons(client, shelf):
    lesson = "Sensors froze in winter; test them outdoors for a season."
    items = client.get("/api/v1/public/experiments?per_page=100").get_json()["items"]
    parking = next(i for i in items if i["title"] == "Parking sensor")
    assert parking["lessons_learned"] == lesson
    library = next(i for i in items if i["title"] == "Library robot")
    assert library["evaluation"]["findings"] == "Borrowers liked the robot."
    rows = list(csv.DictReader(io.StringIO(client.get("/experiments/open-data.csv").text)))
    assert next(r for r in rows if r["title"] == "Parking sensor")["lessons_learned"] == lesson
    library_row = next(r for r in rows if r["title"] == "Library robot")
    assert (
        library_row["evaluation_findings"],
        library_row["evaluation_recommendation"],
        library_row["evaluation_language"],
    ) == ("Borrowers liked the robot.", "adopt", "en")
    parking_row = next(r for r in rows if r["title"] == "Parking sensor")
    assert parking_row["evaluation_findings"] == parking_row["evaluation_recommendation"] == ""
    data = client.get("/experiments/open-data.json").get_json()
    assert (
        next(i for i in data["items"] if i["title"] == "Parking sensor")["lessons_learned"]
        == lesson
    )
    described = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "lessons_learned" in described["PublicExperiment"]["properties"]
