"""The statistics registry is the one list of figures: the JSON, the API schema, the CSV
export, the dashboard and the scorecard show its entries, all of them and nothing else."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from experiments import scorecard, statistics
from experiments.api.statistics import NESTED, StatisticsSchema
from experiments.statistics import (
    METRIC,
    PUBLIC,
    Shape,
    budget_years,
    programme_statistics,
    statistics_json,
    year_budget,
)
from tests.test_statistics import Dataset

# SPEC "Statistics JSON", written out: the contract the registry's public entries keep.
SPEC_KEYS = [
    "programme",
    "proposals",
    "by_proposer_type",
    "by_year",
    "by_service_area",
    "by_city_centre",
    "screened",
    "carried_out",
    "running",
    "in_evaluation",
    "adopted",
    "discontinued",
    "rejected",
    "withdrawn",
    "conversion",
    "budget",
    "participants",
    "partner_organisations",
    "median_days_to_screening_decision",
    "median_experiment_days",
]


@pytest.fixture
def programme(app):
    """Programme P of the statistics tests: every figure has something to count."""
    with app.app_context():
        return Dataset().p.id


def _json_fields() -> list[str]:
    """The JSON's fields as the registry makes them: its public entries, parts grouped."""
    return ["programme", *dict.fromkeys(metric.part_of or metric.name for metric in PUBLIC)]


def _csv_figures(metric) -> list[str]:
    if metric.part_of:
        return [metric.part_of]
    if metric.shape is Shape.YEARS:
        return [f"{metric.name}.{column.name}" for column in metric.columns]
    return [metric.name]


def _text(value) -> str:
    return "" if value is None else str(value)


class Figures(HTMLParser):
    """The dashboard's tables: whether each names its entry, or else each of its rows does;
    and the text of every element that names one."""

    def __init__(self, page: str):
        super().__init__()
        self.tables: list[tuple[str | None, list[str | None]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str | None] = []  # the entry of each open element, if it names one
        self._body = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        metric = dict(attrs).get("data-metric")
        if tag == "table":
            self.tables.append((metric, []))
        elif tag == "tbody":
            self._body = True
        elif tag == "tr" and self._body:
            self.tables[-1][1].append(metric)
        if metric:
            self.texts.setdefault(metric, []).append("")
        self._open.append(metric)

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._body = False
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for metric in filter(None, self._open):
            self.texts[metric][-1] += data


def test_names_are_unique_and_every_entry_is_complete():
    assert len(METRIC) == len(statistics.METRICS)
    for metric in statistics.METRICS:
        assert re.fullmatch(r"[a-z][a-z_]*", metric.name), metric.name
        assert metric.label, metric.name
        if metric.goal:
            assert metric.unit, metric.name
        if metric.shape is Shape.YEARS:
            assert metric.columns, metric.name


def test_the_json_is_the_public_entries(app, programme):
    with app.app_context():
        stats = programme_statistics(programme)
        data = statistics_json(stats)
    assert list(data) == _json_fields() == SPEC_KEYS
    for metric in PUBLIC:
        value = data[metric.part_of][metric.name] if metric.part_of else data[metric.name]
        assert value == metric.json(stats), metric.name


def test_the_api_schema_and_answer_are_the_public_entries(app, client, programme):
    assert list(StatisticsSchema().fields) == _json_fields()
    columns = [column.name for column in METRIC["budget"].columns]
    assert list(NESTED["budget"]().fields) == ["year", *columns]
    parts = [metric.name for metric in PUBLIC if metric.part_of == "participants"]
    assert list(NESTED["participants"]().fields) == parts
    body = client.get(f"/api/v1/statistics?programme={programme}").get_json()
    with app.app_context():
        assert body == statistics_json(programme_statistics(programme))


def test_the_csv_has_each_public_entry_with_the_jsons_values(app, client, auth, programme):
    auth.login("manager")
    text = client.get(f"/exports/statistics.csv?programme={programme}").text
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == ["figure", "key", "value"]
    figures = [figure for figure, _key, _value in rows if figure not in ("programme", "filter")]
    expected = (name for metric in PUBLIC for name in _csv_figures(metric))
    assert list(dict.fromkeys(figures)) == list(dict.fromkeys(expected))
    with app.app_context():
        data = statistics_json(programme_statistics(programme))
    values = {(figure, key): value for figure, key, value in rows}
    for metric in PUBLIC:
        value = data[metric.part_of or metric.name]
        if metric.part_of:
            assert values[(metric.part_of, metric.name)] == _text(value[metric.name])
        elif metric.shape is Shape.BREAKDOWN:
            assert {k: v for (f, k), v in values.items() if f == metric.name} == {
                key: _text(n) for key, n in value.items()
            }
        elif metric.shape is Shape.YEARS:
            for year in value:
                for column in metric.columns:
                    cell = values[(f"{metric.name}.{column.name}", str(year["year"]))]
                    assert cell == year[column.name]
        else:
            assert values[(metric.name, "")] == _text(value), metric.name


def test_the_dashboard_shows_every_entry_and_only_the_registrys_figures(app, client, programme):
    page = Figures(client.get(f"/statistics?programme={programme}&lang=en").text)
    # Every table of figures names its entry, or each of its rows does.
    assert page.tables
    for metric, rows in page.tables:
        assert metric or (rows and all(rows)), (metric, rows)
    shown = set(page.texts)
    assert shown <= set(METRIC), shown - set(METRIC)
    assert {metric.name for metric in PUBLIC} <= shown
    # The other entries are on the page or measure scorecard goals: none is idle.
    goals = {metric.name for metric in statistics.GOAL_METRICS}
    assert set(METRIC) <= shown | goals, set(METRIC) - shown - goals
    with app.test_request_context("/?lang=en"):
        stats = programme_statistics(programme)
        for name, texts in page.texts.items():
            metric = METRIC[name]
            if metric.shape in (Shape.FIGURE, Shape.RANGE):
                for text in texts:
                    assert metric.text(stats) in text, (name, text)


def test_scorecard_goals_are_the_registrys_single_figures():
    figures = [metric for metric in statistics.METRICS if metric.shape is Shape.FIGURE]
    assert list(scorecard.METRICS) == list(statistics.GOAL_METRICS) == figures
    assert scorecard.METRIC_CODES == {metric.name for metric in figures} | {"manual"}
    assert scorecard.metric_choices()[:-1] == [(metric.name, metric.label) for metric in figures]


def test_one_budget_per_year_for_everyone(app, programme):
    with app.app_context():
        stats = programme_statistics(programme)
        assert stats.budget == budget_years(programme)
        assert [year_budget(programme, year.year) for year in stats.budget] == list(stats.budget)
        assert [year.pilots for year in stats.budget] == [1, 1, 1]
        assert year_budget(programme, 1999) is None
