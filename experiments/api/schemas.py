"""Marshmallow schemas of the API: the shape of every request and response body.

Response schemas dump the models (or the catalogue's public view of them) as they are: each
answer's shape is described here once, and what a reader may see is decided before, by the
services and the catalogue.

Request schemas refuse unknown fields (marshmallow's default RAISE, documented as
additionalProperties: false); status, owner, version and ids are not among their fields,
except version as the concurrency token. The document states exactly what a request field
accepts: its ranges, lengths, patterns and codes come from the limits the services use.

Where a service checks a body's values (proposals, an experiment's records), its schema only
reads their JSON types and hands them on: the service decides, and its refusal is the 422
(see Written, code_of, int_in, Id and MoneyIn); so do reviews and workflow moves (a move's
schema says which fields its target state takes). Queries and tokens are checked here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..catalogue import FILTER_YEARS, MAX_PER_PAGE
from ..errors import Invalid
from ..i18n import LANGUAGE_NAMES, status_label
from ..lifecycle import (
    EXPERIMENT_STATES,
    MOVE_FIELDS,
    N_,
    TRANSITIONS,
    FieldKind,
    Role,
    Status,
)
from ..patterns import (
    CENT,
    date_pattern,
    money_pattern,
    padded,
    text_pattern,
    web_address_pattern,
)
from ..rules import (
    AMOUNT_MIN,
    BUDGET_MAX,
    BUDGET_MIN,
    CENTRES_ITEMS_MAX,
    COUNT_MAX,
    DESCRIPTION_MAX,
    DURATION_MAX,
    DURATION_MIN,
    LINE_MAX,
    LINK_MAX,
    MAX_ID,
    MAX_PAGE,
    NAME_MAX,
    NEED_MAX,
    NOTE_MAX,
    REASON_MAX,
    RISK_MAX,
    RISK_MIN,
    SCORE_MAX,
    SCORE_MIN,
    SDGS_ITEMS_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
    USERS_MAX,
    YEAR_MAX,
    YEAR_MIN,
)
from ..services import evaluations, expenses, participation, partners, proposals, reviews, risks
from ..services.inputs import CONTROL_CHARACTERS, LINE_BREAKS, blank, text_error
from ..vocabulary import (
    SDGS,
    CityCentre,
    OrganisationType,
    ParticipationCategory,
    PartnerRole,
    ProposerType,
    Recommendation,
    RiskStatus,
    ServiceArea,
)
from .messages import Characters, Choice, WholeNumber, translate_field

MONEY_PATTERN = r"^[0-9]+\.[0-9]{2}$"
# Amounts given as text: digits with an optional decimal part.
_DECIMAL_TEXT = re.compile(r"^[0-9]+(\.[0-9]+)?$")
SORTS = ("submitted_at", "-submitted_at", "title", "requested_budget")
SDG_MIN, SDG_MAX = SDGS.start, SDGS.stop - 1


def _found(pattern: re.Pattern) -> frozenset[str]:
    """The characters of the Basic Multilingual Plane that the pattern finds on their own."""
    return frozenset(pattern.findall("".join(map(chr, range(0x10000)))))


# What the written-text rule (text_error) refuses within a text, and within a line; the
# document's patterns exclude the same characters.
TEXT_REFUSED = _found(CONTROL_CHARACTERS)
LINE_REFUSED = TEXT_REFUSED | _found(LINE_BREAKS)


def codes(vocabulary) -> list[str]:
    return [member.value for member in vocabulary]


class Unicode(fields.String):
    """A JSON string that is text: no lone surrogates, which no database stores."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError(_("Text must be valid Unicode.")) from error
        return text


