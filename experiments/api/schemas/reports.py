"""A pilot team's reports and the staff's review of them (SPEC: Pilot reports)."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields

from ...models import ReportStatus
from ...rules import ATTACHMENT_MAX_BYTES, COUNT_MAX, REPORT_TEXT_MAX
from ...services.pilot_reports import ACCEPT, RETURN
from ...vocabulary import ParticipationCategory
from .attachments import FilePart, FormBool
from .common import Input
from .fields import Day, TextOrNull, TextOut, Written, code_of, int_in, one_of
from .proposals import PersonSchema


class ReportCountInSchema(Input):
    category = code_of(ParticipationCategory, required=True)
    count = int_in(0, COUNT_MAX, required=True)


class ReportInSchema(Input):
    """A report; a category not given counts zero, each category at most once."""

    period_start = Day(required=True, metadata={"description": "On or after the pilot's start."})
    period_end = Day(
        required=True,
        metadata={
            "description": "On or after period_start, and not after the pilot's end (actual, "
            "else planned)."
        },
    )
    summary = Written(REPORT_TEXT_MAX, min_length=1, required=True)
    participation = fields.List(
        fields.Nested(ReportCountInSchema),
        metadata={
            "maxItems": len(ParticipationCategory),
            "description": "Each category at most once; a category not given counts zero.",
        },
    )
    problems = Written(REPORT_TEXT_MAX, allow_none=True)


class ReportReviewInSchema(Input):
    decision = code_of((ACCEPT, RETURN), required=True)
    comment = Written(
        REPORT_TEXT_MAX,
        allow_none=True,
        metadata={"description": "Required when the decision is return."},
    )


class ReportCountSchema(Schema):
    category = one_of(ParticipationCategory, required=True)
    count = fields.Integer(required=True)


class ReportAttachmentInSchema(Input):
    file = FilePart(
        required=True,
        metadata={
            "description": f"The file, taken as a proposal's file is: PDF, PNG, JPEG, an "
            f"OpenDocument or Office Open XML document, CSV or plain text, recognised by its "
            f"content (415 otherwise); 1 to {ATTACHMENT_MAX_BYTES} bytes, and at most 50 MiB "
            "for all of the pilot's proposal's files (413)."
        },
    )
    confidential = FormBool(
        load_default=False,
        metadata={"description": "A business secret: never public (default false)."},
    )


class ReportFileSchema(Schema):
    """A file sent with the report: one of its proposal's files."""

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.Method(
        "_url",
        required=True,
        metadata={"type": "string", "description": "Where the file is downloaded."},
    )

    def _url(self, attachment) -> str:
        return url_for(
            "api_attachments.get_attachment",
            proposal_id=attachment.proposal_id,
            attachment_id=attachment.id,
        )


class ReportSchema(Schema):
    id = fields.Integer(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    summary = TextOut(required=True)
    participation = fields.List(fields.Nested(ReportCountSchema), required=True, attribute="counts")
    problems = TextOut(required=True)
    status = one_of(ReportStatus, required=True)
    submitted_by = fields.Nested(PersonSchema, required=True)
    submitted_at = fields.DateTime(required=True)
    reviewed_by = fields.Nested(PersonSchema, required=True, allow_none=True)
    review_comment = TextOrNull(required=True, allow_none=True)
    attachments = fields.List(fields.Nested(ReportFileSchema), required=True)


class ReportListSchema(Schema):
    items = fields.List(fields.Nested(ReportSchema), required=True)
