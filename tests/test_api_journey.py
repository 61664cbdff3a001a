"""A client that knows only /api/openapi.json takes a proposal from draft to adopted.

Every call is found by its operationId; every body it sends uses only documented fields
(with all required ones), and every answer is checked against the documented schema.
"""

from datetime import date, timedelta

import jsonschema_rs
import pytest

JSON_TYPES = ("application/json", "application/problem+json")


class OpenApiClient:
    def __init__(self, client):
        self.client = client
        response = client.get("/api/openapi.json")
        assert response.status_code == 200
        self.spec = response.get_json()
        assert self.spec["openapi"].startswith("3.1")
        self.operations = {
            op["operationId"]: (method.upper(), path, op)
            for path, item in self.spec["paths"].items()
            for method, op in item.items()
            if isinstance(op, dict) and "operationId" in op
        }
        self.token: str | None = None

    def _schema(self, schema: dict) -> dict:
        return {**schema, "components": self.spec["components"]}

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = self.spec["components"]["schemas"][name]
        return schema

    def _check_body(self, op: dict, body: dict) -> None:
        schema = self._resolve(op["requestBody"]["content"]["application/json"]["schema"])
        undocumented = set(body) - set(schema["properties"])
        assert not undocumented, f"{op['operationId']}: {undocumented} not documented"
        missing = set(schema.get("required", ())) - set(body)
        assert not missing, f"{op['operationId']}: required {missing} not sent"
        jsonschema_rs.validate(self._schema(schema), body)

    def describes(self, operation_id: str, body: dict) -> bool:
        """Whether the document takes this body as valid for the operation."""
        schema = self._resolve(self.operations[operation_id][2]["requestBody"]["content"])
        schema = self._resolve(schema["application/json"]["schema"])
        return jsonschema_rs.is_valid(self._schema(schema), body)

    def call(
        self,
        operation_id: str,
        body: dict | None = None,
        query: dict | None = None,
        expect: int | None = None,
        **path_params,
    ):
        method, path, op = self.operations[operation_id]
        for name, value in path_params.items():
            path = path.replace("{" + name + "}", str(value))
        assert "{" not in path, path
        if body is not None:
            self._check_body(op, body)
        for name in query or {}:
            assert name in {p["name"] for p in op.get("parameters", [])}, name
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.client.open(
            path, method=method, json=body, query_string=query, headers=headers
        )
        status = str(response.status_code)
        documented = op["responses"].get(status) or op["responses"]["default"]
        if "$ref" in documented:
            documented = self.spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        content = documented.get("content")
        if content:
            assert response.content_type in content, (operation_id, response.content_type)
            schema = content[response.content_type]["schema"]
            jsonschema_rs.validate(self._schema(schema), response.get_json())
        else:
            assert not response.data
        if expect is not None:
            assert response.status_code == expect, (operation_id, response.text)
        return response.get_json() if response.data else None

    def sign_in(self, email: str, password: str) -> dict:
        self.token = None
        self.token = self.call("create_token", {"email": email, "password": password}, expect=201)[
            "token"
        ]
        return self.call("me", expect=200)


@pytest.fixture
def doc_client(client, people, programme):
    return OpenApiClient(client)


