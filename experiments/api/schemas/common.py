"""The base of every request schema, and the schemas every resource shares: problems, tokens,
the signed-in user, programmes, pages."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields

from ...catalogue import MAX_PER_PAGE
from ...errors import Invalid
from ...lifecycle import (
    Role,
)
from ...rules import (
    MAX_PAGE,
)
from ..messages import Characters, WholeNumber, translate_field
from .fields import one_of, text_in


class Input(Schema):
    """A request's body or query string; its messages are in the request's language."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Invalid input type.")}
    # The service's check of a body's values that needs no stored data (it raises Invalid).
    checked_by: Callable[[dict], object] | None = None

    def on_bind_field(self, field_name, field_obj):
        translate_field(field_obj)

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs) -> None:
        """Where the schema refuses some fields, the service still says what it refuses in the
        others, so that one answer names every invalid field."""
        check = type(self).checked_by
        if check is None or not isinstance(error.messages, dict):
            return
        try:
            check(error.valid_data if isinstance(error.valid_data, dict) else {})
        except Invalid as refused:
            named = {str(key) for key in error.messages}
            for field, messages in refused.errors.items():
                if field.split(".")[0] not in named:
                    error.messages[field] = messages


# Errors and tokens.


class ProblemSchema(Schema):
    """An RFC 9457 problem document; errors (field → messages) comes with 422, and with a 409
    whose fields are well-formed but refused by the stored data (a budget run out)."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class TokenRequestSchema(Input):
    email = text_in(254, required=True)
    password = fields.String(required=True, validate=Characters(1, 1000))
    code = text_in(
        10,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The one-time code of the authenticator app, for accounts that "
            "sign in in two steps."
        },
    )


class TokenSchema(Schema):
    token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = one_of(Role, required=True)


# Programmes.


class ProgrammeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    start_year = fields.Integer(required=True)
    end_year = fields.Integer(required=True)


class ProgrammeListSchema(Schema):
    items = fields.List(fields.Nested(ProgrammeSchema), required=True)


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class PageQuerySchema(Input):
    # Query strings carry text: fields.Integer parses "2" and refuses "2.5" or "abc".
    page = fields.Integer(load_default=1, validate=WholeNumber(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=WholeNumber(1, MAX_PER_PAGE))
