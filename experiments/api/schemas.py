"""Marshmallow schemas of the API: the shape of every request and response body.

Request schemas refuse unknown fields (marshmallow's default RAISE, documented as
additionalProperties: false); status, owner, version and ids are not among their fields,
except version as the concurrency token.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..i18n import LANGUAGE_NAMES
from ..lifecycle import EXPERIMENT_STATES, MOVE_FIELDS, FieldKind, Role, Status
from ..rules import (
    BUDGET_MAX,
    BUDGET_MIN,
    DURATION_MAX,
    DURATION_MIN,
    LINE_MAX,
    MAX_ID,
    MAX_PAGE,
    NEED_MAX,
    REASON_MAX,
    RISK_MAX,
    RISK_MIN,
    SCORE_MAX,
    SCORE_MIN,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
)
from ..services.inputs import text_error
from ..vocabulary import (
    CityCentre,
    OrganisationType,
    ParticipationCategory,
    PartnerRole,
    ProposerType,
    Recommendation,
    RiskStatus,
    ServiceArea,
)

# Numeric(12, 2) holds at most this much.
MONEY_MAX = Decimal("9999999999.99")
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2199, 12, 31)
MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"
# Amounts given as text: digits with an optional decimal part (the sign only to say why not).
_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
SORTS = ("submitted_at", "-submitted_at", "title", "requested_budget")


def codes(vocabulary) -> list[str]:
    return [member.value for member in vocabulary]


class Text(fields.String):
    """A string stored as text: trimmed, UTF-8 encodable, passing the input layer's rule for
    written text (one line if one_line); empty is null if nullable."""

    def __init__(self, *, one_line: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.one_line = one_line

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError("Text must be valid Unicode.") from error
        error = text_error(text.strip(), one_line=self.one_line)
        if error:
            raise ValidationError(error)
        return text.strip()

    def deserialize(self, value, attr=None, data=None, **kwargs):
        text = super().deserialize(value, attr, data, **kwargs)
        # After validation: an empty optional text is stored as no text at all.
        return None if text == "" and self.allow_none else text


class Int(fields.Integer):
    """A JSON integer: no strings, no floats, no booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class Bool(fields.Boolean):
    """A JSON boolean: true or false, nothing that merely looks like one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Id(Int):
    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(1, MAX_ID))
        super().__init__(**kwargs)


class Day(fields.Date):
    """An ISO date (YYYY-MM-DD) within the years the programme could concern."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(DATE_MIN, DATE_MAX))
        super().__init__(**kwargs)


