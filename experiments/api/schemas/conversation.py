"""A proposal's conversation: the messages of its thread."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...rules import MESSAGE_MAX
from ...services import conversation
from ...vocabulary import MessageVisibility
from .common import Input
from .fields import Written, code_of, one_of
from .proposals import PersonSchema


class MessageInSchema(Input):
    """A message; its visibility, if not given, is internal for staff and managers and
    applicant for the applicant."""

    checked_by = conversation.message_values

    text = Written(MESSAGE_MAX, min_length=1, required=True)
    visibility = code_of(
        MessageVisibility,
        allow_none=True,
        metadata={
            "description": "applicant: the applicant and staff read it; internal: staff and "
            "managers only (an applicant may not write one: 403). Default: internal for "
            "staff and managers, applicant for the applicant."
        },
    )


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    text = fields.String(required=True)
    visibility = one_of(MessageVisibility, required=True)
    author = fields.Nested(PersonSchema, required=True)
    at = fields.DateTime(required=True, attribute="created_at")
    language = fields.String(required=True)


class MessageListSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema), required=True)
