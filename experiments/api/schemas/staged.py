"""A call's staged decisions: the moves a manager prepares, and the budget they would leave."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...models import StagedMove
from ...rules import AMOUNT_MIN, BUDGET_MAX, LINE_MAX, REASON_MAX
from .common import Input
from .fields import Day, Id, MoneyIn, MoneyOut, Written, one_of, written_line
from .proposals import PersonSchema


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
