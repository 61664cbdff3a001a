"""The public catalogue and its open data: experiments from pilot on, filters, pages, no
personal data, never a 500 for bad input."""

import csv
import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from experiments import catalogue
from experiments.demo.storyline import load_demo
from experiments.demo.users import DEMO_USERS
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Programme,
    Proposal,
    User,
)
from experiments.statistics import DIGITAL_AGENDA
from tests import builders

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# The open data's columns, in order: what the published files promise their readers.
OPEN_DATA_HEADER = [
    "id",
    "title",
    "summary",
    "need",
    "status",
    "programme",
    "call",
    "proposer_type",
    "organisation",
    "organisation_business_id",
    "service_area",
    "city_centres",
    "sdgs",
    "allocated_budget",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "city_unit",
    "partners",
    "residents_customers",
    "companies_communities",
    "employees",
    "outcome",
    "lessons_learned",
    "language",
    "outcome_language",
    "evaluation_findings",
    "evaluation_recommendation",
    "evaluation_language",
]


@pytest.fixture
def owner(app):
    with app.app_context():
        return builders.make_user(Role.APPLICANT, name="Pirjo Personal", email="pirjo@test.example")


def _experiment(programme_id, owner, status=Status.ADOPTED, start=None, **fields):
    proposal_id = builders.make_proposal(owner, programme_id, status=status, **fields)
    experiment = db.session.scalar(select(Experiment).where(Experiment.proposal_id == proposal_id))
    if start:
        experiment.start_date = start
        experiment.planned_end_date = date(start.year, 12, 31)
        if experiment.actual_end_date:
            experiment.actual_end_date = date(start.year, 12, 30)
    db.session.commit()
    return experiment.id


@pytest.fixture
def shelf(app, owner):
    """Four experiments of different kinds, and proposals that are not public."""
    with app.app_context():
        programme = builders.make_programme(year=2020)
        ids = {
            "adopted": _experiment(
                programme,
                owner,
                Status.ADOPTED,
                date(2019, 5, 1),
                title="Library robot",
                service_area="culture_sport",
            ),
            "pilot": _experiment(
                programme,
                owner,
                Status.PILOT,
                date(2020, 3, 1),
                title="Snow robot",
                service_area="mobility",
            ),
            "evaluation": _experiment(
                programme,
                owner,
                Status.EVALUATION,
                date(2021, 1, 10),
                title="Bus app",
                service_area="mobility",
            ),
            "discontinued": _experiment(
                programme,
                owner,
                Status.DISCONTINUED,
                date(2020, 6, 1),
                title="Drone post",
                service_area="environment_climate",
            ),
        }
        # The library robot concerns Leppävaara and SDG 4 as well as Tapiola and SDG 11.
        library = db.session.get(Experiment, ids["adopted"]).proposal
        library.city_centres = ["tapiola", "leppavaara"]
        library.sdgs = [4, 11]
        experiment = db.session.get(Experiment, ids["adopted"])
        partner = Organisation(
            name="Kirjasto-osuuskunta", type="community", business_id="1234567-1"
        )
        experiment.partners.append(ExperimentPartner(organisation=partner, role="partner"))
        experiment.participation.append(
            Participation(date=date(2019, 6, 1), category="residents_customers", count=42)
        )
        for status in (Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.REJECTED):
            builders.make_proposal(owner, programme, status=status, title=f"Hidden {status}")
        db.session.commit()
        return ids


def _titles(page_text):
    return re.findall(r'<h2><a href="/experiments/\d+"[^>]*>([^<]+)</a></h2>', page_text)


def test_lists_experiments_from_pilot_on_newest_first(client, shelf):
    page = client.get("/experiments")
    assert page.status_code == 200
    assert _titles(page.text) == ["Bus app", "Drone post", "Snow robot", "Library robot"]
    assert "Hidden" not in page.text
    assert "4 experiments" in page.text


