"""The OpenAPI document says exactly what the API accepts, and refusals speak the request's
language: the document's schema and the API's answer agree, value by value."""

import re
from datetime import timedelta
from decimal import Decimal

import jsonschema_rs
import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from marshmallow import fields

from experiments.api.messages import TRANSLATED_VALIDATORS, is_translated
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Proposal
from experiments.patterns import SPACES, char_class, money_pattern, number_range
from experiments.rules import AMOUNT_MIN, BUDGET_MAX
from tests import builders


@pytest.fixture(scope="module")
def document():
    from experiments import create_app

    return create_app("testing").test_client().get("/api/openapi.json").get_json()


def _validator(document, component: str, prop: str | None = None):
    """A validator of a component (or of one of its properties), references resolved."""
    schema = document["components"]["schemas"][component]
    if prop is not None:
        schema = schema["properties"][prop]
    return jsonschema_rs.validator_for(
        {**schema, "components": document["components"]}, validate_formats=True
    )


@pytest.fixture
def pilot(app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )
        experiment = db.session.get(Proposal, proposal_id).experiment
        return experiment.id, experiment.start_date


# --- Integers as JSON Schema counts them --------------------------------------------------


def test_whole_numbers_written_with_a_zero_fraction_are_integers(app, api, people, pilot):
    experiment_id, start = pilot
    risk = {"description": "Rain", "probability": 4.0, "impact": 2.0, "status": "red"}
    response = api.post(f"/experiments/{experiment_id}/risks", "staff", json=risk)
    assert response.status_code == 201, response.text
    assert (response.get_json()["probability"], response.get_json()["impact"]) == (4, 2)

    day = (start + timedelta(days=3)).isoformat()
    record = {"date": day, "category": "employees", "count": 12.0}
    response = api.post(f"/experiments/{experiment_id}/participation", "staff", json=record)
    assert response.status_code == 201, response.text
    assert response.get_json()["count"] == 12

    draft = api.post("/proposals", "applicant", json={"title": "Robot", "sdgs": [9.0, 11]})
    assert draft.status_code == 201, draft.text
    assert sorted(draft.get_json()["sdgs"]) == [9, 11]
    edited = api.patch(
        f"/proposals/{draft.get_json()['id']}",
        "applicant",
        json={"version": 1.0, "planned_duration_months": 6.0},
    )
    assert edited.status_code == 200, edited.text
    assert edited.get_json()["planned_duration_months"] == 6


@pytest.mark.parametrize("number", [1.5, 4.000001, float("1e300"), True])
def test_fractions_huge_numbers_and_booleans_are_not_integers(api, pilot, number):
    risk = {"description": "Rain", "probability": number, "impact": 2, "status": "red"}
    response = api.post(f"/experiments/{pilot[0]}/risks", "staff", json=risk)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"probability"}


def test_review_scores_and_ids_take_a_zero_fraction(app, api, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING
        )
    scores = dict.fromkeys(("need", "benefit", "reusability", "feasibility"), 3.0)
    response = api.put(
        f"/proposals/{proposal_id}/review", "staff", json={**scores, "cost_effectiveness": 5.0}
    )
    assert response.status_code == 200, response.text
    move = {"to": "pilot", "version": 1, "allocated_budget": "100", "owner_id": 1.0}
    move |= {"start_date": "2030-01-01", "planned_end_date": "2030-02-01"}
    response = api.post(f"/proposals/{proposal_id}/transitions", "manager", json=move)
    # Read as the id 1 (an applicant's): the users refuse it, not the type.
    assert response.status_code == 409
    assert "owner_id" in response.get_json()["errors"]


# --- Money --------------------------------------------------------------------------------

AMOUNTS = [
    "0",
    "0.00",
    "0.01",
    "0.1",
    "000.10",
    ".5",
    "5.",
    "12500",
    "12500.5",
    "12500.50",
    "12500.505",
    "0012500.50",
    "+1",
    "-1",
    "-0",
    "1e3",
    " 1",
    "1 ",
    "1\n",
    "1,50",
    "9999999.99",
    "10000000",
    "10000000.0",
    "10000000.00",
    "10000000.01",
    "10000001",
    "99999999",
    "NaN",
    "Infinity",
    "",
]


@pytest.mark.parametrize("minimum", [Decimal("0"), AMOUNT_MIN])
def test_the_money_pattern_is_the_amounts_rule(minimum):
    pattern = re.compile(money_pattern(minimum, BUDGET_MAX))
    for text in AMOUNTS:
        try:
            amount = Decimal(text)
            rule = (
                re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text) is not None
                and minimum <= amount <= BUDGET_MAX
            )
        except ArithmeticError:
            rule = False
        assert (pattern.fullmatch(text) is not None) == rule, text


