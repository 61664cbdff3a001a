"""Files on a proposal: list, add (multipart/form-data), download, publish, delete."""

from __future__ import annotations

from flask import url_for

from ..attachment_types import KINDS
from ..lifecycle import Role
from ..rules import ATTACHMENT_MAX_BYTES
from ..services import access
from ..services import attachments as attachment_service
from ..uploads import accepts_files, download_response
from .core import ApiBlueprint, api_user, authenticated
from .schemas import (
    AttachmentInSchema,
    AttachmentListSchema,
    AttachmentPatchSchema,
    AttachmentSchema,
)

blp = ApiBlueprint("api_attachments", "attachments", "Files on a proposal")

PARTIES = (Role.APPLICANT, Role.STAFF, Role.MANAGER)
ID = "<id:proposal_id>"
FILE = f"/proposals/{ID}/attachments/<id:attachment_id>"
BINARY = {"type": "string", "format": "binary"}


def _attachment(proposal_id: int, attachment_id: int):
    proposal = access.proposal_or_404(proposal_id, api_user())
    return attachment_service.attachment_or_404(proposal, attachment_id)


@blp.route(f"/proposals/{ID}/attachments", methods=["GET"])
@authenticated(*PARTIES)
@blp.response(200, AttachmentListSchema)
@blp.problems(401, 403, 404)
def list_attachments(proposal_id: int):
    """The proposal's files, oldest first (deleted ones are in the audit trail)."""
    proposal = access.proposal_or_404(proposal_id, api_user())
    return {"items": attachment_service.attachments_of(proposal)}


@blp.route(f"/proposals/{ID}/attachments", methods=["POST"])
@accepts_files(ATTACHMENT_MAX_BYTES)
@authenticated(*PARTIES)
@blp.arguments(AttachmentInSchema, location="multipart")
@blp.response(
    201,
    AttachmentSchema,
    headers={"Location": {"description": "The file", "schema": {"type": "string"}}},
)
@blp.problems(
    401,
    403,
    404,
    409,
    413,
    415,
    because={
        403: "Only staff publish a file, and an applicant adds files to their own proposal.",
        409: "The applicant adds files only while the proposal is a draft or awaits more "
        "information.",
        413: "The file is over 10 MiB, or the proposal's files would be over 50 MiB.",
        415: "The content is none of the kinds taken, or not the kind its name ends with.",
    },
)
def add_attachment(values, proposal_id: int):
    """Add a file; confidential files are never public, and only staff publish."""
    user = api_user()
    proposal = access.proposal_or_404(proposal_id, user)
    upload = values["file"]
    attachment = attachment_service.add_attachment(
        proposal,
        user,
        upload.stream,
        upload.filename,
        confidential=values["confidential"],
        public=values["public"],
    )
    location = url_for(".get_attachment", proposal_id=proposal.id, attachment_id=attachment.id)
    return attachment, 201, {"Location": location}


@blp.route(FILE, methods=["GET"])
@authenticated(*PARTIES)
@blp.response(
    200,
    BINARY,
    content_type=KINDS[0].content_type,
    description="The file, as an attachment, of the kind its content was recognised as.",
    headers={
        "Content-Disposition": {"description": "attachment", "schema": {"type": "string"}},
    },
)
@blp.doc(responses={200: {"content": {k.content_type: {"schema": BINARY} for k in KINDS}}})
@blp.problems(401, 403, 404)
def get_attachment(proposal_id: int, attachment_id: int):
    """The file itself, to be saved (never shown by the browser as a page); a file sent with
    a pilot's report also for the pilot's team."""
    attachment = attachment_service.readable_or_404(proposal_id, attachment_id, api_user())
    data = attachment_service.content_of(attachment)
    return download_response(attachment.filename, attachment.content_type, data)


@blp.route(FILE, methods=["PATCH"])
@authenticated(Role.STAFF, Role.MANAGER)
@blp.arguments(AttachmentPatchSchema)
@blp.response(200, AttachmentSchema)
@blp.problems(401, 403, 404, 409, because={409: "A confidential file is never published."})
def update_attachment(values, proposal_id: int, attachment_id: int):
    """Publish the file on the experiment's public page, or take it off (staff)."""
    attachment = _attachment(proposal_id, attachment_id)
    attachment_service.set_public(attachment, api_user(), values["public"])
    return attachment


@blp.route(FILE, methods=["DELETE"])
@authenticated(*PARTIES)
@blp.response(204)
@blp.problems(
    401,
    403,
    404,
    409,
    because={
        403: "Only its uploader or staff delete a file.",
        409: "The applicant deletes files only while the proposal is editable.",
    },
)
def delete_attachment(proposal_id: int, attachment_id: int):
    """Delete the file; its name, who deleted it and when stay in the audit trail."""
    attachment = _attachment(proposal_id, attachment_id)
    attachment_service.delete_attachment(attachment, api_user())
    return ""
