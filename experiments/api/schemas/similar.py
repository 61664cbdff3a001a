"""Similar proposals and experiments: the list, and the public one's query."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...lifecycle import Status
from ...rules import SIMILAR_TEXT_MAX
from .common import Input
from .fields import one_of, text_in


class SimilarQuerySchema(Input):
    text = text_in(
        SIMILAR_TEXT_MAX,
        min_length=1,
        required=True,
        metadata={
            "description": "What to compare with, in any language: a proposal's title, summary "
            "and need as it is being written."
        },
    )


class SimilarSchema(Schema):
    id = fields.Integer(
        required=True,
        metadata={
            "description": "The proposal's id (the public list: the experiment's, as in the "
            "public catalogue)."
        },
    )
    title = fields.String(required=True)
    status = one_of(Status, required=True)
    score = fields.Float(
        required=True,
        metadata={
            "minimum": 0,
            "maximum": 1,
            "description": "How much of the compared text's distinctive (rare) words the "
            "other text shares, each word weighted by its rarity: 1 is every one of them.",
        },
    )


class SimilarListSchema(Schema):
    items = fields.List(fields.Nested(SimilarSchema), required=True)
