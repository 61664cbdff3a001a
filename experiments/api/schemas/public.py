"""Open data: the public experiments (CC BY 4.0)."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate

from ...catalogue import FILTER_YEARS, SORTS
from ...lifecycle import (
    EXPERIMENT_STATES,
    Status,
)
from ...rules import (
    MAX_ID,
    SEARCH_MAX,
)
from ...vocabulary import (
    CityCentre,
    OrganisationType,
    PartnerRole,
    ProposerType,
    Recommendation,
    ServiceArea,
)
from ..messages import Choice, WholeNumber
from .common import PageQuerySchema, PageSchema
from .fields import SDG_MAX, SDG_MIN, MoneyOut, one_of, text_in, written_in
from .statistics import ParticipantsSchema


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
    q = text_in(
        SEARCH_MAX,
        metadata={
            "description": "Full-text search of what is published: every word, in any field "
            "(title, summary, need, organisation, findings, outcome, lessons learned), each "
            "in any of its inflected forms; the last word also as the beginning of a word."
        },
    )
    sort = fields.String(
        validate=Choice(SORTS),
        metadata={
            "description": "relevance (best match first) is the default when q has words; "
            "-start_date is the newest pilots first."
        },
    )


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


class PublicAttachmentSchema(Schema):
    """A file published on the experiment's page, and where anyone downloads it."""

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.Function(
        lambda item: url_for(
            "catalogue.attachment",
            experiment_id=item.experiment_id,
            attachment_id=item.id,
            _external=True,
        ),
        required=True,
        metadata={"type": "string", "format": "uri"},
    )


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
    attachments = fields.List(fields.Nested(PublicAttachmentSchema), required=True)


class PublicPageSchema(PageSchema):
    items = fields.List(fields.Nested(PublicExperimentSchema), required=True)
