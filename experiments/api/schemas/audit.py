"""The audit trail: its filters and its entries."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...audit_trail import actor_of, object_types
from ...rules import MAX_ID
from ..messages import Choice, WholeNumber
from .common import PageQuerySchema, PageSchema


class AuditQuerySchema(PageQuerySchema):
    object_type = fields.String(validate=Choice(object_types()))
    object_id = fields.Integer(validate=WholeNumber(1, MAX_ID))
    actor_id = fields.Integer(
        validate=WholeNumber(1, MAX_ID), metadata={"description": "The person who acted."}
    )
    since = fields.Date(metadata={"description": "From this day (UTC) on."})
    until = fields.Date(metadata={"description": "Up to and including this day (UTC)."})


class AuditActorSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(
        required=True, metadata={"description": 'A deleted account is "Deleted user".'}
    )


class AuditObjectSchema(Schema):
    type = fields.String(required=True)
    id = fields.Integer(required=True, allow_none=True)


class AuditEntrySchema(Schema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor = fields.Method(
        "_actor",
        required=True,
        allow_none=True,
        metadata={
            "type": ["object", "null"],
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
            "description": "null: the system.",
        },
    )
    action = fields.String(
        required=True,
        metadata={
            "description": "created, updated, deleted, signed_in or sign_in_failed.",
        },
    )
    object = fields.Method(
        "_object",
        required=True,
        metadata={
            "type": "object",
            "properties": {"type": {"type": "string"}, "id": {"type": ["integer", "null"]}},
            "required": ["type", "id"],
        },
    )
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw(allow_none=True)),
        required=True,
        metadata={"description": "field: [old, new]; a secret's values are both null."},
    )

    def _actor(self, entry):
        return actor_of(entry)

    def _object(self, entry):
        return {"type": entry.object_type, "id": entry.object_id}


class AuditPageSchema(PageSchema):
    items = fields.List(fields.Nested(AuditEntrySchema), required=True)
