"""Errors under /api/ are problem+json; the HTML site keeps its HTML error pages."""

import pytest

from tests import builders

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def _is_problem(response, status):
    assert response.status_code == status, response.text
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status
    return body


@pytest.mark.parametrize("raw", ['{"title": ', "not json", '{"a": 1}}', "\xff\xfe"])
def test_malformed_json_is_400(api, programme, raw):
    response = api.post(
        "/proposals", "applicant", data=raw.encode("latin-1"), content_type="application/json"
    )
    body = _is_problem(response, 400)
    assert "errors" not in body


def test_deeply_nested_json_is_400_not_500(api, programme):
    raw = "[" * 100_000 + "]" * 100_000
    response = api.post("/proposals", "applicant", data=raw, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("raw", ["[]", '"text"', "null", "42"])
def test_a_body_that_is_not_an_object_is_422(api, programme, raw):
    response = api.post("/proposals", "applicant", data=raw, content_type="application/json")
    body = _is_problem(response, 422)
    assert body["errors"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "version=1", "content_type": "application/x-www-form-urlencoded"},
        {"data": '{"version": 1}', "content_type": "text/plain"},
        {},
    ],
)
def test_a_missing_or_non_json_body_is_400(app, api, people, programme, kwargs):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    _is_problem(api.patch(f"/proposals/{proposal_id}", "applicant", **kwargs), 400)
    _is_problem(api.post("/proposals", "applicant", **kwargs), 400)


def test_oversized_bodies_are_413(api, programme):
    raw = '{"title": "' + "x" * (1024 * 1024) + '"}'
    response = api.post("/proposals", "applicant", data=raw, content_type="application/json")
    _is_problem(response, 413)
    response = api.post("/tokens", data=raw, content_type="application/json")
    _is_problem(response, 413)


def test_422_names_every_invalid_field(api, programme):
    response = api.post(
        "/proposals",
        "applicant",
        json={"title": "x", "sdgs": [0, 5, 99], "organisation": {"name": ""}, "nope": 1},
    )
    errors = _is_problem(response, 422)["errors"]
    assert {"title", "sdgs.0", "sdgs.2", "organisation.name", "nope"} <= set(errors)
    assert all(isinstance(m, list) and all(isinstance(t, str) for t in m) for m in errors.values())


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/api/v1/nothing-here", 404),
        ("GET", "/api/nothing", 404),
        ("DELETE", "/api/v1/proposals", 405),
        ("PUT", "/api/v1/me", 405),
    ],
)
def test_unknown_api_routes_are_problems(client, method, path, status):
    response = client.open(path, method=method)
    _is_problem(response, status)
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_html_pages_keep_html_errors(client, people):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "<html" in response.text
    response = client.get("/proposals/99999")  # login required → redirect, not JSON
    assert response.status_code in (302, 401)
    assert not response.content_type.startswith("application/")


def test_html_forms_still_get_html_413(client, people):
    response = client.post("/login", data={"email": "a@b.example", "password": "x" * 2_000_000})
    assert response.status_code == 413
    assert response.content_type.startswith("text/html")


def test_swagger_ui_is_served_from_this_site(client):
    response = client.get("/api/docs")
    assert response.status_code == 302
    with client.get(response.headers["Location"]) as page:
        assert page.status_code == 200
        assert "swagger-ui-bundle.js" in page.text and "https://" not in page.text
    with client.get("/static/swagger-ui/swagger-ui-bundle.js") as script:
        assert script.status_code == 200