class Text(Unicode):
    """A string stored as text: trimmed, UTF-8 encodable, passing the input layer's rule for
    written text (one line if one_line); empty is null if nullable."""

    def __init__(self, *, one_line: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.one_line = one_line

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        error = text_error(text.strip(), one_line=self.one_line)
        if error:
            raise ValidationError(error)
        return text.strip()

    def deserialize(self, value, attr=None, data=None, **kwargs):
        text = super().deserialize(value, attr, data, **kwargs)
        # After validation: an empty optional text is stored as no text at all.
        return None if text == "" and self.allow_none else text


class Int(fields.Integer):
    """A JSON integer, as JSON Schema counts them (3 or 3.0): no strings, fractions or booleans."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


class Bool(fields.Boolean):
    """A JSON boolean: true or false, nothing that merely looks like one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def int_in(low: int, high: int, **kwargs) -> Int:
    """A JSON integer whose range (low to high) the service that takes it checks."""
    kwargs["metadata"] = {"minimum": low, "maximum": high, **kwargs.get("metadata", {})}
    return Int(**kwargs)


class Id(Int):
    """A database id, 1 to MAX_ID: the service that takes it checks it, refusing others."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"minimum": 1, "maximum": MAX_ID, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


class Day(fields.Date):
    """An ISO date (YYYY-MM-DD) within the years the programme could concern."""

    PATTERN = date_pattern(YEAR_MIN, YEAR_MAX)

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": self.PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self._regex = re.compile(self.PATTERN)

    def _deserialize(self, value, attr, data, **kwargs):
        # Python reads more ISO 8601 forms (20250331, 2025-W13-1) than format: date allows.
        if isinstance(value, str) and not self._regex.fullmatch(value):
            raise ValidationError(
                _(
                    "Give a date in the years %(first)d–%(last)d as YYYY-MM-DD, e.g. 2025-03-31.",
                    first=YEAR_MIN,
                    last=YEAR_MAX,
                )
            )
        return super()._deserialize(value, attr, data, **kwargs)


class MoneyIn(fields.Field):
    """Euros as a string of digits or a JSON number, read exactly as a Decimal; the service
    that takes it checks its places and limits, which the document states.

    A string is digits with an optional decimal part, as the document's pattern says (no
    sign, spaces or exponent); a number is read as the shortest decimal that gives it back
    (0.1 is 0.1), as JSON Schema's multipleOf reads it.
    """

    def __init__(self, minimum: Decimal, maximum: Decimal, **kwargs):
        pattern = money_pattern(minimum, maximum)
        variants = [
            {"type": "string", "pattern": pattern},
            {
                "type": "number",
                "minimum": float(minimum),
                "maximum": float(maximum),
                "multipleOf": float(CENT),
            },
        ]
        if kwargs.get("allow_none"):
            variants.append({"type": "null"})
        kwargs["metadata"] = {
            "anyOf": variants,
            "description": f"Euros with at most two decimals, from {minimum} to {maximum}: "
            '"12500.50" or 12500.5.',
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(_("Give an amount in euros as a string or a number."))
        if isinstance(value, str):
            if not _DECIMAL_TEXT.fullmatch(value):
                raise ValidationError(_("Give an amount in euros, e.g. “12500.50”."))
            return Decimal(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(_("The amount must be a finite number."))
        return Decimal(repr(value) if isinstance(value, float) else value)


class TextOut(fields.String):
    """Stored text that may be missing, answered as a string: empty when there is none."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value or "", attr, obj, **kwargs)