@pytest.mark.parametrize(
    "query, titles",
    [
        ("status=pilot", ["Snow robot"]),
        ("status=discontinued", ["Drone post"]),
        ("year=2020", ["Drone post", "Snow robot"]),
        ("service_area=mobility", ["Bus app", "Snow robot"]),
        ("centre=leppavaara", ["Library robot"]),
        ("sdg=4", ["Library robot"]),
        ("sdg=11&service_area=mobility&year=2021", ["Bus app"]),
    ],
)
def test_filters(client, shelf, query, titles):
    assert _titles(client.get(f"/experiments?{query}").text) == titles


@pytest.mark.parametrize("path", ["/experiments", "/lessons"])
def test_the_chosen_filters_stay_chosen(client, shelf, path):
    html = client.get(f"{path}?centre=leppavaara&service_area=mobility").text
    assert '<option value="leppavaara" selected>' in html
    assert '<option value="mobility" selected>' in html
    assert '<option value="espoonlahti">' in html


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "status=rejected",
        "status=nonsense",
        "year=abc",
        "year=-5",
        "sdg=0",
        "sdg=18",
        "centre=helsinki",
        "service_area=%00",
        "programme=x",
        "year=999999999999999999999",
    ],
)
def test_invalid_filters_are_ignored(client, shelf, query):
    page = client.get(f"/experiments?{query}")
    assert page.status_code == 200
    assert "were not understood" in page.text
    assert len(_titles(page.text)) == 4


def test_pages(client, app, owner):
    with app.app_context():
        programme = builders.make_programme()
        for n in range(23):
            _experiment(programme, owner, title=f"Experiment {n:02d}")
    first = client.get("/experiments")
    assert len(_titles(first.text)) == 20 and "Page 1 of 2" in first.text
    second = client.get("/experiments?page=2")
    assert len(_titles(second.text)) == 3
    assert client.get("/experiments?page=0").status_code == 200
    assert client.get("/experiments?page=abc").status_code == 200
    assert client.get("/experiments?page=3").status_code == 404


def test_detail_page(client, shelf, app):
    page = client.get(f"/experiments/{shelf['adopted']}")
    assert page.status_code == 200
    assert "Library robot" in page.text
    assert 'Kirjasto-osuuskunta <span class="partner-role">– Partner</span>' in page.text
    assert "1234567-1" not in page.text  # a partner's business ID is for the open data
    assert "<dt>Residents and customers</dt><dd>42</dd>" in page.text
    assert client.get("/experiments/999999").status_code == 404
    assert client.get("/experiments/abc").status_code == 404


def test_no_personal_data_on_public_pages_or_open_data(client, shelf, app):
    with app.app_context():
        names = db.session.scalars(select(User.name)).all()
    urls = [
        "/experiments",
        "/experiments/open-data",
        "/experiments/open-data.csv",
        "/experiments/open-data.json",
        "/statistics",
        *(f"/experiments/{i}" for i in shelf.values()),
    ]
    for url in urls:
        text = client.get(url).get_data(as_text=True)
        assert not EMAIL.search(text), url
        assert not [n for n in names if n in text], url


def test_the_demo_publishes_no_personal_data(client, app):
    with app.app_context():
        for email, name, role, _password in DEMO_USERS:
            builders.make_user(role, email=email, name=name)
        load_demo()
        names = db.session.scalars(select(User.name)).all()
        ids = db.session.scalars(select(Experiment.id)).all()
    assert len(ids) == 20 and len(names) > 50
    texts = [
        client.get(url).get_data(as_text=True)
        for url in (
            "/experiments",
            "/experiments/open-data.csv",
            "/experiments/open-data.json",
            "/statistics",
            *(f"/experiments/{i}" for i in ids),
        )
    ]
    for text in texts:
        assert not EMAIL.search(text)
        assert not [n for n in names if n in text]


def test_confidential_sections_are_never_published(client, shelf, app):
    with app.app_context():
        proposal = db.session.get(Experiment, shelf["pilot"]).proposal
        proposal.summary, proposal.need = "Secret sauce recipe", "Secret customer list"
        proposal.confidential_summary = proposal.confidential_need = True
        db.session.commit()
    for url in (
        f"/experiments/{shelf['pilot']}",
        "/experiments",
        "/experiments/open-data.csv",
        "/experiments/open-data.json",
    ):
        assert "Secret" not in client.get(url).get_data(as_text=True), url