@pytest.mark.parametrize(
    "amount",
    [*AMOUNTS, 0, 0.01, 0.07, 0.57, 12500.5, 12500, 1e-05, 0.1 + 0.2, 10_000_000, 1e7 + 0.01, -0.0],
)
def test_an_expense_amount_is_accepted_exactly_as_documented(document, api, pilot, amount):
    experiment_id, start = pilot
    expense = {"date": (start + timedelta(days=1)).isoformat(), "amount": amount}
    documented = _validator(document, "ExpenseIn", "amount").is_valid(amount)
    response = api.post(
        f"/experiments/{experiment_id}/expenses", "staff", json={**expense, "description": "Bus"}
    )
    assert response.status_code == (201 if documented else 422), (amount, response.text)
    if documented:
        assert response.get_json()["amount"] == f"{Decimal(str(amount)):.2f}"


# --- Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2030-01-31",
        "1900-01-01",
        "2199-12-31",
        "1899-12-31",
        "2200-01-01",
        "20300131",
        "2030-W05-1",
        "2030-031",
        "2030-02-30",
        "2030-1-31",
        "2030-01-31\n",
        "2030-01-31T00:00",
    ],
)
def test_a_date_is_accepted_exactly_as_documented(document, api, pilot, day):
    documented = _validator(document, "ExpenseIn", "date").is_valid(day)
    body = {"date": day, "amount": "10.00", "description": "Bus"}
    response = api.post(f"/experiments/{pilot[0]}/expenses", "staff", json=body)
    assert response.status_code == (201 if documented else 422), (day, response.text)


# --- Text ---------------------------------------------------------------------------------


def test_spaces_are_what_strip_removes():
    assert SPACES == {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert re.fullmatch(char_class(SPACES) + "+", "".join(sorted(SPACES)))


@pytest.mark.parametrize("low, high", [(0, 0), (0, 9), (1, 17), (1900, 2199), (99, 12345)])
def test_number_ranges(low, high):
    pattern = re.compile(f"(?:{number_range(low, high)})")
    assert [n for n in range(20_000) if pattern.fullmatch(str(n))] == list(range(low, high + 1))


TITLES = [
    "abc",
    "ab",
    "  ab  ",
    " a b ",
    "\u3000abc\u3000",
    "a\x00bc",
    "\x1cab\x1c",
    "x" * 200,
    "x" * 199 + " ",
    "x" * 201,
    "x" * 200 + " ",
    "\t" * 3,
    "",
]


@pytest.mark.parametrize("title", TITLES)
def test_a_title_is_accepted_exactly_as_documented(document, api, programme, title):
    documented = _validator(document, "ProposalWrite", "title").is_valid(title)
    response = api.post("/proposals", "applicant", json={"title": title})
    assert response.status_code == (201 if documented else 422), (title, response.text)


CODES = [*range(0x20), 0x7F, 0x85, 0xA0, 0x2028, 0xFEFF]


@pytest.mark.parametrize("code", CODES)
def test_each_character_of_a_line_is_accepted_as_documented(document, api, pilot, code):
    """The characters a one-line text refuses, within it or around it, are the document's."""
    for text in (f"Bus{chr(code)}ticket", f"{chr(code)}Bus ticket{chr(code)}"):
        documented = _validator(document, "ExpenseIn", "description").is_valid(text)
        body = {"date": "2030-01-01", "amount": "10.00", "description": text}
        response = api.post(f"/experiments/{pilot[0]}/expenses", "staff", json=body)
        assert (response.status_code == 201) == documented, (text, response.text)


@pytest.mark.parametrize("code", CODES)
def test_each_character_of_a_text_is_accepted_as_documented(document, api, programme, code):
    """Several lines may be written where a line may not: the document says which."""
    for text in (f"One{chr(code)}two", f"{chr(code)}One two{chr(code)}"):
        documented = _validator(document, "ProposalWrite", "summary").is_valid(text)
        response = api.post("/proposals", "applicant", json={"summary": text})
        assert (response.status_code == 201) == documented, (text, response.text)


@pytest.mark.parametrize(
    "link", ["https://example.org/a?b#c", "HTTP://x", "https://", "https:// x", "ftp://x", ""]
)
def test_a_research_link_is_accepted_exactly_as_documented(document, api, pilot, link):
    evaluation = {
        "got_users": True,
        "part_of_services": False,
        "research_value": True,
        "research_link": link,
        "recommendation": "adopt",
    }
    documented = _validator(document, "EvaluationIn").is_valid(evaluation)
    response = api.put(f"/experiments/{pilot[0]}/evaluation", "staff", json=evaluation)
    assert response.status_code == (200 if documented else 422), (link, response.text)


def test_a_bracketed_host_is_a_link_not_a_server_error(api, pilot):
    evaluation = {"got_users": True, "part_of_services": False, "research_value": True}
    evaluation |= {"recommendation": "adopt", "research_link": "http://[broken"}
    response = api.put(f"/experiments/{pilot[0]}/evaluation", "staff", json=evaluation)
    assert response.status_code == 200  # a host, and no spaces: a link as the document says


@pytest.mark.parametrize(
    "business_id, documented", [("0112038-9", True), ("01120389", False), ("", True)]
)
def test_a_business_id_is_in_its_standard_form(document, api, programme, business_id, documented):
    organisation = {"name": "Robotics Oy", "business_id": business_id}
    assert _validator(document, "OrganisationIn").is_valid(organisation) == documented
    response = api.post("/proposals", "applicant", json={"organisation": organisation})
    assert response.status_code == (201 if documented else 422), response.text


# --- Rules across fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"to": "more_info"},
        {"to": "more_info", "question": "Where?"},
        {"to": "more_info", "question": "   "},
        {"to": "more_info", "question": "Where?", "reason": "x"},
        {"to": "more_info", "question": "Where?", "reason": None},
        {"to": "screening"},
        {"to": "screening", "reason": "x"},
        {"to": "withdrawn"},
        {"to": "withdrawn", "reason": "Changed plans"},
        {"to": "submitted", "answer": "Tapiola"},
        {"to": "pilot", "allocated_budget": "10.00", "start_date": "2030-01-01"},
        {"to": "adopted", "decision": "Yes", "lessons_learned": "Start early"},
        {"to": "draft"},
        {"to": "draft", "answer": "x"},
    ],
)
def test_a_move_takes_the_fields_the_document_lists_for_its_target(document, app, body):
    from experiments.api.schemas import TransitionSchema

    body = {"version": 1, **body}
    with app.test_request_context():
        schema_errors = TransitionSchema().validate(body)
    assert _validator(document, "Transition").is_valid(body) == (not schema_errors), schema_errors