class TextOrNull(fields.String):
    """Stored text answered as null when there is none, an empty text included."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value or None, attr, obj, **kwargs)


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
    return fields.String(validate=Choice(codes(vocabulary)), **kwargs)


def code_of(vocabulary, **kwargs) -> fields.String:
    """A code of the list, which the service that takes it checks; the document lists them."""
    listed: list = list(vocabulary) if isinstance(vocabulary, tuple) else codes(vocabulary)
    if kwargs.get("allow_none"):
        listed.append(None)
    kwargs["metadata"] = {"enum": listed, **kwargs.get("metadata", {})}
    return fields.String(**kwargs)


class Written(Unicode):
    """Text as written, handed on as sent to the service that checks it (its lengths, and the
    written-text rule); the document states that rule: at most max_length characters as
    sent, at least min_length once trimmed, none of the characters text_error refuses (or
    the pattern given)."""

    def __init__(
        self,
        max_length: int,
        min_length: int | None = None,
        *,
        one_line: bool = False,
        pattern: str | None = None,
        **kwargs,
    ):
        refused = LINE_REFUSED if one_line else TEXT_REFUSED
        limits = {"maxLength": max_length, "pattern": pattern or text_pattern(min_length, refused)}
        if min_length:
            limits["minLength"] = min_length
        kwargs["metadata"] = {**limits, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


def written_line(max_length: int, min_length: int | None = None, **kwargs) -> Written:
    """A text of one line (a title, a name), as written."""
    return Written(max_length, min_length, one_line=True, **kwargs)


class LimitedText(Text):
    """Text of at most max_length characters as sent, and at least min_length once trimmed;
    a pattern, if given, is what the text as sent must match (mismatch says why not)."""

    def __init__(
        self,
        max_length: int,
        min_length: int | None = None,
        pattern: str | None = None,
        mismatch: str = "",
        one_line: bool = False,
        **kwargs,
    ):
        self.max_length, self.min_length, self.mismatch = max_length, min_length, mismatch
        refused = LINE_REFUSED if one_line else TEXT_REFUSED
        self.pattern = pattern or text_pattern(min_length, refused)
        self._regex = re.compile(pattern) if pattern else None
        limits = {"maxLength": max_length, "pattern": self.pattern}
        if min_length:
            limits["minLength"] = min_length
        kwargs["metadata"] = {**limits, **kwargs.get("metadata", {})}
        super().__init__(one_line=one_line, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) > self.max_length:
            raise ValidationError(_("At most %(n)d characters.", n=self.max_length))
        if isinstance(value, str) and self._regex and not self._regex.fullmatch(value):
            raise ValidationError(_(self.mismatch))
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.min_length and len(text) < self.min_length:
            if self.min_length == 1:
                raise ValidationError(_("This is required."))
            raise ValidationError(_("Use at least %(n)d characters.", n=self.min_length))
        return text


def text_in(max_length: int, min_length: int | None = None, **kwargs) -> Text:
    return LimitedText(max_length, min_length, **kwargs)


def line_in(max_length: int, min_length: int | None = None, **kwargs) -> Text:
    """A text of one line: a title, a name, an address."""
    return text_in(max_length, min_length, one_line=True, **kwargs)


def business_id(**kwargs) -> Text:
    """A Finnish business ID (Y-tunnus) as 0112038-9, or none; the service checks its check
    digit, which the document names as the format fi-business-id."""
    return LimitedText(
        9,
        pattern=r"^(?:[0-9]{7}-[0-9])?$",
        mismatch=N_("Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9."),
        metadata={
            "format": "fi-business-id",
            "description": "Finnish business ID (Y-tunnus) with its check digit, e.g. 0112038-9",
        },
        **kwargs,
    )


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


# Proposals.


class PersonSchema(Schema):
    """A user as others see them: a deleted account is "Deleted user" in the reader's language."""

    id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="display_name")


class OrganisationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    business_id = fields.String(required=True, allow_none=True)


