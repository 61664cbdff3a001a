"""A running experiment's records: partners, participation, expenses, risks, evaluation."""

from __future__ import annotations

from marshmallow import Schema, fields

from ...patterns import (
    padded,
    web_address_pattern,
)
from ...rules import (
    AMOUNT_MIN,
    BUDGET_MAX,
    COUNT_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    NAME_MAX,
    NOTE_MAX,
    REASON_MAX,
    RISK_MAX,
    RISK_MIN,
    USERS_MAX,
)
from ...services import evaluations, expenses, participation, partners, risks
from ...vocabulary import (
    OrganisationType,
    ParticipationCategory,
    PartnerRole,
    Recommendation,
    RiskStatus,
)
from .common import Input
from .fields import (
    LINE_REFUSED,
    Bool,
    Day,
    Id,
    MoneyIn,
    MoneyOut,
    TextOut,
    Written,
    business_id,
    code_of,
    int_in,
    one_of,
    written_line,
)


class PartnerOrganisationInSchema(Input):
    name = written_line(NAME_MAX, min_length=1, required=True)
    type = code_of(OrganisationType, required=True)
    business_id = business_id(allow_none=True)


class PartnerInSchema(Input):
    """An existing organisation by organisation_id, or a new one as organisation; its role."""

    checked_by = partners.partner_values

    # Exactly one of the two (null stands for absent); the service says which is missing.
    json_schema = {
        "oneOf": [
            {
                "properties": {"organisation_id": {"type": "integer"}},
                "required": ["organisation_id"],
            },
            {"properties": {"organisation": {"type": "object"}}, "required": ["organisation"]},
        ]
    }

    organisation_id = Id(allow_none=True)
    organisation = fields.Nested(PartnerOrganisationInSchema, allow_none=True)
    role = code_of(PartnerRole, required=True)


class PartnerOrganisationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = one_of(OrganisationType, required=True)
    business_id = fields.String(required=True, allow_none=True)


class PartnerSchema(Schema):
    id = fields.Integer(required=True)
    organisation = fields.Nested(PartnerOrganisationSchema, required=True)
    role = one_of(PartnerRole, required=True)


class PartnerListSchema(Schema):
    items = fields.List(fields.Nested(PartnerSchema), required=True)


class ParticipationInSchema(Input):
    checked_by = participation.participation_values

    date = Day(required=True)
    category = code_of(ParticipationCategory, required=True)
    count = int_in(1, COUNT_MAX, required=True)
    note = written_line(NOTE_MAX, allow_none=True)


class ParticipationSchema(Schema):
    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    category = one_of(ParticipationCategory, required=True)
    count = fields.Integer(required=True)
    note = TextOut(required=True)


class ParticipationListSchema(Schema):
    items = fields.List(fields.Nested(ParticipationSchema), required=True)


class ExpenseInSchema(Input):
    checked_by = expenses.expense_values

    date = Day(required=True)
    amount = MoneyIn(AMOUNT_MIN, BUDGET_MAX, required=True)
    description = written_line(DESCRIPTION_MAX, min_length=1, required=True)


class ExpenseSchema(Schema):
    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    amount = MoneyOut(required=True)
    description = fields.String(required=True)


class ExpenseListSchema(Schema):
    items = fields.List(fields.Nested(ExpenseSchema), required=True)


class RiskInSchema(Input):
    checked_by = risks.risk_values

    description = Written(REASON_MAX, min_length=1, required=True)
    probability = int_in(RISK_MIN, RISK_MAX, required=True)
    impact = int_in(RISK_MIN, RISK_MAX, required=True)
    mitigation = Written(REASON_MAX, allow_none=True)
    status = code_of(RiskStatus, required=True)


class RiskSchema(Schema):
    id = fields.Integer(required=True)
    description = fields.String(required=True)
    probability = fields.Integer(required=True)
    impact = fields.Integer(required=True)
    mitigation = TextOut(required=True)
    status = one_of(RiskStatus, required=True)


class RiskListSchema(Schema):
    items = fields.List(fields.Nested(RiskSchema), required=True)


class EvaluationInSchema(Input):
    checked_by = evaluations.evaluation_values

    got_users = Bool(required=True)
    users_count = int_in(0, USERS_MAX, allow_none=True)
    part_of_services = Bool(required=True)
    benefits_city = Written(REASON_MAX, allow_none=True)
    benefits_customers = Written(REASON_MAX, allow_none=True)
    research_value = Bool(required=True)
    research_link = written_line(
        LINK_MAX,
        allow_none=True,
        pattern=padded(web_address_pattern(LINE_REFUSED)),
        metadata={"description": "A web address (https://…)"},
    )
    findings = Written(REASON_MAX, allow_none=True)
    recommendation = code_of(Recommendation, required=True)


class EvaluationSchema(Schema):
    experiment_id = fields.Integer(required=True)
    got_users = fields.Boolean(required=True)
    users_count = fields.Integer(required=True, allow_none=True)
    part_of_services = fields.Boolean(required=True)
    benefits_city = TextOut(required=True)
    benefits_customers = TextOut(required=True)
    research_value = fields.Boolean(required=True)
    research_link = TextOut(required=True)
    findings = TextOut(required=True)
    recommendation = one_of(Recommendation, required=True)
    updated_at = fields.DateTime(required=True)