def test_open_data_csv(client, shelf):
    response = client.get("/experiments/open-data.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "creativecommons.org/licenses/by/4.0" in response.headers["Link"]
    raw = response.get_data(as_text=True)
    assert raw.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == OPEN_DATA_HEADER
    assert len(rows) == 5
    library = next(r for r in rows if r[1] == "Library robot")
    record = dict(zip(rows[0], library, strict=True))
    assert record["city_centres"] == "tapiola; leppavaara" or record["city_centres"] == (
        "leppavaara; tapiola"
    )
    assert record["residents_customers"] == "42" and record["status"] == "adopted"
    assert "Kirjasto-osuuskunta (partner)" in record["partners"]


def test_open_data_json(client, shelf):
    response = client.get("/experiments/open-data.json")
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["licence"] == "CC-BY-4.0"
    assert len(data["items"]) == 4
    library = next(i for i in data["items"] if i["title"] == "Library robot")
    assert set(library) == {
        "id",
        "title",
        "summary",
        "need",
        "status",
        "programme",
        "call",
        "proposer_type",
        "organisation",
        "service_area",
        "city_centres",
        "sdgs",
        "allocated_budget",
        "start_date",
        "planned_end_date",
        "actual_end_date",
        "city_unit",
        "partners",
        "participants",
        "outcome",
        "lessons_learned",
        "evaluation",
        "language",
        "outcome_language",
        "attachments",
    }
    assert library["allocated_budget"] == "10000.00"
    assert library["participants"] == {
        "residents_customers": 42,
        "companies_communities": 0,
        "employees": 0,
    }
    assert library["partners"] == [
        {
            "name": "Kirjasto-osuuskunta",
            "type": "community",
            "business_id": "1234567-1",
            "role": "partner",
        }
    ]


def test_open_data_neutralises_formulas(client, app, owner):
    with app.app_context():
        programme = builders.make_programme()
        _experiment(programme, owner, title='=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(client.get("/experiments/open-data.csv").text)))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_data_dictionary_lists_every_column(client):
    page = client.get("/experiments/open-data").text
    for name in OPEN_DATA_HEADER:
        assert f"<code>{name}</code>" in page
    assert "CC BY 4.0" in page


def test_public_experiments_contract(app, shelf):
    with app.test_request_context():
        page = catalogue.public_experiments(catalogue.CatalogueFilter(), 1, 2)
        assert (page.total, page.page, page.per_page, len(page.items)) == (4, 1, 2, 2)
        filters, errors = catalogue.parse_filters({"status": "adopted", "sdg": "42"})
        assert filters.status == Status.ADOPTED and filters.sdg is None
        assert list(errors) == ["sdg"]
        only = catalogue.public_experiments(filters, 1, 20)
        assert [i.title for i in only.items] == ["Library robot"]


def test_catalogue_without_digital_agenda_or_programmes(client):
    page = client.get("/experiments")
    assert page.status_code == 200 and "No experiments match." in page.text
    assert client.get("/experiments/open-data.json").get_json()["items"] == []
    assert client.get("/experiments/open-data.csv").text.count("\r\n") == 1


def test_demo_programme_is_in_the_catalogue(client, app):
    with app.app_context():
        for email, name, role, _password in DEMO_USERS:
            builders.make_user(role, email=email, name=name)
        load_demo()
        programme_id = db.session.scalar(
            select(Programme.id).where(Programme.name == DIGITAL_AGENDA)
        )
        public = db.session.scalar(
            select(Proposal.id)
            .where(Proposal.programme_id == programme_id, Proposal.status == Status.ADOPTED)
            .limit(1)
        )
        assert public
    page = client.get(f"/experiments?programme={programme_id}&status=adopted").text
    assert "16 experiments" in page
