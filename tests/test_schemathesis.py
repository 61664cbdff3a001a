"""Schemathesis against /api/openapi.json, in process: no 500, every answer as documented.

Each operation gets a bounded number of generated requests (valid and invalid), sent with
a bearer token of a role that may use it, against a database holding a proposal in each
interesting state.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as openapi_checks

from experiments import create_app
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.services.tokens import issue_token_for
from tests import builders

# Bounded so the run stays short; raise it (API_FUZZ_EXAMPLES=200) for a deeper search.
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))

CHECKS = [
    st_checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


@pytest.fixture
def seeded(app, people):
    """Proposals in several states, and tokens for an applicant and a manager."""
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
        from experiments.models import User

        return {
            who: issue_token_for(db.session.get(User, people[who]))[0]
            for who in ("applicant", "manager")
        }


# The description is read once from an app of its own; requests go to each test's app.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", create_app("testing"))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_description(case, app, seeded):
    # Applicants write proposals; a manager may use everything else.
    writes_proposal = case.method in ("POST", "PATCH") and case.path in (
        "/api/v1/proposals",
        "/api/v1/proposals/{proposal_id}",
    )
    token = seeded["applicant" if writes_proposal else "manager"]
    # Set on the case, not per call, so that schemathesis sees the request as sent: a case
    # generated "without Authorization" is then no longer counted as invalid input.
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    case.call_and_validate(app=app, checks=CHECKS)