class ExperimentSchema(Schema):
    """An experiment's own fields; its outcome is the decision, once there is one."""

    id = fields.Integer(required=True)
    allocated_budget = MoneyOut(required=True)
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)
    actual_end_date = fields.Date(required=True, allow_none=True)
    owner = fields.Nested(PersonSchema, required=True)
    city_unit = TextOut(required=True)
    outcome = TextOrNull(
        required=True,
        allow_none=True,
        attribute="decision",
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
    """The proposal as SPEC's proposal JSON, for whoever may see the proposal."""

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
    sdgs = fields.List(fields.Integer(validate=validate.Range(SDG_MIN, SDG_MAX)), required=True)
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


class OrganisationInSchema(Input):
    """The proposing organisation; found by business ID (or exact name) or created."""

    name = written_line(NAME_MAX, min_length=1, required=True)
    business_id = business_id(allow_none=True, load_default=None)
    type = code_of(
        OrganisationType,
        load_default=None,
        allow_none=True,
        metadata={"description": "Defaults to the proposer type, else company."},
    )


class ProposalWriteSchema(Input):
    """Proposal content; every field is optional while a draft, required on submission."""

    checked_by = proposals.proposal_values

    call_id = Id(allow_none=True)
    language = code_of(
        tuple(LANGUAGE_NAMES),
        metadata={
            "description": "The language of the texts (fi, sv or en); by default the language "
            "of the request (?lang=, the user's saved choice, Accept-Language)."
        },
    )
    title = written_line(TITLE_MAX, TITLE_MIN, allow_none=True)
    summary = Written(SUMMARY_MAX, allow_none=True)
    need = Written(NEED_MAX, allow_none=True)
    proposer_type = code_of(ProposerType, allow_none=True)
    organisation = fields.Nested(OrganisationInSchema, allow_none=True)
    service_area = code_of(ServiceArea, allow_none=True)
    city_centres = fields.List(code_of(CityCentre), metadata={"maxItems": CENTRES_ITEMS_MAX})
    sdgs = fields.List(int_in(SDG_MIN, SDG_MAX), metadata={"maxItems": SDGS_ITEMS_MAX})
    requested_budget = MoneyIn(BUDGET_MIN, BUDGET_MAX, allow_none=True)
    planned_duration_months = int_in(DURATION_MIN, DURATION_MAX, allow_none=True)
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

    # The proposal service's rule, stated for the document: a resident has no organisation.
    json_schema = {
        "not": {
            "properties": {
                "proposer_type": {"const": ProposerType.RESIDENT.value},
                "organisation": {"type": "object"},
            },
            "required": ["proposer_type", "organisation"],
        }
    }


class ProposalPatchSchema(ProposalWriteSchema):
    call_id = Id(metadata={"description": "Another open call of the programme."})
    version = Int(
        required=True,
        validate=WholeNumber(1, MAX_ID),
        metadata={"description": "The version last read; a stale one answers 409."},
    )


class PageQuerySchema(Input):
    # Query strings carry text: fields.Integer parses "2" and refuses "2.5" or "abc".
    page = fields.Integer(load_default=1, validate=WholeNumber(1, MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=WholeNumber(1, MAX_PER_PAGE))


class ProposalQuerySchema(PageQuerySchema):
    status = fields.List(one_of(Status), load_default=list)
    proposer_type = one_of(ProposerType)
    service_area = one_of(ServiceArea)
    year = fields.Integer(
        validate=WholeNumber(YEAR_MIN, YEAR_MAX),
        metadata={"description": "The year the proposal was submitted."},
    )
    q = text_in(200, metadata={"description": "Words in the title or summary."})
    sort = fields.String(load_default="-submitted_at", validate=Choice(SORTS))


def _moves_into(target: Status) -> tuple[frozenset[str], frozenset[str]]:
    """The fields that some move into target takes, and those that every such move requires."""
    edges = [edge for edge in TRANSITIONS if edge.target == target]
    taken = frozenset(name for edge in edges for name in edge.fields)
    requires = [frozenset(edge.requires) for edge in edges]
    required = frozenset.intersection(*requires) if requires else frozenset()
    return taken, required


MOVES_INTO = {target: _moves_into(target) for target in Status}


class _TransitionTarget(Input):
    """A workflow move: the target state, the version read, and what the move requires."""

    to = one_of(Status, required=True)
    version = Int(required=True, validate=WholeNumber(1, MAX_ID))

    @validates_schema
    def _fields_of_the_move(self, data, **kwargs):
        """The fields a move into the target takes (any other must be null), and those all
        such moves require; the state left may say more (the API answers that with 409)."""
        taken, required = MOVES_INTO[Status(data["to"])]
        errors = {}
        for name in MOVE_FIELDS:
            given = not blank(data.get(name))
            if name in required and not given:
                errors[name] = [_("This is required for this move.")]
            elif given and name not in taken:
                message = _(
                    "The move to “%(state)s” does not take this field.",
                    state=status_label(data["to"]),
                )
                errors[name] = [message]
        if errors:
            raise ValidationError(errors)


# How each kind of value a move takes is read (the workflow service checks it); the workflow
# table says which move takes what.
_MOVE_FIELD_IN = {
    FieldKind.TEXT: lambda **kw: Written(REASON_MAX, **kw),
    FieldKind.LINE: lambda **kw: written_line(LINE_MAX, **kw),
    FieldKind.MONEY: lambda **kw: MoneyIn(AMOUNT_MIN, BUDGET_MAX, **kw),
    FieldKind.DATE: lambda **kw: Day(**kw),
    FieldKind.STAFF_MEMBER: lambda **kw: Id(**kw),
}
_WRITTEN = {FieldKind.TEXT, FieldKind.LINE}


def _move_variant(target: Status) -> dict:
    """The body of a move into target, in JSON Schema: the fields its moves take and need."""
    taken, required = MOVES_INTO[target]
    properties: dict = {"to": {"const": target.value}}
    for name, field in MOVE_FIELDS.items():
        if name in required and field.kind in _WRITTEN:
            refused = LINE_REFUSED if field.kind == FieldKind.LINE else TEXT_REFUSED
            properties[name] = {"type": "string", "pattern": text_pattern(1, refused)}
        elif name in required:
            properties[name] = {"not": {"type": "null"}}
        elif name not in taken:
            properties[name] = {"type": "null"}
    return {"properties": properties, "required": ["to", "version", *sorted(required)]}


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
# Each target state takes its own fields: one variant per target (null stands for absent).
TransitionSchema.json_schema = {"anyOf": [_move_variant(target) for target in Status]}


class HistoryEntrySchema(Schema):
    from_ = one_of(Status, required=True, data_key="from", attribute="from_status")
    to = one_of(Status, required=True, attribute="to_status")
    by = fields.Nested(PersonSchema, required=True, attribute="actor")
    at = fields.DateTime(required=True)
    reason = fields.String(required=True, allow_none=True)


class HistorySchema(Schema):
    items = fields.List(fields.Nested(HistoryEntrySchema), required=True)


def _score(**kwargs):
    return int_in(SCORE_MIN, SCORE_MAX, **kwargs)


class ReviewInSchema(Input):
    """The reviewer's own scores, 1–5 on each criterion, and a comment."""

    checked_by = reviews.review_values

    need = _score(required=True)
    benefit = _score(required=True)
    reusability = _score(required=True)
    feasibility = _score(required=True)
    cost_effectiveness = _score(required=True)
    comment = Written(REASON_MAX, load_default="", allow_none=True)


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


# Statistics.


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


# Open data: the public experiments (CC BY 4.0).


class PublicQuerySchema(PageQuerySchema):
    status = fields.String(validate=Choice([s.value for s in Status if s in EXPERIMENT_STATES]))
    year = fields.Integer(
        validate=WholeNumber(*FILTER_YEARS),
        metadata={"description": "The year the pilot started."},
    )
    service_area = one_of(ServiceArea)
    centre = one_of(CityCentre)
    sdg = fields.Integer(validate=WholeNumber(SDG_MIN, SDG_MAX))
    programme = fields.Integer(validate=WholeNumber(1, MAX_ID))


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
    language = written_in()
    got_users = fields.Boolean(required=True)
    users_count = fields.Integer(required=True, allow_none=True)
    part_of_services = fields.Boolean(required=True)
    benefits_city = fields.String(required=True)
    benefits_customers = fields.String(required=True)
    research_value = fields.Boolean(required=True)
    research_link = fields.String(required=True, allow_none=True)
    findings = fields.String(required=True)
    recommendation = one_of(Recommendation, required=True)


class PublicExperimentSchema(Schema):
    """An experiment as open data: organisations, never people (the catalogue's public view
    of it, which leaves out what the public may not read)."""

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
    allocated_budget = MoneyOut(required=True)
    start_date = fields.Date(required=True)
    planned_end_date = fields.Date(required=True)
    actual_end_date = fields.Date(required=True, allow_none=True)
    city_unit = fields.String(required=True)
    partners = fields.List(fields.Nested(PublicPartnerSchema), required=True)
    participants = fields.Nested(ParticipantsSchema, required=True)
    outcome = fields.String(required=True, allow_none=True)
    lessons_learned = fields.String(required=True, allow_none=True)
    outcome_language = written_in()
    evaluation = fields.Nested(PublicEvaluationSchema, required=True, allow_none=True)


class PublicPageSchema(PageSchema):
    items = fields.List(fields.Nested(PublicExperimentSchema), required=True)
