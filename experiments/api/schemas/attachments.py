"""Files on a proposal: the upload (multipart/form-data) and the file's description."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields
from werkzeug.datastructures import FileStorage

from ...rules import ATTACHMENT_MAX_BYTES, FILENAME_MAX
from .common import Input
from .fields import Bool
from .proposals import PersonSchema


class FilePart(Upload):
    """A file part of the multipart body (a plain form field of the same name is refused)."""

    default_error_messages = {"invalid": "Invalid value."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("invalid")
        return value


class FormBool(fields.Boolean):
    """A form field that is true or false, written so; nothing that merely looks like one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise self.make_error("invalid")


class AttachmentInSchema(Input):
    file = FilePart(
        required=True,
        metadata={
            "description": f"The file: PDF, PNG, JPEG, an OpenDocument or Office Open XML "
            f"document, CSV or plain text, recognised by its content (415 otherwise), its name "
            f"ending as its kind does; 1 to {ATTACHMENT_MAX_BYTES} bytes, and at most 50 MiB "
            f"for all of a proposal's files (413). The name (at most {FILENAME_MAX} "
            "characters) has no folders and no control characters."
        },
    )
    confidential = FormBool(
        load_default=False,
        metadata={"description": "A business secret: never public (default false)."},
    )
    public = FormBool(
        load_default=False,
        metadata={
            "description": "Shown on the experiment's public page and in its open data (staff "
            "only, never with confidential; default false)."
        },
    )


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    confidential = fields.Boolean(required=True)
    public = fields.Boolean(required=True)
    uploaded_by = fields.Nested(PersonSchema, required=True)
    uploaded_at = fields.DateTime(required=True)


class AttachmentListSchema(Schema):
    items = fields.List(fields.Nested(AttachmentSchema), required=True)


class AttachmentPatchSchema(Input):
    public = Bool(
        required=True,
        metadata={"description": "Published on the experiment's public page (true) or not."},
    )
