"""A call's staged decisions: the moves a manager prepares, and the budget they would leave."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validates_schema

from ...models import StagedMove
from ...patterns import text_pattern
from ...rules import AMOUNT_MIN, BUDGET_MAX, LINE_MAX, REASON_MAX
from ...services.inputs import blank
from .common import Input
from .fields import TEXT_REFUSED, Day, Id, MoneyIn, MoneyOut, Written, one_of, written_line
from .proposals import PersonSchema

_PILOT_FIELDS = ("allocated_budget", "start_date", "planned_end_date", "owner_id")
_OPTIONAL_PILOT_FIELDS = ("city_unit",)


class StagedDecisionInSchema(Input):
    """A decision to stage on a proposal of the call in screening (staging it again replaces
    it): `pilot` takes the start-a-pilot move's fields, `rejected` a reason. The fields are
    checked as the move checks them, the year's budget without the other staged pilots."""

    proposal_id = Id(required=True)
    to = one_of(StagedMove, required=True)
    allocated_budget = MoneyIn(AMOUNT_MIN, BUDGET_MAX, allow_none=True)
    start_date = Day(allow_none=True)
    planned_end_date = Day(allow_none=True)
    owner_id = Id(allow_none=True)
    city_unit = written_line(LINE_MAX, allow_none=True)
    reason = Written(REASON_MAX, allow_none=True)

    @validates_schema
    def _fields_of_the_move(self, data, **kwargs):
        """The fields the chosen move requires, and null for those it does not take."""
        if data.get("to") not in {to.value for to in StagedMove}:
            return
        pilot = data["to"] == StagedMove.PILOT.value
        required = _PILOT_FIELDS if pilot else ("reason",)
        taken = required + (_OPTIONAL_PILOT_FIELDS if pilot else ())
        errors = {}
        for name in _PILOT_FIELDS + _OPTIONAL_PILOT_FIELDS + ("reason",):
            given = not blank(data.get(name))
            if name in required and not given:
                errors[name] = [_("This is required for this move.")]
            elif given and name not in taken:
                errors[name] = [_("This decision does not take this field.")]
        if errors:
            raise ValidationError(errors)


def _variant(to: StagedMove) -> dict:
    """The body of one kind of staged decision: the fields its move requires, the others null
    (a pilot's planned end after its start, at most 24 months later, is checked with 422)."""
    if to == StagedMove.PILOT:
        properties: dict = {name: {"not": {"type": "null"}} for name in _PILOT_FIELDS}
        properties["reason"] = {"type": "null"}
        required = list(_PILOT_FIELDS)
    else:
        properties = {name: {"type": "null"} for name in _PILOT_FIELDS + _OPTIONAL_PILOT_FIELDS}
        properties["reason"] = {"type": "string", "pattern": text_pattern(1, TEXT_REFUSED)}
        required = ["reason"]
    properties["to"] = {"const": to.value}
    return {"properties": properties, "required": ["proposal_id", "to", *required]}


StagedDecisionInSchema.json_schema = {"anyOf": [_variant(to) for to in StagedMove]}


class StagedDecisionSchema(Schema):
    proposal_id = fields.Integer(required=True)
    title = fields.String(required=True, attribute="proposal.title")
    to = one_of(StagedMove, required=True, attribute="to_status")
    allocated_budget = MoneyOut(allow_none=True)
    start_date = fields.Date(allow_none=True)
    planned_end_date = fields.Date(allow_none=True)
    owner_id = fields.Integer(allow_none=True)
    city_unit = fields.String(required=True)
    reason = fields.String(allow_none=True)
    staged_by = fields.Nested(PersonSchema, required=True)
    staged_at = fields.DateTime(required=True)


class StagedDecisionListSchema(Schema):
    items = fields.List(fields.Nested(StagedDecisionSchema), required=True)


class SimulatedYearSchema(Schema):
    year = fields.Integer(required=True)
    annual = MoneyOut(required=True)
    allocated = MoneyOut(required=True, metadata={"description": "To pilots already started."})
    staged = MoneyOut(required=True, metadata={"description": "To the staged pilots."})
    remaining = MoneyOut(
        required=True,
        metadata={
            "description": "Once every staged pilot started; negative when they do not fit.",
            "pattern": r"^-?[0-9]+\.[0-9]{2}$",
        },
    )


class NotFittingSchema(Schema):
    proposal_id = fields.Integer(required=True)
    reason = fields.String(required=True)


class SimulationSchema(Schema):
    years = fields.List(fields.Nested(SimulatedYearSchema), required=True)
    not_fitting = fields.List(
        fields.Nested(NotFittingSchema),
        required=True,
        metadata={
            "description": "The staged pilots that do not fit, in staging order: each earlier "
            "pilot that fits takes its share first."
        },
    )


class AppliedSchema(Schema):
    pilots = fields.Integer(required=True)
    rejections = fields.Integer(required=True)
    proposal_ids = fields.List(fields.Integer(), required=True)
