"""Proposals: the proposal as read and as written, the listing's query, the workflow moves
(derived from the transition table), the history and the reviews."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...i18n import LANGUAGE_NAMES, status_label
from ...lifecycle import (
    MOVE_FIELDS,
    TRANSITIONS,
    FieldKind,
    Status,
)
from ...patterns import (
    text_pattern,
)
from ...rules import (
    AMOUNT_MIN,
    BUDGET_MAX,
    BUDGET_MIN,
    CENTRES_ITEMS_MAX,
    DURATION_MAX,
    DURATION_MIN,
    LINE_MAX,
    MAX_ID,
    NAME_MAX,
    NEED_MAX,
    REASON_MAX,
    SCORE_MAX,
    SCORE_MIN,
    SDGS_ITEMS_MAX,
    SEARCH_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
    YEAR_MAX,
    YEAR_MIN,
)
from ...services import proposals, reviews
from ...services.inputs import blank
from ...vocabulary import (
    CityCentre,
    OrganisationType,
    ProposerType,
    ServiceArea,
)
from ..messages import Choice, WholeNumber
from .common import Input, PageQuerySchema, PageSchema
from .fields import (
    LINE_REFUSED,
    SDG_MAX,
    SDG_MIN,
    TEXT_REFUSED,
    Bool,
    Day,
    Dumped,
    Id,
    Int,
    MoneyIn,
    MoneyOut,
    TextOrNull,
    TextOut,
    Written,
    business_id,
    code_of,
    int_in,
    one_of,
    text_in,
    written_in,
    written_line,
)

SORTS = ("submitted_at", "-submitted_at", "title", "requested_budget", "relevance")


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


class ProposalPageSchema(PageSchema):
    items = fields.List(Dumped(ProposalSchema), required=True)  # dumped by the view


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


class ProposalQuerySchema(PageQuerySchema):
    status = fields.List(one_of(Status), load_default=list)
    proposer_type = one_of(ProposerType)
    service_area = one_of(ServiceArea)
    year = fields.Integer(
        validate=WholeNumber(YEAR_MIN, YEAR_MAX),
        metadata={"description": "The year the proposal was submitted."},
    )
    q = text_in(
        SEARCH_MAX,
        metadata={
            "description": "Full-text search: every word, in any field (title, summary, need, "
            "organisation; an experiment's findings, decision and lessons), each in any of "
            "its inflected forms; the last word also as the beginning of a word."
        },
    )
    sort = fields.String(
        validate=Choice(SORTS),
        metadata={
            "description": "relevance (best match first) is the default when q has words; "
            "otherwise -submitted_at."
        },
    )


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
    kwargs.setdefault("metadata", {}).setdefault("description", "1–5, or null to abstain on it.")
    return int_in(SCORE_MIN, SCORE_MAX, allow_none=True, **kwargs)


class ReviewInSchema(Input):
    """The reviewer's own scores, 1–5 on each criterion or null where they abstain (at least
    one scored), and a comment. A reviewer with a conflict of interest may not review: 403."""

    checked_by = reviews.review_values

    need = _score(
        required=True,
        metadata={"description": "1–5, or null to abstain on it; at least one criterion scored."},
    )
    benefit = _score(required=True)
    reusability = _score(required=True)
    feasibility = _score(required=True)
    cost_effectiveness = _score(required=True)
    comment = Written(REASON_MAX, load_default="", allow_none=True)


class ReviewSchema(Schema):
    proposal_id = fields.Integer(required=True)
    reviewer = fields.Nested(PersonSchema, required=True)
    need = fields.Integer(required=True, allow_none=True)
    benefit = fields.Integer(required=True, allow_none=True)
    reusability = fields.Integer(required=True, allow_none=True)
    feasibility = fields.Integer(required=True, allow_none=True)
    cost_effectiveness = fields.Integer(required=True, allow_none=True)
    comment = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