def test_draft_to_adopted_and_the_statistics(doc_client, people):
    api = doc_client
    password = "correct horse battery"
    programme = api.call("list_programmes", expect=200)["items"][0]

    api.sign_in("applicant@test.example", password)
    proposal = api.call(
        "create_proposal",
        {
            "title": "Snow-clearing robot",
            "summary": "A robot clears pavements at night.",
            "need": "Pavements ice over before the crews arrive.",
            "proposer_type": "company",
            "organisation": {"name": "Robotics Oy", "business_id": "1572860-0"},
            "service_area": "mobility",
            "city_centres": ["tapiola"],
            "sdgs": [11],
            "requested_budget": "15000.00",
            "planned_duration_months": 6,
        },
        expect=201,
    )
    pid = proposal["id"]
    assert proposal["programme_id"] == programme["id"]
    proposal = api.call(
        "update_proposal",
        {"version": proposal["version"], "requested_budget": 14000},
        proposal_id=pid,
        expect=200,
    )
    proposal = api.call(
        "move_proposal",
        {"to": "submitted", "version": proposal["version"]},
        proposal_id=pid,
        expect=200,
    )

    staff = api.sign_in("staff@test.example", password)
    proposal = api.call(
        "move_proposal",
        {"to": "screening", "version": proposal["version"]},
        proposal_id=pid,
        expect=200,
    )
    api.call(
        "put_review",
        {
            "need": 5,
            "benefit": 4,
            "reusability": 4,
            "feasibility": 3,
            "cost_effectiveness": 4,
            "comment": "Worth a pilot.",
        },
        proposal_id=pid,
        expect=200,
    )
    listed = api.call("list_proposals", query={"status": "screening", "sort": "title"}, expect=200)
    assert [p["id"] for p in listed["items"]] == [pid]

    api.sign_in("manager@test.example", password)
    start = date.today()
    proposal = api.call(
        "move_proposal",
        {
            "to": "pilot",
            "version": proposal["version"],
            "allocated_budget": "12000.00",
            "start_date": start.isoformat(),
            "planned_end_date": (start + timedelta(days=120)).isoformat(),
            "owner_id": staff["id"],
            "city_unit": "Street maintenance",
        },
        proposal_id=pid,
        expect=200,
    )
    experiment_id = proposal["experiment"]["id"]

    api.sign_in("staff@test.example", password)
    api.call(
        "add_partner",
        {"organisation": {"name": "Aalto Research", "type": "research"}, "role": "research"},
        experiment_id=experiment_id,
        expect=201,
    )
    api.call(
        "add_participation",
        {"date": start.isoformat(), "category": "residents_customers", "count": 250},
        experiment_id=experiment_id,
        expect=201,
    )
    api.call(
        "add_expense",
        {"date": start.isoformat(), "amount": "4500.00", "description": "Robot rental"},
        experiment_id=experiment_id,
        expect=201,
    )
    api.call(
        "add_risk",
        {
            "description": "Heavy snow",
            "probability": 2,
            "impact": 3,
            "mitigation": "Crews on call",
            "status": "green",
        },
        experiment_id=experiment_id,
        expect=201,
    )
    for operation in ("list_partners", "list_participation", "list_expenses", "list_risks"):
        assert api.call(operation, experiment_id=experiment_id, expect=200)["items"]
    proposal = api.call(
        "move_proposal",
        {"to": "evaluation", "version": proposal["version"], "actual_end_date": start.isoformat()},
        proposal_id=pid,
        expect=200,
    )
    api.call(
        "put_evaluation",
        {
            "got_users": True,
            "users_count": 250,
            "part_of_services": True,
            "benefits_city": "Fewer falls",
            "benefits_customers": "Safer walks",
            "research_value": False,
            "findings": "Works on flat streets",
            "recommendation": "adopt",
        },
        experiment_id=experiment_id,
        expect=200,
    )

    api.sign_in("manager@test.example", password)
    # The document says what adopting takes: a client knows before it sends.
    assert not api.describes("move_proposal", {"to": "adopted", "version": proposal["version"]})
    proposal = api.call(
        "move_proposal",
        {
            "to": "adopted",
            "version": proposal["version"],
            "decision": "Adopted into street maintenance.",
            "lessons_learned": "Start early.",
        },
        proposal_id=pid,
        expect=200,
    )
    assert proposal["status"] == "adopted"
    assert proposal["experiment"]["outcome"] == "Adopted into street maintenance."

    history = api.call("proposal_history", proposal_id=pid, expect=200)["items"]
    assert [(h["from"], h["to"]) for h in history] == [
        ("draft", "submitted"),
        ("submitted", "screening"),
        ("screening", "pilot"),
        ("pilot", "evaluation"),
        ("evaluation", "adopted"),
    ]
    api.call("revoke_token", expect=204)
    api.call("me", expect=401)

    api.token = None
    stats = api.call("get_statistics", query={"programme": programme["id"]}, expect=200)
    assert (stats["proposals"], stats["carried_out"], stats["adopted"]) == (1, 1, 1)
    assert stats["participants"]["residents_customers"] == 250
    assert stats["partner_organisations"] == 2
    year = next(b for b in stats["budget"] if b["year"] == start.year)
    assert (year["allocated"], year["spent"]) == ("12000.00", "4500.00")
    public = api.call("list_public_experiments", expect=200)
    assert [item["id"] for item in public["items"]] == [experiment_id]


