"""Figures a manager reads: exports in the reader's language (codes kept for machines), and
statistics whose parts add up, whose shares name their base, whose over-budget amounts
are flagged and whose empty years say why."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Expense, Programme, ProgrammeYear, Proposal
from tests import builders
from tests.test_exports import PROPOSAL_HEADER
from tests.test_statistics import Dataset

# What the reader reads, language by language: headers and code values.
READER = {
    "fi": {
        "header": ["Numero", "Ohjelma", "Haku", "Otsikko", "Tila", "Ehdottajan tyyppi"],
        "status": "Otettu käyttöön",
        "proposer_type": "Yritys",
        "service_area": "Liikkuminen ja liikenne",
        "city_centres": "Tapiola",
        "sdgs": "11. Kestävät kaupungit ja yhteisöt",
        "employees": "Osallistujat: kaupungin työntekijät",
        "sheet": "Ehdotukset",
        "statistics_header": ["Luku", "Kohta", "Arvo"],
        "company": "Yritys",
    },
    "sv": {
        "header": ["Nummer", "Program", "Utlysning", "Rubrik", "Status", "Typ av förslagsställare"],
        "status": "Införd",
        "proposer_type": "Företag",
        "service_area": "Mobilitet och trafik",
        "city_centres": "Hagalund",
        "sdgs": "11. Hållbara städer och samhällen",
        "employees": "Deltagare: stadens anställda",
        "sheet": "Förslag",
        "statistics_header": ["Tal", "Post", "Värde"],
        "company": "Företag",
    },
    "en": {
        "header": ["Number", "Programme", "Call", "Title", "Status", "Proposer type"],
        "status": "Adopted",
        "proposer_type": "Company",
        "service_area": "Mobility and transport",
        "city_centres": "Tapiola",
        "sdgs": "11. Sustainable cities and communities",
        "employees": "Participants: city employees",
        "sheet": "Proposals",
        "statistics_header": ["Figure", "Item", "Value"],
        "company": "Company",
    },
}


@pytest.fixture
def adopted(app, people):
    """A programme with one adopted experiment, a hostile title and a draft."""
    with app.app_context():
        programme = builders.make_programme()
        builders.make_proposal(people["applicant"], programme, Status.ADOPTED, title="=1+1")
        builders.make_proposal(people["applicant"], programme, Status.DRAFT, title="Draft")
        return programme


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8"), newline="")))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_proposals_csv_in_the_readers_language(client, auth, adopted, lang):
    auth.login("manager")
    rows = _csv(client.get(f"/exports/proposals.csv?programme={adopted}&labels=1&lang={lang}"))
    expected = READER[lang]
    header, record = rows[0], rows[1]
    assert header[:6] == expected["header"]
    assert expected["employees"] in header
    assert len(header) == len(PROPOSAL_HEADER)
    cells = dict(zip(PROPOSAL_HEADER, record, strict=True))
    for column in ("status", "proposer_type", "service_area", "city_centres", "sdgs"):
        assert cells[column] == expected[column], column
    assert cells["title"] == "'=1+1"  # still no formula
    assert cells["allocated_budget"] == "10000.00" and cells["employees"] == "0"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_spec_csv_keeps_its_codes_in_every_language(client, auth, adopted, lang):
    auth.login("manager")
    rows = _csv(client.get(f"/exports/proposals.csv?programme={adopted}&lang={lang}"))
    assert rows[0] == PROPOSAL_HEADER
    cells = dict(zip(PROPOSAL_HEADER, rows[1], strict=True))
    assert (cells["status"], cells["proposer_type"], cells["service_area"]) == (
        "adopted",
        "company",
        "mobility",
    )
    assert (cells["city_centres"], cells["sdgs"]) == ("tapiola", "11")
    assert [row[4] for row in rows[1:]] == ["adopted", "draft"]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_xlsx_opens_in_the_readers_language_with_the_codes_beside(client, auth, adopted, lang):
    auth.login("manager")
    response = client.get(f"/exports/proposals.xlsx?programme={adopted}&lang={lang}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    expected = READER[lang]
    assert workbook.sheetnames == [expected["sheet"], "codes"]
    reader, codes = workbook.worksheets
    assert workbook.active.title == expected["sheet"]
    assert [c.value for c in reader[1]][:6] == expected["header"]
    assert [c.value for c in codes[1]] == PROPOSAL_HEADER
    read = dict(zip(PROPOSAL_HEADER, (c.value for c in reader[2]), strict=True))
    coded = dict(zip(PROPOSAL_HEADER, (c.value for c in codes[2]), strict=True))
    assert (read["status"], coded["status"]) == (expected["status"], "adopted")
    assert (read["service_area"], coded["service_area"]) == (expected["service_area"], "mobility")
    assert read["title"] == coded["title"] == "'=1+1"
    assert read["allocated_budget"] == coded["allocated_budget"] == 10000
    assert [row[4].value for row in codes.iter_rows(min_row=2)] == ["adopted", "draft"]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_statistics_csv_in_the_readers_language_has_the_same_numbers(client, auth, adopted, lang):
    auth.login("manager")
    base = f"/exports/statistics.csv?programme={adopted}&lang={lang}"
    coded, read = _csv(client.get(base)), _csv(client.get(f"{base}&labels=1"))
    assert coded[0] == ["figure", "key", "value"]
    assert read[0] == READER[lang]["statistics_header"]
    assert len(read) == len(coded)
    assert [row[2] for row in read][1:] == [row[2] for row in coded][1:]
    company = next(i for i, row in enumerate(coded) if row[:2] == ["by_proposer_type", "company"])
    assert read[company][1] == READER[lang]["company"]


def test_the_exports_page_offers_the_readers_files_and_the_codes(client, auth, adopted):
    auth.login("manager")
    page = client.get("/exports/?lang=fi").text
    assert f"/exports/proposals.csv?labels=1&amp;programme={adopted}" in page
    assert f"/exports/proposals.csv?programme={adopted}" in page
    assert f"/exports/statistics.csv?labels=1&amp;programme={adopted}" in page
    assert "Koodeina, muille ohjelmille" in page
    assert client.get("/exports/?lang=sv").status_code == 200


# The dashboard.


class Bars(HTMLParser):
    """Each chart's caption and its bars' (label, text), by the chart table's id."""

    def __init__(self, page: str):
        super().__init__()
        self.captions: dict[str, str] = {}
        self.bars: dict[str, list[list[str]]] = {}
        self._chart = self._cell = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table" and ("charts-css" in classes or "chart-table" in classes):
            self._chart = attrs["id"]
            self.captions[self._chart] = ""
            self.bars[self._chart] = []
        elif self._chart and tag == "caption":
            self._cell = "caption"
        elif self._chart and tag == "tr" and self._in_body:
            self.bars[self._chart].append(["", ""])
        elif self._chart and tag in ("th", "td") and self.bars[self._chart] and self._in_body:
            # A drawn chart's table may have several columns: the first is the chart's bar.
            self._cell = tag if tag == "th" or not self.bars[self._chart][-1][1] else "other"
        if tag == "tbody":
            self._in_body = True

    _in_body = False

    def handle_endtag(self, tag):
        if tag == "table":
            self._chart = None
        elif tag == "tbody":
            self._in_body = False
        elif tag in ("caption", "th", "td"):
            self._cell = None

    def handle_data(self, data):
        if not self._chart or not self._cell:
            return
        if self._cell == "caption":
            self.captions[self._chart] += data
        elif self._cell != "other":
            self.bars[self._chart][-1][0 if self._cell == "th" else 1] += data