def test_whether_an_answer_is_taken_depends_on_the_state_left(app, api, people, programme):
    with app.app_context():
        draft = builders.make_proposal(people["applicant"], programme)
        asked = builders.make_proposal(people["applicant"], programme, status=Status.MORE_INFO)
    path = "/proposals/{}/transitions"
    response = api.post(
        path.format(draft), "applicant", json={"to": "submitted", "version": 1, "answer": "Yes"}
    )
    assert response.status_code == 409
    assert "answer" in response.get_json()["errors"]
    response = api.post(path.format(asked), "applicant", json={"to": "submitted", "version": 1})
    assert response.status_code == 409
    assert "answer" in response.get_json()["errors"]


def test_a_resident_has_no_organisation(document, api, programme):
    body = {"proposer_type": "resident", "organisation": {"name": "Oy"}}
    assert not _validator(document, "ProposalWrite").is_valid(body)
    assert api.post("/proposals", "applicant", json=body).status_code == 422
    body["organisation"] = None
    assert _validator(document, "ProposalWrite").is_valid(body)
    assert api.post("/proposals", "applicant", json=body).status_code == 201


NEW = {"name": "A", "type": "company"}


@pytest.mark.parametrize(
    "body, documented",
    [
        ({"role": "partner"}, False),
        ({"role": "partner", "organisation_id": None, "organisation": None}, False),
        ({"role": "partner", "organisation_id": 1, "organisation": NEW}, False),
        ({"role": "partner", "organisation": NEW}, True),
        ({"role": "partner", "organisation_id": None, "organisation": NEW}, True),
    ],
)
def test_a_partner_is_an_organisation_id_or_an_organisation(document, api, pilot, body, documented):
    assert _validator(document, "PartnerIn").is_valid(body) == documented
    response = api.post(f"/experiments/{pilot[0]}/partners", "staff", json=body)
    assert response.status_code == (201 if documented else 422), response.text


# --- Documented answers -------------------------------------------------------------------


