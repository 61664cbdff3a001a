"""Numbers beyond what the database holds, in paths, queries and forms: 404, 422 or a
message, never a server error."""

import re

import pytest
from werkzeug.routing.converters import NumberConverter

from experiments.lifecycle import Status
from experiments.routing import IdConverter
from experiments.rules import MAX_ID, MAX_PAGE
from tests import builders

BIG = "9" * 21
ONE_TOO_MANY = str(MAX_ID + 1)
ROLES = ["admin", "manager"]

# The addresses of the security review, each with a number no database integer holds.
BEYOND = [
    f"/experiments/{BIG}",
    f"/experiments?page={BIG}",
    f"/scorecards/{BIG}",
    f"/scorecards/{BIG}/scorecard.xlsx",
    f"/proposals/{BIG}",
    f"/proposals/{ONE_TOO_MANY}",
    f"/screening?page={BIG}",
    f"/admin/users?page={BIG}",
    f"/admin/users/{BIG}",
    f"/accessibility/feedback?page={BIG}",
    f"/programmes/{BIG}",
    f"/programmes/1/calls/{BIG}/edit",
    "/exports/statistics.csv?year=99999999",
    f"/exports/statistics.csv?year={BIG}",
    f"/exports/proposals.csv?programme={BIG}",
    f"/statistics?year={BIG}&call={BIG}",
    f"/pilots/{ONE_TOO_MANY}",
]


@pytest.fixture
def data(app, people):
    """A programme with a proposal in screening and a pilot, so that pages have rows."""
    with app.app_context():
        programme = builders.make_programme()
        builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
        builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )
        return programme


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", BEYOND)
def test_numbers_beyond_range_are_no_server_error(client, auth, data, who, url):
    auth.login(who)
    response = client.get(url)
    assert response.status_code < 500, response.status_code
    path = url.split("?")[0]
    if re.search(r"/[0-9]{10,}(/|$)", path):
        assert response.status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_a_page_beyond_range_is_the_last_allowed_one(client, auth, data, who):
    auth.login(who)
    url = "/admin/users" if who == "admin" else "/screening"
    assert client.get(f"{url}?page={BIG}").status_code == 200
    assert client.get(f"{url}?page=-{BIG}").status_code == 200
    assert client.get(f"{url}?page=two").status_code == 200


def _path(rule, number: str) -> str:
    """The rule's path with the number in each numeric argument, "x" in the others."""

    def value(match):
        name = match.group(1).split(":")[-1]
        return number if isinstance(rule._converters[name], NumberConverter) else "x"

    return re.sub(r"<([^>]+)>", value, rule.rule)


# Readiness answers 503 by design here: the tests' tables are made from the models, not by
# the migrations, so the schema is never "at the latest migration" (tests/test_operations.py).
NOT_SWEPT = {"static", "operations.readyz"}


def _get_rules(app):
    return [
        r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in NOT_SWEPT
    ]


@pytest.mark.parametrize("number", [BIG, ONE_TOO_MANY, "9" * 400, "²"])
@pytest.mark.parametrize("who", ROLES)
def test_every_get_route_with_huge_numbers_is_no_server_error(app, client, auth, data, who, number):
    auth.login(who)
    query = f"?page={number}&year={number}&call={number}&programme={number}&per_page={number}"
    failures = []
    for rule in _get_rules(app):
        path = _path(rule, number)
        for url in (path, path + query):
            status = client.get(url).status_code
            if status >= 500 or (rule.arguments - {"target", "token"} and status != 404):
                failures.append(f"{url[:80]} {status}")
    assert failures == []


def test_every_numeric_path_argument_is_an_id(app):
    others = sorted(
        f"{rule.rule} {name}"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if isinstance(converter, NumberConverter) and not isinstance(converter, IdConverter)
    )
    assert others == []


def test_the_id_converter_takes_exactly_1_to_the_largest_id(app):
    pattern = re.compile(IdConverter.regex)
    taken = ["1", "9", "10", "99", "1000000000", "2000000000", "2147483639", str(MAX_ID)]
    refused = ["0", "00", "01", "-1", "+1", "1.0", ONE_TOO_MANY, "2147483650", "2147490000"]
    refused += ["2150000000", "3000000000", "9999999999", "10000000000", BIG]
    assert [n for n in taken if not pattern.fullmatch(n)] == []
    assert [n for n in refused if pattern.fullmatch(n)] == []
    # Every length and leading digit around the limit.
    for number in [*range(1, 2000), *range(MAX_ID - 2000, MAX_ID + 2000, 7)]:
        assert bool(pattern.fullmatch(str(number))) == (1 <= number <= MAX_ID), number
    for digits in range(1, 12):
        for lead in range(1, 10):
            number = int(str(lead) + "5" * (digits - 1))
            assert bool(pattern.fullmatch(str(number))) == (number <= MAX_ID), number


# --- the API ---------------------------------------------------------------------------------


def test_every_api_route_with_an_id_beyond_range_is_404(app, api, data):
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or not rule.arguments:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for number in (ONE_TOO_MANY, BIG):
                response = api.request(method, _path(rule, number)[len("/api/v1") :], "manager")
                if response.status_code != 404:
                    failures.append(f"{method} {rule.rule} {number}: {response.status_code}")
    assert failures == []


@pytest.mark.parametrize("path", ["/proposals", "/public/experiments"])
def test_an_api_page_beyond_range_is_422(api, data, path):
    response = api.get(f"{path}?page={MAX_PAGE + 1}", "manager")
    assert response.status_code == 422
    assert "page" in response.get_json()["errors"]


# --- forms -----------------------------------------------------------------------------------

TOO_LONG = "Enter a number with fewer digits."


def test_a_programme_year_beyond_range_is_a_field_message(client, auth, people):
    auth.login("manager")
    data = {"name": "P", "start_year": "9" * 400, "end_year": "2030", "annual_budget": "1000"}
    response = client.post("/programmes/new", data=data)
    assert response.status_code == 422
    assert TOO_LONG in response.text


def test_a_proposal_duration_beyond_range_is_a_field_message(client, auth, people, programme):
    auth.login("applicant")
    response = client.post("/proposals/new", data={"planned_duration_months": BIG})
    assert response.status_code == 422
    assert TOO_LONG in response.text


@pytest.mark.parametrize("version", [BIG, "9" * 5000, "²"])
def test_a_version_beyond_range_is_a_stale_one(app, client, auth, people, programme, version):
    with app.app_context():
        proposal = builders.make_proposal(people["applicant"], programme)
    auth.login("applicant")
    response = client.post(
        f"/proposals/{proposal}/moves/withdrawn",
        data={
            "withdrawn-to": "withdrawn",
            "withdrawn-version": version,
            "withdrawn-confirmed": "yes",
        },
    )
    assert response.status_code in (303, 422)
    auth.login("manager")
    data = {"name": "P", "start_year": "2026", "end_year": "2027", "version": version}
    response = client.post(f"/programmes/{programme}/edit", data=data)
    assert response.status_code == 422
