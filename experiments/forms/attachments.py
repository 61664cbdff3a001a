"""Adding a file to a proposal, and publishing it on the experiment's public page."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField

from ..attachment_types import ENDINGS
from .base import PageForm


class AttachmentForm(PageForm):
    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file to add."))],
        description=_l(
            "PDF, PNG, JPEG, OpenDocument or Office documents, CSV or plain text; at most "
            "10 MB each, and 50 MB for all of the proposal's files."
        ),
        render_kw={"accept": ",".join(f".{e}" for e in ENDINGS)},
    )
    confidential = BooleanField(
        _l("Confidential: contains business secrets"),
        description=_l("A confidential file is never published."),
    )
    public = BooleanField(
        _l("Publish on the experiment's public page"),
        description=_l("Anyone may then download it, and it is in the open data."),
    )


class PublishForm(PageForm):
    """Publish a file (public "1") or take it off the public page (public "0")."""

    public = HiddenField()
