"""Reviewer assignments and conflicts of interest: staff and managers only (applicants 404)."""

from __future__ import annotations

from flask import abort

from ..extensions import db
from ..lifecycle import Role
from ..models import Call, Organisation, Proposal
from ..services import access, assignments
from .core import ApiBlueprint, api_user, authenticated
from .schemas import (
    AssignmentInSchema,
    AssignmentListSchema,
    AssignmentSchema,
    CallAssignmentInSchema,
    CallAssignmentSchema,
    ConflictInSchema,
    ConflictSchema,
)

blp = ApiBlueprint(
    "api_assignments",
    "assignments",
    "Who reviews which proposal, and the conflicts of interest reviewers declare",
)

# An applicant is let in only to be answered 404: these resources do not exist for them.
SIGNED = (Role.APPLICANT, Role.STAFF, Role.MANAGER)
ID = "<id:proposal_id>"


def _proposal(proposal_id: int) -> Proposal:
    user = api_user()
    if not user.is_staff:
        abort(404)
    return access.proposal_or_404(proposal_id, user)


def _item(assignment, reviewed: bool) -> dict:
    return {
        "reviewer": assignment.reviewer,
        "assigned_by": assignment.assigned_by,
        "assigned_at": assignment.assigned_at,
        "reviewed": reviewed,
    }


@blp.route(f"/proposals/{ID}/reviewers", methods=["GET"])
@authenticated(*SIGNED)
@blp.response(200, AssignmentListSchema)
@blp.problems(401, 403, 404)
def list_reviewers(proposal_id: int):
    """The proposal's assigned reviewers, in the order they were assigned."""
    proposal = _proposal(proposal_id)
    return {"items": [_item(a, done) for a, done in assignments.assignments_of(proposal)]}


@blp.route(f"/proposals/{ID}/reviewers", methods=["POST"])
@authenticated(*SIGNED)
@blp.arguments(AssignmentInSchema)
@blp.response(201, AssignmentSchema)
@blp.problems(
    401,
    403,
    404,
    409,
    422,
    because={
        409: "Assigned already, a conflict of interest, or the proposal is not awaiting screening."
    },
)
def assign_reviewer(body, proposal_id: int):
    """Assign a staff or manager user to review the proposal."""
    proposal = _proposal(proposal_id)
    assignment = assignments.assign(proposal, body["reviewer_id"], api_user())
    return _item(assignment, False)


@blp.route(f"/proposals/{ID}/reviewers/<id:user_id>", methods=["DELETE"])
@authenticated(*SIGNED)
@blp.response(204)
@blp.problems(401, 403, 404, 409, because={409: "The user is not assigned to the proposal."})
def unassign_reviewer(proposal_id: int, user_id: int):
    """Take a reviewer off the proposal; a review they saved stays."""
    proposal = _proposal(proposal_id)
    assignments.unassign(proposal, user_id, api_user())
    return None


@blp.route("/calls/<id:call_id>/assignments", methods=["POST"])
@authenticated(*SIGNED)
@blp.arguments(CallAssignmentInSchema)
@blp.response(200, CallAssignmentSchema)
@blp.problems(401, 403, 404, 422)
def assign_call(body, call_id: int):
    """Give each proposal of the call awaiting screening reviewers_per_proposal reviewers,
    each the eligible one with the fewest open assignments, never one with a conflict."""
    user = api_user()
    call = db.session.get(Call, call_id)
    if call is None or not user.is_staff:
        abort(404)
    outcome = assignments.assign_call(call, body["reviewers_per_proposal"], user)
    return {
        "assigned": outcome.assigned,
        "short": [
            {"id": pid, "title": title, "reviewers": have} for pid, title, have in outcome.short
        ],
    }


@blp.route(f"/proposals/{ID}/conflicts", methods=["POST"])
@authenticated(*SIGNED)
@blp.arguments(ConflictInSchema)
@blp.response(201, ConflictSchema)
@blp.problems(401, 403, 404, 409, 422, because={409: "Declared already."})
def declare_proposal_conflict(body, proposal_id: int):
    """Declare the token user's conflict of interest with the proposal: they are unassigned
    from it and may not review it. Kept for the record; it cannot be withdrawn."""
    proposal = _proposal(proposal_id)
    return assignments.declare_proposal_conflict(proposal, api_user(), body.get("reason"))


@blp.route("/organisations/<id:organisation_id>/conflicts", methods=["POST"])
@authenticated(*SIGNED)
@blp.arguments(ConflictInSchema)
@blp.response(201, ConflictSchema)
@blp.problems(401, 403, 404, 409, 422, because={409: "Declared already."})
def declare_organisation_conflict(body, organisation_id: int):
    """Declare the token user's conflict of interest with an organisation: they are unassigned
    from its proposals and never assigned them. Kept for the record."""
    user = api_user()
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not user.is_staff:
        abort(404)
    return assignments.declare_organisation_conflict(organisation, user, body.get("reason"))
