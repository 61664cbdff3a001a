"""A programme's statistics: the query, and the objects inside the answer."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...rules import (
    MAX_ID,
    YEAR_MAX,
    YEAR_MIN,
)
from ..messages import WholeNumber
from .common import Input
from .fields import MoneyOut


class StatisticsQuerySchema(Input):
    programme = fields.Integer(required=True, validate=WholeNumber(1, MAX_ID))
    call = fields.Integer(
        validate=WholeNumber(1, MAX_ID),
        metadata={"description": "Only the proposals of this call."},
    )
    year = fields.Integer(
        validate=WholeNumber(YEAR_MIN, YEAR_MAX),
        metadata={"description": "Only proposals submitted this year."},
    )


class BudgetYearSchema(Schema):
    year = fields.Integer(required=True)
    annual = MoneyOut(required=True)
    allocated = MoneyOut(required=True, metadata={"description": "Pilots starting that year"})
    spent = MoneyOut(required=True, metadata={"description": "Expenses dated that year"})
    remaining = MoneyOut(required=True)


class ParticipantsSchema(Schema):
    residents_customers = fields.Integer(required=True)
    companies_communities = fields.Integer(required=True)
    employees = fields.Integer(required=True)