def test_every_endpoint_of_the_spec_table_is_documented(doc_client):
    documented = {(method, path) for method, path, _op in doc_client.operations.values()}
    prefix = "/api/v1"
    table = {
        ("POST", "/tokens"),
        ("DELETE", "/tokens/current"),
        ("GET", "/me"),
        ("GET", "/programmes"),
        ("GET", "/proposals"),
        ("POST", "/proposals"),
        ("GET", "/proposals/{proposal_id}"),
        ("PATCH", "/proposals/{proposal_id}"),
        ("POST", "/proposals/{proposal_id}/transitions"),
        ("GET", "/proposals/{proposal_id}/history"),
        ("PUT", "/proposals/{proposal_id}/review"),
        ("GET", "/proposals/{proposal_id}/similar"),
        ("GET", "/proposals/{proposal_id}/messages"),
        ("POST", "/proposals/{proposal_id}/messages"),
        ("GET", "/proposals/{proposal_id}/attachments"),
        ("POST", "/proposals/{proposal_id}/attachments"),
        *(
            (m, "/proposals/{proposal_id}/attachments/{attachment_id}")
            for m in ("GET", "DELETE", "PATCH")  # PATCH: staff publish a file
        ),
        # Reviewer assignment and conflicts of interest (not in the SPEC's table).
        ("GET", "/proposals/{proposal_id}/reviewers"),
        ("POST", "/proposals/{proposal_id}/reviewers"),
        ("DELETE", "/proposals/{proposal_id}/reviewers/{user_id}"),
        ("POST", "/proposals/{proposal_id}/conflicts"),
        ("POST", "/organisations/{organisation_id}/conflicts"),
        ("POST", "/calls/{call_id}/assignments"),
        # Staged decisions of a call (not in the SPEC's table).
        *((m, "/calls/{call_id}/staged-decisions") for m in ("GET", "POST")),
        ("DELETE", "/calls/{call_id}/staged-decisions/{proposal_id}"),
        ("GET", "/calls/{call_id}/staged-decisions/simulation"),
        ("POST", "/calls/{call_id}/staged-decisions/apply"),
        *(
            (m, f"/experiments/{{experiment_id}}/{r}")
            for m in ("GET", "POST")
            for r in ("partners", "participation", "expenses", "risks")
        ),
        ("PUT", "/experiments/{experiment_id}/evaluation"),
        ("GET", "/experiments/{experiment_id}/reports"),
        ("POST", "/experiments/{experiment_id}/reports"),
        ("POST", "/experiments/{experiment_id}/reports/{report_id}/review"),
        ("POST", "/experiments/{experiment_id}/reports/{report_id}/attachments"),
        ("GET", "/statistics"),
        ("GET", "/public/experiments"),
        ("GET", "/public/experiments/similar"),
        ("GET", "/audit"),
    }
    assert {(m, prefix + p) for m, p in table} == documented
    for _method, _path, op in doc_client.operations.values():
        assert "default" in op["responses"]
        if op.get("security"):
            assert "401" in op["responses"]
    problem = doc_client.spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
