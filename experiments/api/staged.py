"""A call's staged decisions, for managers: stage, simulate against the budget, apply."""

from __future__ import annotations

from flask import abort

from ..extensions import db
from ..lifecycle import Role
from ..models import Call, Proposal
from ..services import staged_decisions
from ..services.inputs import to_id
from .core import ApiBlueprint, api_user, authenticated
from .schemas.staged import (
    AppliedSchema,
    SimulationSchema,
    StagedDecisionInSchema,
    StagedDecisionListSchema,
    StagedDecisionSchema,
)

blp = ApiBlueprint(
    "api_staged",
    "staged decisions",
    "A call's staged decisions: pilots and rejections prepared, then applied all at once",
)

PATH = "/calls/<id:call_id>/staged-decisions"


def _call(call_id: int) -> Call:
    return db.get_or_404(Call, call_id)


@blp.route(PATH, methods=["GET"])
@authenticated(Role.MANAGER)
@blp.response(200, StagedDecisionListSchema)
@blp.problems(401, 403, 404)
def list_staged(call_id: int):
    """The call's staged decisions, in staging order."""
    return {"items": staged_decisions.staged_for(_call(call_id))}


@blp.route(PATH, methods=["POST"])
@authenticated(Role.MANAGER)
@blp.arguments(StagedDecisionInSchema)
@blp.response(200, StagedDecisionSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        409: "The proposal is not in screening or not in this call, or (errors name the "
        "fields) the stored data refuses a value: the year's budget is short or missing, "
        "the owner is no active staff member."
    },
)
def stage_decision(body, call_id: int):
    """Stage a decision on one of the call's proposals in screening, or replace the one
    staged; nothing moves until the decisions are applied."""
    call = _call(call_id)
    proposal_id = to_id(body.pop("proposal_id"))  # past the integer range: no proposal
    proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
    if proposal is None or proposal.call_id != call.id:
        abort(404)
    return staged_decisions.stage(call, proposal, api_user(), body.pop("to"), **body)


@blp.route(f"{PATH}/<id:proposal_id>", methods=["DELETE"])
@authenticated(Role.MANAGER)
@blp.response(204)
@blp.problems(401, 403, 404)
def unstage_decision(call_id: int, proposal_id: int):
    """Remove the decision staged on the proposal."""
    try:
        staged_decisions.unstage(_call(call_id), proposal_id, api_user())
    except LookupError:
        abort(404)


@blp.route(f"{PATH}/simulation", methods=["GET"])
@authenticated(Role.MANAGER)
@blp.response(200, SimulationSchema)
@blp.problems(401, 403, 404)
def simulate_staged(call_id: int):
    """Each programme year's budget once every staged pilot started, and the staged pilots
    that would not fit."""
    simulation = staged_decisions.simulate(_call(call_id))
    return {
        "years": simulation.years,
        "not_fitting": [
            {"proposal_id": pid, "reason": simulation.reasons[pid]}
            for pid in simulation.not_fitting
        ],
    }


@blp.route(f"{PATH}/apply", methods=["POST"])
@authenticated(Role.MANAGER)
@blp.response(200, AppliedSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        409: "Nothing was applied: nothing is staged (any more), or `errors` names each "
        "staged proposal (by id) whose decision cannot be made and why: the budget is "
        "exceeded, the proposal moved or changed, a field is no longer accepted."
    },
)
def apply_staged(call_id: int):
    """Make every staged decision of the call through the workflow in one transaction, all
    or none; each applicant is told."""
    return staged_decisions.apply(_call(call_id), api_user())