class MoneyIn(fields.Field):
    """Euros as a string or a number, at most two decimals; NaN, infinities, negatives refused."""

    def __init__(self, minimum: Decimal = Decimal("0"), maximum: Decimal = MONEY_MAX, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        variants = [
            {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"},
            {"type": "number", "minimum": float(minimum), "maximum": float(maximum)},
        ]
        if kwargs.get("allow_none"):
            variants.append({"type": "null"})
        kwargs["metadata"] = {
            "anyOf": variants,
            "description": 'Euros with at most two decimals, e.g. "12500.50" or 12500.5.',
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError("Give an amount in euros as a string or a number.")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValidationError("The amount must be a finite number.")
            value = repr(value)
        elif isinstance(value, str) and not _DECIMAL_TEXT.match(value.strip()):
            raise ValidationError('Give an amount in euros, e.g. "12500.50".')
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation as error:
            raise ValidationError('Give an amount in euros, e.g. "12500.50".') from error
        if amount < 0:
            raise ValidationError("The amount may not be negative.")
        if amount.as_tuple().exponent < -2:
            raise ValidationError("Use at most two decimals (cents).")
        if not (self.minimum <= amount <= self.maximum):
            raise ValidationError(f"Give an amount from {self.minimum} to {self.maximum}.")
        return amount.quantize(Decimal("0.01"))


class MoneyOut(fields.String):
    """Euros as a decimal string with two places ("12500.00")."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {
            "pattern": MONEY_PATTERN,
            "example": "12500.00",
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return f"{Decimal(value):.2f}"


def one_of(vocabulary, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(codes(vocabulary)), **kwargs)


def text_in(max_length: int, min_length: int | None = None, **kwargs) -> Text:
    return Text(validate=validate.Length(min=min_length, max=max_length), **kwargs)


def line_in(max_length: int, min_length: int | None = None, **kwargs) -> Text:
    """A text of one line: a title, a name, an address."""
    return text_in(max_length, min_length, one_line=True, **kwargs)


# Errors and tokens.


class ProblemSchema(Schema):
    """An RFC 9457 problem document; errors (field → messages) comes with 422."""

    type = fields.String(required=True, metadata={"format": "uri"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class TokenRequestSchema(Schema):
    email = text_in(254, required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))
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


# Proposals.


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class OrganisationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    business_id = fields.String(required=True, allow_none=True)


class ExperimentSchema(Schema):
    id = fields.Integer(required=True)
    allocated_budget = MoneyOut(required=True)
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)
    actual_end_date = fields.Date(required=True, allow_none=True)
    owner = fields.Nested(PersonSchema, required=True)
    city_unit = fields.String(required=True)
    outcome = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The decision, once adopted or discontinued."},
    )


def written_in():
    """The language of the texts beside it, as written by their author (fi, sv or en)."""
    return fields.String(
        required=True,
        validate=validate.OneOf(tuple(LANGUAGE_NAMES)),
        metadata={"description": "The language the texts are written in."},
    )


class ProposalSchema(Schema):
    id = fields.Integer(required=True)
    programme_id = fields.Integer(required=True)
    call_id = fields.Integer(required=True, allow_none=True)
    language = written_in()
    title = fields.String(required=True, allow_none=True)
    summary = fields.String(required=True, allow_none=True)
    need = fields.String(required=True, allow_none=True)
    proposer_type = one_of(ProposerType, required=True, allow_none=True)
    organisation = fields.Nested(OrganisationSchema, required=True, allow_none=True)
    service_area = one_of(ServiceArea, required=True, allow_none=True)
    city_centres = fields.List(one_of(CityCentre), required=True)
    sdgs = fields.List(fields.Integer(validate=validate.Range(1, 17)), required=True)
    requested_budget = MoneyOut(required=True, allow_none=True)
    planned_duration_months = fields.Integer(required=True, allow_none=True)
    confidential_summary = fields.Boolean(
        required=True,
        metadata={"description": "The summary holds business secrets: never published."},
    )
    confidential_need = fields.Boolean(
        required=True, metadata={"description": "The need holds business secrets: never published."}
    )
    status = one_of(Status, required=True)
    version = fields.Integer(required=True)
    owner = fields.Nested(PersonSchema, required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    experiment = fields.Nested(ExperimentSchema, required=True, allow_none=True)


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class ProposalPageSchema(PageSchema):
    items = fields.List(fields.Nested(ProposalSchema), required=True)


class OrganisationInSchema(Schema):
    """The proposing organisation; found by business ID (or exact name) or created."""

    name = line_in(200, min_length=1, required=True)
    business_id = line_in(
        20,
        allow_none=True,
        load_default=None,
        metadata={"description": "Finnish business ID (Y-tunnus), 0112038-9"},
    )
    type = one_of(
        OrganisationType,
        load_default=None,
        allow_none=True,
        metadata={"description": "Defaults to the proposer type, else company."},
    )


class ProposalWriteSchema(Schema):
    """Proposal content; every field is optional while a draft, required on submission."""

    call_id = Id(allow_none=True)
    language = fields.String(
        validate=validate.OneOf(tuple(LANGUAGE_NAMES)),
        metadata={
            "description": "The language of the texts (fi, sv or en); by default the language "
            "of the request (?lang=, the user's saved choice, Accept-Language)."
        },
    )
    title = line_in(TITLE_MAX, TITLE_MIN, allow_none=True)
    summary = text_in(SUMMARY_MAX, allow_none=True)
    need = text_in(NEED_MAX, allow_none=True)
    proposer_type = one_of(ProposerType, allow_none=True)
    organisation = fields.Nested(OrganisationInSchema, allow_none=True)
    service_area = one_of(ServiceArea, allow_none=True)
    city_centres = fields.List(one_of(CityCentre), validate=validate.Length(max=20))
    sdgs = fields.List(Int(validate=validate.Range(1, 17)), validate=validate.Length(max=40))
    requested_budget = MoneyIn(BUDGET_MIN, BUDGET_MAX, allow_none=True)
    planned_duration_months = Int(
        validate=validate.Range(DURATION_MIN, DURATION_MAX), allow_none=True
    )
    confidential_summary = Bool(
        metadata={
            "description": "The summary holds business secrets: never published (default false)."
        }
    )
    confidential_need = Bool(
        metadata={
            "description": "The need holds business secrets: never published (default false)."
        }
    )

    @validates_schema
    def _resident_without_organisation(self, data, **kwargs):
        if data.get("proposer_type") == ProposerType.RESIDENT and data.get("organisation"):
            raise ValidationError("A resident proposes without an organisation.", "organisation")


class ProposalPatchSchema(ProposalWriteSchema):
    version = Int(
        required=True,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "The version last read; a stale one answers 409."},
    )


class PageQuerySchema(Schema):
    # Query strings carry text: fields.Integer parses "2" and refuses "2.5" or "abc".
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class ProposalQuerySchema(PageQuerySchema):
    status = fields.List(one_of(Status), load_default=list)
    proposer_type = one_of(ProposerType)
    service_area = one_of(ServiceArea)
    year = fields.Integer(
        validate=validate.Range(1900, 2199),
        metadata={"description": "The year the proposal was submitted."},
    )
    q = text_in(200, metadata={"description": "Words in the title or summary."})
    sort = fields.String(load_default="-submitted_at", validate=validate.OneOf(SORTS))


class _TransitionTarget(Schema):
    """A workflow move: the target state, the version read, and what the move requires."""

    to = one_of(Status, required=True)
    version = Int(required=True, validate=validate.Range(1, MAX_ID))


# How each kind of value a move takes is read; the workflow table says which move takes what.
_MOVE_FIELD_IN = {
    FieldKind.TEXT: lambda **kw: text_in(REASON_MAX, **kw),
    FieldKind.LINE: lambda **kw: line_in(LINE_MAX, **kw),
    FieldKind.MONEY: lambda **kw: MoneyIn(BUDGET_MIN, BUDGET_MAX, **kw),
    FieldKind.DATE: lambda **kw: Day(**kw),
    FieldKind.STAFF_MEMBER: lambda **kw: Id(**kw),
}

TransitionSchema = _TransitionTarget.from_dict(
    {
        name: _MOVE_FIELD_IN[field.kind](
            allow_none=True,
            metadata={"description": field.description} if field.description else {},
        )
        for name, field in MOVE_FIELDS.items()
    },
    name="TransitionSchema",
)


class HistoryEntrySchema(Schema):
    from_ = one_of(Status, required=True, data_key="from", attribute="from")
    to = one_of(Status, required=True)
    by = fields.Nested(PersonSchema, required=True)
    at = fields.DateTime(required=True)
    reason = fields.String(required=True, allow_none=True)


class HistorySchema(Schema):
    items = fields.List(fields.Nested(HistoryEntrySchema), required=True)


def _score(**kwargs):
    return Int(validate=validate.Range(SCORE_MIN, SCORE_MAX), **kwargs)


class ReviewInSchema(Schema):
    """The reviewer's own scores, 1–5 on each criterion, and a comment."""

    need = _score(required=True)
    benefit = _score(required=True)
    reusability = _score(required=True)
    feasibility = _score(required=True)
    cost_effectiveness = _score(required=True)
    comment = text_in(REASON_MAX, load_default="", allow_none=True)


class ReviewSchema(Schema):
    proposal_id = fields.Integer(required=True)
    reviewer = fields.Nested(PersonSchema, required=True)
    need = fields.Integer(required=True)
    benefit = fields.Integer(required=True)
    reusability = fields.Integer(required=True)
    feasibility = fields.Integer(required=True)
    cost_effectiveness = fields.Integer(required=True)
    comment = fields.String(required=True)
    updated_at = fields.DateTime(required=True)


# Experiments: partners, participation, expenses, risks, evaluation.


class PartnerOrganisationInSchema(Schema):
    name = line_in(200, min_length=1, required=True)
    type = one_of(OrganisationType, required=True)
    business_id = line_in(
        20, allow_none=True, metadata={"description": "Finnish business ID (Y-tunnus), 0112038-9"}
    )


class PartnerInSchema(Schema):
    """An existing organisation by organisation_id, or a new one as organisation; its role."""

    organisation_id = Id(allow_none=True)
    organisation = fields.Nested(PartnerOrganisationInSchema, allow_none=True)
    role = one_of(PartnerRole, required=True)


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


class ParticipationInSchema(Schema):
    date = Day(required=True)
    category = one_of(ParticipationCategory, required=True)
    count = Int(required=True, validate=validate.Range(1, 1_000_000))
    note = line_in(500, allow_none=True)


class ParticipationSchema(Schema):
    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    category = one_of(ParticipationCategory, required=True)
    count = fields.Integer(required=True)
    note = fields.String(required=True)


class ParticipationListSchema(Schema):
    items = fields.List(fields.Nested(ParticipationSchema), required=True)


class ExpenseInSchema(Schema):
    date = Day(required=True)
    amount = MoneyIn(Decimal("0.01"), BUDGET_MAX, required=True)
    description = line_in(500, min_length=1, required=True)


class ExpenseSchema(Schema):
    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    amount = MoneyOut(required=True)
    description = fields.String(required=True)


class ExpenseListSchema(Schema):
    items = fields.List(fields.Nested(ExpenseSchema), required=True)


class RiskInSchema(Schema):
    description = text_in(REASON_MAX, min_length=1, required=True)
    probability = Int(required=True, validate=validate.Range(RISK_MIN, RISK_MAX))
    impact = Int(required=True, validate=validate.Range(RISK_MIN, RISK_MAX))
    mitigation = text_in(REASON_MAX, allow_none=True)
    status = one_of(RiskStatus, required=True)


class RiskSchema(Schema):
    id = fields.Integer(required=True)
    description = fields.String(required=True)
    probability = fields.Integer(required=True)
    impact = fields.Integer(required=True)
    mitigation = fields.String(required=True)
    status = one_of(RiskStatus, required=True)


class RiskListSchema(Schema):
    items = fields.List(fields.Nested(RiskSchema), required=True)


class EvaluationInSchema(Schema):
    got_users = Bool(required=True)
    users_count = Int(allow_none=True, validate=validate.Range(0, 10_000_000))
    part_of_services = Bool(required=True)
    benefits_city = text_in(REASON_MAX, allow_none=True)
    benefits_customers = text_in(REASON_MAX, allow_none=True)
    research_value = Bool(required=True)
    research_link = line_in(
        500, allow_none=True, metadata={"description": "A web address (https://…)"}
    )
    findings = text_in(REASON_MAX, allow_none=True)
    recommendation = one_of(Recommendation, required=True)


class EvaluationSchema(Schema):
    experiment_id = fields.Integer(required=True)
    got_users = fields.Boolean(required=True)
    users_count = fields.Integer(required=True, allow_none=True)
    part_of_services = fields.Boolean(required=True)
    benefits_city = fields.String(required=True)
    benefits_customers = fields.String(required=True)
    research_value = fields.Boolean(required=True)
    research_link = fields.String(required=True)
    findings = fields.String(required=True)
    recommendation = one_of(Recommendation, required=True)
    updated_at = fields.DateTime(required=True)


# Statistics.


class StatisticsQuerySchema(Schema):
    programme = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    call = fields.Integer(
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "Only the proposals of this call."},
    )
    year = fields.Integer(
        validate=validate.Range(1900, 2199),
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


# Open data: the public experiments (CC BY 4.0).


class PublicQuerySchema(PageQuerySchema):
    status = fields.String(
        validate=validate.OneOf([s.value for s in Status if s in EXPERIMENT_STATES])
    )
    year = fields.Integer(
        validate=validate.Range(1900, 2999), metadata={"description": "The year the pilot started."}
    )
    service_area = one_of(ServiceArea)
    centre = one_of(CityCentre)
    sdg = fields.Integer(validate=validate.Range(1, 17))
    programme = fields.Integer(validate=validate.Range(1, MAX_ID))


class PublicRefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PublicProgrammeSchema(PublicRefSchema):
    language = written_in()


class PublicCallSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    language = written_in()


class PublicOrganisationSchema(Schema):
    name = fields.String(required=True)
    type = one_of(OrganisationType, required=True)
    business_id = fields.String(required=True, allow_none=True)


class PublicPartnerSchema(PublicOrganisationSchema):
    role = one_of(PartnerRole, required=True)


class PublicEvaluationSchema(Schema):
    got_users = fields.Boolean(required=True)
    users_count = fields.Integer(required=True, allow_none=True)
    part_of_services = fields.Boolean(required=True)
    benefits_city = fields.String(required=True)
    benefits_customers = fields.String(required=True)
    research_value = fields.Boolean(required=True)
    research_link = fields.String(required=True, allow_none=True)
    findings = fields.String(required=True)
    recommendation = one_of(Recommendation, required=True)
    language = written_in()


class PublicExperimentSchema(Schema):
    """An experiment as open data: organisations, never people."""

    id = fields.Integer(required=True)
    language = written_in()
    title = fields.String(required=True)
    summary = fields.String(required=True)
    need = fields.String(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf([s.value for s in Status if s in EXPERIMENT_STATES])
    )
    programme = fields.Nested(PublicProgrammeSchema, required=True)
    call = fields.Nested(PublicCallSchema, required=True, allow_none=True)
    proposer_type = one_of(ProposerType, required=True, allow_none=True)
    organisation = fields.Nested(PublicOrganisationSchema, required=True, allow_none=True)
    service_area = one_of(ServiceArea, required=True, allow_none=True)
    city_centres = fields.List(one_of(CityCentre), required=True)
    sdgs = fields.List(fields.Integer(), required=True)
    allocated_budget = fields.String(required=True, metadata={"pattern": MONEY_PATTERN})
    start_date = fields.String(required=True, metadata={"format": "date"})
    planned_end_date = fields.String(required=True, metadata={"format": "date"})
    actual_end_date = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    city_unit = fields.String(required=True)
    partners = fields.List(fields.Nested(PublicPartnerSchema), required=True)
    participants = fields.Nested(ParticipantsSchema, required=True)
    outcome = fields.String(required=True, allow_none=True)
    lessons_learned = fields.String(required=True, allow_none=True)
    outcome_language = written_in()
    evaluation = fields.Nested(PublicEvaluationSchema, required=True, allow_none=True)


class PublicPageSchema(PageSchema):
    items = fields.List(fields.Nested(PublicExperimentSchema), required=True)