@pytest.fixture
def dataset(app):
    """Programme P of the statistics tests: seven submitted proposals in six states."""
    with app.app_context():
        return Dataset().p.id


def _count(text: str) -> int:
    return int(re.match(r"\d+", text.replace("\xa0", "")).group())


def test_where_proposals_are_now_adds_up_to_the_submitted(client, dataset):
    charts = Bars(client.get(f"/statistics?programme={dataset}&lang=en").text)
    bars = dict(charts.bars["outcomes"])
    assert list(bars) == [
        "Awaiting screening",
        "In screening",
        "More information requested",
        "Pilot",
        "In evaluation",
        "Adopted",
        "Discontinued",
        "Rejected",
        "Withdrawn",
    ]
    assert sum(_count(text) for text in bars.values()) == 7
    assert bars["Awaiting screening"] == "1 (14 %)"
    assert bars["More information requested"] == "1 (14 %)"
    assert charts.captions["outcomes"] == (
        "Where the 7 submitted proposals are now, and their share in each state"
    )


def test_every_share_names_its_base_and_the_base_is_one(client, dataset):
    page = client.get(f"/statistics?programme={dataset}&lang=en").text
    charts = Bars(page)
    assert "Conversion: 42.9 % of the 7 submitted proposals were carried out as experiments." in (
        page
    )
    assert charts.captions["funnel-table"] == (
        "Proposals at each stage, as a share of the 7 submitted proposals"
    )
    for chart in ("by-proposer", "by-year", "by-call", "by-area", "by-sdg"):
        assert charts.captions[chart].endswith(", as a share of the 7 submitted proposals"), chart
    assert "(with their share of the 7 submitted proposals)" in charts.captions["centres-table"]
    # A proposal may concern several centres: their shares are still of the 7 proposals.
    centres = dict(charts.bars["centres-table"])
    assert centres["Tapiola"] == "2 (29 %)" and centres["Leppävaara"] == "1 (14 %)"
    assert dict(charts.bars["funnel-table"])["Screened"] == "6 (86 %)"


def test_shares_and_bases_in_finnish_and_swedish(client, dataset):
    fi = Bars(client.get(f"/statistics?programme={dataset}&lang=fi").text)
    assert fi.captions["funnel-table"] == (
        "Ehdotukset vaiheittain, osuutena 7 lähetetystä ehdotuksesta"
    )
    assert dict(fi.bars["outcomes"])["Odottaa esikäsittelyä"] == "1 (14 %)"
    sv = Bars(client.get(f"/statistics?programme={dataset}&lang=sv").text)
    assert sv.captions["outcomes"] == (
        "Var de 7 inlämnade förslagen är nu och deras andel i varje status"
    )


