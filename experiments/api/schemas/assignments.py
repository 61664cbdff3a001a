"""Reviewer assignments and conflicts of interest."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...rules import REASON_MAX, REVIEWERS_PER_PROPOSAL_MAX
from .common import Input
from .fields import Id, Written, int_in
from .proposals import PersonSchema


class AssignmentInSchema(Input):
    """The staff or manager user to assign as a reviewer."""

    reviewer_id = Id(required=True)


class AssignmentSchema(Schema):
    reviewer = fields.Nested(PersonSchema, required=True)
    assigned_by = fields.Nested(PersonSchema, required=True)
    assigned_at = fields.DateTime(required=True)
    reviewed = fields.Boolean(
        required=True, metadata={"description": "The reviewer has saved a review."}
    )


class AssignmentListSchema(Schema):
    items = fields.List(fields.Nested(AssignmentSchema), required=True)


class CallAssignmentInSchema(Input):
    """How many reviewers each proposal of the call awaiting screening should have."""

    reviewers_per_proposal = int_in(1, REVIEWERS_PER_PROPOSAL_MAX, required=True)


class ShortProposalSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True, allow_none=True)
    reviewers = fields.Integer(required=True)


class CallAssignmentSchema(Schema):
    assigned = fields.Integer(
        required=True, metadata={"description": "Assignments made by this request."}
    )
    short = fields.List(
        fields.Nested(ShortProposalSchema),
        required=True,
        metadata={"description": "Proposals with fewer eligible reviewers than asked for."},
    )


class ConflictInSchema(Input):
    """The reason for the conflict of interest (optional); the declaration is kept."""

    reason = Written(REASON_MAX, load_default="", allow_none=True)


class ConflictSchema(Schema):
    id = fields.Integer(required=True)
    reviewer = fields.Nested(PersonSchema, required=True)
    proposal_id = fields.Integer(required=True, allow_none=True)
    organisation_id = fields.Integer(required=True, allow_none=True)
    reason = fields.String(required=True)
    declared_at = fields.DateTime(required=True)