# What each operation may refuse beyond a token (401): the services' 403, 404 and 409.
REFUSALS = {
    "create_proposal": {"403", "409", "422"},
    "update_proposal": {"403", "404", "409", "422"},
    "move_proposal": {"403", "404", "409", "422"},
    "put_review": {"403", "404", "409", "422"},
    "list_messages": {"403", "404"},
    "post_message": {"403", "404", "422"},
    "add_partner": {"403", "404", "409", "422"},
    "add_participation": {"403", "404", "409", "422"},
    "add_expense": {"403", "404", "409", "422"},
    "add_risk": {"403", "404", "409", "422"},
    "put_evaluation": {"403", "404", "409", "422"},
    "list_proposals": {"403", "422"},
    "get_statistics": {"404", "422"},
    "list_public_experiments": {"422"},
    "create_token": {"401", "422", "429"},
    "list_staged": {"403", "404"},
    "stage_decision": {"403", "404", "409", "422"},
    "unstage_decision": {"403", "404"},
    "simulate_staged": {"403", "404"},
    "apply_staged": {"403", "404", "409"},
}


def test_every_operation_documents_its_refusals(document):
    operations = {
        operation["operationId"]: set(operation["responses"])
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for operation_id, refusals in REFUSALS.items():
        assert refusals <= operations[operation_id], operation_id


# --- Every message in the request's language ----------------------------------------------


def _request_schemas(app):
    for view in app.view_functions.values():
        for argument in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            yield argument["schema"]()


def _fields(schema):
    for field in schema.fields.values():
        stack = [field]
        while stack:
            field = stack.pop()
            yield schema, field
            if isinstance(field, fields.Nested):
                yield from _fields(field.schema)
            if getattr(field, "inner", None) is not None:
                stack.append(field.inner)


def test_every_message_of_the_request_schemas_is_translated(app):
    from experiments.api.schemas import Input

    schemas = list(_request_schemas(app))
    assert len(schemas) >= 13  # every operation that reads a body or a query string
    for schema in schemas:
        assert isinstance(schema, Input), type(schema).__name__
        assert all(is_translated(m) for m in schema.error_messages.values())
        for owner, field in _fields(schema):
            where = f"{type(owner).__name__}.{field.name}"
            assert isinstance(owner, Input), where
            untranslated = [m for m in field.error_messages.values() if not is_translated(m)]
            assert not untranslated, (where, untranslated)
            for validator in field.validators:
                assert isinstance(validator, TRANSLATED_VALIDATORS), (where, validator)


INVALID_DRAFT = {
    "title": "x" * 201,
    "sdgs": [1.5, "x"],
    "city_centres": ["nowhere"],
    "planned_duration_months": 99,
    "confidential_need": "yes",
    "requested_budget": "12.345",
    "organisation": {"business_id": "1"},
    "call_id": None,
    "nope": 1,
}


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_field_messages_speak_the_requests_language(app, api, programme, lang):
    english = api.post("/proposals", "applicant", json=INVALID_DRAFT).get_json()["errors"]
    response = api.post(
        "/proposals", "applicant", json=INVALID_DRAFT, headers={"Accept-Language": lang}
    )
    assert response.status_code == 422
    translated = response.get_json()["errors"]
    assert set(translated) == set(english)
    assert {"organisation.name", "organisation.business_id", "sdgs.0", "nope"} <= set(english)
    for field, messages in english.items():
        for message, other in zip(messages, translated[field], strict=True):
            assert message != other, (field, message)
    with app.test_request_context(), force_locale(lang):
        assert translated["nope"] == [_("Unknown field.")]
        assert translated["organisation.name"] == [_("Missing data for required field.")]
        assert translated["sdgs.0"] == [_("Not a valid integer.")]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_body_that_is_not_an_object_is_refused_in_the_requests_language(api, programme, lang):
    response = api.post("/proposals", "applicant", json=[1], headers={"Accept-Language": lang})
    english = api.post("/proposals", "applicant", json=[1]).get_json()
    assert response.status_code == 422
    assert response.get_json()["errors"]["body"] != english["errors"]["body"]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_query_messages_speak_the_requests_language(api, lang):
    query = {"page": "0", "per_page": "x", "centre": "moon"}
    english = api.get("/public/experiments", query_string=query).get_json()["errors"]
    response = api.get("/public/experiments", query_string=query, headers={"Accept-Language": lang})
    assert response.status_code == 422
    translated = response.get_json()["errors"]
    assert set(translated) == set(english) == {"page", "per_page", "centre"}
    assert all(translated[f] != english[f] for f in english)