def test_a_year_after_the_last_call_says_so(client, dataset):
    years = dict(Bars(client.get(f"/statistics?programme={dataset}&lang=en").text).bars["by-year"])
    assert years == {"2015": "3 (43 %)", "2016": "4 (57 %)", "2017": "0: after the last call"}


@pytest.fixture
def quiet(app, people):
    """Programme 2015–2021 with calls in 2016 and 2018 and one proposal in each."""
    with app.app_context():
        programme = Programme(name="Quiet years", start_year=2015, end_year=2021)
        programme.years = [
            ProgrammeYear(year=y, annual_budget=Decimal("1000.00")) for y in range(2015, 2022)
        ]
        for year in (2016, 2018):
            programme.calls.append(
                Call(title=f"Call {year}", opens_on=date(year, 2, 1), closes_on=date(year, 5, 31))
            )
        db.session.add(programme)
        db.session.commit()
        for call in programme.calls:
            proposal_id = builders.make_proposal(
                people["applicant"], programme.id, Status.SUBMITTED
            )
            proposal = db.session.get(Proposal, proposal_id)
            proposal.call = call
            proposal.submitted_at = datetime(call.opens_on.year, 3, 1, tzinfo=UTC)
        db.session.commit()
        return programme.id


@pytest.mark.parametrize(
    ("lang", "before", "between", "after"),
    [
        ("en", "before the first call", "no call was open", "after the last call"),
        ("fi", "ennen ensimmäistä hakua", "mikään haku ei ollut auki", "viimeisen haun jälkeen"),
        (
            "sv",
            "före den första utlysningen",
            "ingen utlysning var öppen",
            "efter den sista utlysningen",
        ),
    ],
)
def test_years_without_proposals_say_why(client, quiet, lang, before, between, after):
    page = client.get(f"/statistics?programme={quiet}&lang={lang}").text
    years = dict(Bars(page).bars["by-year"])
    assert years["2015"] == f"0: {before}"
    assert years["2016"] == "1 (50 %)"
    assert years["2017"] == f"0: {between}"
    assert years["2018"] == "1 (50 %)"
    assert years["2019"] == years["2020"] == years["2021"] == f"0: {after}"


@pytest.fixture
def overspent(app, dataset):
    """Programme P, where the running pilot spends over its allocation (10,000.55) in 2017
    and the 2016 budget is cut below what was allocated and spent that year."""
    with app.app_context():
        running = db.session.scalars(
            db.select(Proposal).where(
                Proposal.programme_id == dataset, Proposal.status == Status.PILOT
            )
        ).one()
        db.session.add(
            Expense(
                experiment_id=running.experiment.id,
                date=date(2017, 3, 1),
                amount=Decimal("12000.00"),
                description="Robots",
            )
        )
        year = db.session.scalars(
            db.select(ProgrammeYear).where(
                ProgrammeYear.programme_id == dataset, ProgrammeYear.year == 2016
            )
        ).one()
        year.annual_budget = Decimal("4000.00")
        db.session.commit()
        return {"programme": dataset, "pilot": running.experiment.id}


def test_spending_over_a_pilots_allocation_is_flagged(client, auth, overspent):
    auth.login("manager")
    page = client.get(f"/statistics?programme={overspent['programme']}&lang=en").text
    assert re.search(
        r'<div id="overspent-box" class="flash flash-error">\s*'
        r'<p data-metric="overspent_pilots" id="overspent">'
        r"Pilots that spent more than their allocated budget: <strong>1</strong>",
        page,
    )
    assert f'href="/pilots/{overspent["pilot"]}">T</a>: spent' in page
    assert "spent €12,000.00 of €10,000.55 allocated, €1,999.45 over" in page


def test_the_public_sees_the_count_but_not_the_pilots(client, overspent):
    page = client.get(f"/statistics?programme={overspent['programme']}&lang=en").text
    assert "Pilots that spent more than their allocated budget: <strong>1</strong>" in page
    assert "allocated, €1,999.45 over" not in page


def test_a_year_over_its_budget_is_flagged(client, overspent):
    page = client.get(f"/statistics?programme={overspent['programme']}&lang=en").text
    assert "2016: €15,000.00 allocated, over the annual budget of €4,000.00." in page
    assert "2016: €4,000.50 spent, over the annual budget of €4,000.00." in page
    assert "2015:" not in page.split('id="budget-warnings"')[1].split("</div>")[0]
    row = re.search(r'<tr role="row"><th scope="row" role="rowheader">2016</th>(.*?)</tr>', page)
    row = row.group(1)
    assert row.count('class="num over"') == 3  # allocated, spent, remaining
    assert "(over the annual budget)" in row


def test_nothing_is_flagged_within_the_budget(client, dataset):
    page = client.get(f"/statistics?programme={dataset}&lang=en").text
    assert 'id="budget-warnings"' not in page and 'class="num over"' not in page
    assert "Pilots that spent more than their allocated budget: <strong>0</strong>" in page
