"""Schemathesis against /api/openapi.json, in process, as an outside client would run it.

Two runs, each with a bounded number of generated requests per operation, against a
database holding a proposal in each interesting state:

- valid and invalid data, sent with a token of a role that may use the operation: never a
  5xx, every answer as documented, invalid data refused;
- valid data only, with every check (schemathesis's "all checks"), once as an applicant and
  once as a manager: what the document calls valid is accepted (2xx), or refused for the
  stored data's sake with a documented 404 or 409.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks as st_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks
from sqlalchemy import select

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Experiment, Proposal, User
from experiments.services.tokens import issue_token_for
from tests import builders

# Bounded so the run stays short; raise it (API_FUZZ_EXAMPLES=200) for a deeper search.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


def _business_id(first_digits: int) -> str | None:
    """The Finnish business ID with these first seven digits (None if no check digit fits)."""
    digits = f"{first_digits:07d}"
    rest = sum(w * int(d) for w, d in zip((7, 9, 10, 5, 8, 4, 2), digits, strict=True)) % 11
    return None if rest == 1 else f"{digits}-{(11 - rest) % 11}"


# The document's format for them: the check digit is more than its pattern can say.
schemathesis.openapi.format(
    "fi-business-id", st.integers(0, 9_999_999).map(_business_id).filter(bool)
)


@pytest.fixture
def seeded(app, people):
    """Proposals in several states, and the ids of the proposals and of their experiments."""
    with app.app_context():
        programme = builders.make_programme()
        for status in (
            Status.DRAFT,
            Status.SUBMITTED,
            Status.SCREENING,
            Status.PILOT,
            Status.EVALUATION,
            Status.ADOPTED,
        ):
            builders.make_proposal(
                people["applicant"], programme, status=status, experiment_owner_id=people["staff"]
            )
        return {
            "proposal_id": db.session.scalars(select(Proposal.id).order_by(Proposal.id)).all(),
            "experiment_id": db.session.scalars(
                select(Experiment.id).order_by(Experiment.id)
            ).all(),
            "call_id": db.session.scalars(select(Call.id).order_by(Call.id)).all(),
        }


def _sign(case, app, people, who: str) -> None:
    """A token of its own for each request (a request may revoke the one it carries).

    Set on the case, not per call, so that schemathesis sees the request as sent: a case
    generated "without Authorization" is then no longer counted as invalid input.
    """
    with app.app_context():
        token = issue_token_for(db.session.get(User, people[who]))[0]
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


# The description is read once from an app of its own; requests go to each test's app.
_DESCRIBING_APP = create_app("testing")
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _DESCRIBING_APP)


@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_description(case, app, seeded, people):
    # Applicants write proposals; a manager may use everything else.
    writes_proposal = case.method in ("POST", "PATCH") and case.path in (
        "/api/v1/proposals",
        "/api/v1/proposals/{proposal_id}",
    )
    _sign(case, app, people, "applicant" if writes_proposal else "manager")
    case.call_and_validate(app=app, checks=CHECKS)


# --- Valid data is accepted ---------------------------------------------------------------

# A refusal by the stored data is 404 (not there, or not visible) or 409 (the workflow, a
# stale version, a budget run out, an id that names nothing); the operations below may also
# refuse as documented for a reason the request itself cannot show.
REFUSALS = ["2xx", "404", "409"]
POSITIVE = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "positive"},
        "checks": {"positive_data_acceptance": {"expected-statuses": REFUSALS}},
        "operations": [
            # Credentials that name no account.
            {
                "include-operation-id": "create_token",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*REFUSALS, "401"]}},
            },
            # A move of the table that the role may not take (SPEC: 403).
            {
                "include-operation-id": "move_proposal",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*REFUSALS, "403"]}},
            },
            # An internal message, which an applicant may not write (SPEC: 403).
            {
                "include-operation-id": "post_message",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*REFUSALS, "403"]}},
            },
            # A file is taken by its content, which the document cannot state (415, 413), and
            # only staff publish one (403).
            {
                "include-operation-id": "add_attachment",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [*REFUSALS, "403", "413", "415", "422"]
                    }
                },
            },
            {
                "include-operation-id": "add_report_file",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [*REFUSALS, "413", "415", "422"]
                    }
                },
            },
        ],
    }
)
positive_schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", _DESCRIBING_APP, config=POSITIVE
)
# Applicants write proposals, staff and managers review them and run the pilots.
APPLICANTS_ONLY = ["create_proposal", "update_proposal"]
STAFF_ONLY = [
    "put_review",
    "similar_proposals",
    "list_partners",
    "add_partner",
    "list_participation",
    "add_participation",
    "list_expenses",
    "add_expense",
    "list_risks",
    "add_risk",
    "put_evaluation",
    "update_attachment",
    "review_report",
]
# Managers and administrators read the audit trail; managers alone stage decisions.
MANAGERS_ONLY = [
    "list_audit",
    "list_staged",
    "stage_decision",
    "unstage_decision",
    "simulate_staged",
    "apply_staged",
]
# What JSON Schema cannot state, refused with 422 and said in the field's description: a
# pilot's planned end after its start and at most PILOT_MAX_MONTHS later; a review that
# scores at least one criterion; a report's period in order and each category once; a
# returned report's comment.
BEYOND_JSON_SCHEMA = {
    "move_proposal": {"planned_end_date"},
    # A review abstaining on every criterion (each may be null, not all): said on the first.
    "put_review": {"need"},
    "file_report": {
        "period_start",
        "period_end",
        *(f"participation.{i}.category" for i in range(3)),
    },
    "review_report": {"comment"},
    "stage_decision": {"planned_end_date"},
}


def _accepted_as_described(case, app, seeded, people, who: str) -> None:
    """Send the case to existing records (ids are drawn among them) and check every answer."""
    for name, ids in seeded.items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = ids[int(case.path_parameters[name]) % len(ids)]
    _sign(case, app, people, who)
    response = case.call(app=app)
    excluded = []
    if response.status_code == 422:
        unstated = BEYOND_JSON_SCHEMA.get(case.operation.definition.raw.get("operationId"), set())
        if set(response.json().get("errors", {})) <= unstated:
            excluded.append(openapi_checks.positive_data_acceptance)
    case.validate_response(response, excluded_checks=excluded, transport_kwargs={"app": app})


@positive_schema.exclude(operation_id=STAFF_ONLY + MANAGERS_ONLY).parametrize()
@SETTINGS
def test_an_applicants_valid_requests_are_accepted(case, app, seeded, people):
    _accepted_as_described(case, app, seeded, people, "applicant")


@positive_schema.exclude(operation_id=APPLICANTS_ONLY).parametrize()
@SETTINGS
def test_a_managers_valid_requests_are_accepted(case, app, seeded, people):
    _accepted_as_described(case, app, seeded, people, "manager")
