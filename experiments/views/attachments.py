"""Files on the proposal page: add, download, publish, delete (after a confirmation)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..attachment_types import BY_CONTENT_TYPE
from ..errors import Invalid
from ..forms.attachments import AttachmentForm, PublishForm
from ..forms.confirm import ConfirmForm, ask_again, is_confirmed
from ..lifecycle import Role
from ..models import Attachment, Proposal
from ..rules import ATTACHMENT_MAX_BYTES
from ..services import access
from ..services import attachments as attachment_service
from ..services.attachments import MIB
from ..uploads import accepts_files, download_response
from .forms import saved
from .guards import STAFF, allow

bp = Blueprint("attachments", __name__, url_prefix="/proposals")

PARTIES = (Role.APPLICANT, *STAFF)
FILE = "/<id:proposal_id>/attachments/<id:attachment_id>"
# Where the proposal page shows its files.
ANCHOR = "attachments"
PREFIX = "attachment"


@dataclass
class Panel:
    """What the proposal page's files section shows to the person reading it."""

    files: list[Attachment]
    removed: list[Attachment]
    form: AttachmentForm | None  # None: this person may not add files now
    deletable: set[int] = field(default_factory=set)
    may_publish: bool = False


@bp.app_template_global()
def attachment_panel(proposal: Proposal) -> Panel:
    """The files section of the proposal page (with the form sent, where it was refused)."""
    files, removed = attachment_service.files_of(proposal)
    form = None
    if attachment_service.may_add(proposal, current_user):
        form = g.get("attachment_form") or AttachmentForm(prefix=PREFIX, formdata=None)
    return Panel(
        files=files,
        removed=removed,
        form=form,
        deletable={f.id for f in files if attachment_service.may_delete(f, current_user)},
        may_publish=current_user.is_staff,
    )


@bp.app_template_filter()
def file_size(size: int) -> str:
    """A file's size for people: bytes, kB or MB, with the reader's decimal mark."""
    if size < 1024:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < MIB:
        return _("%(n)s kB", n=format_decimal(round(size / 1024, 1)))
    return _("%(n)s MB", n=format_decimal(round(size / MIB, 1)))


@bp.app_template_global()
def file_kind(content_type: str) -> str:
    """What the kind of file is called, in the reader's language."""
    kind = BY_CONTENT_TYPE.get(content_type)
    return _(kind.label) if kind else content_type


def _back(proposal: Proposal):
    return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor=ANCHOR)), 303


def _refused(proposal: Proposal, form: AttachmentForm, status: int):
    """The proposal page again, with the form's messages in the files section."""
    from .proposals import show  # the proposal page includes this module's section

    g.attachment_form = form
    return show(proposal.id, status_code=status)


@bp.post("/<id:proposal_id>/attachments")
@accepts_files(ATTACHMENT_MAX_BYTES)
@allow(*PARTIES)
def add(proposal_id: int):
    proposal = access.proposal_or_404(proposal_id, current_user)
    if not attachment_service.may_add(proposal, current_user):
        flash(attachment_service.not_editable_message(), "error")
        return _back(proposal)
    form = AttachmentForm(prefix=PREFIX)
    status = 422

    def save() -> Attachment:
        upload = form.file.data
        return attachment_service.add_attachment(
            proposal,
            current_user,
            upload.stream,
            upload.filename,
            confidential=bool(form.confidential.data),
            public=bool(form.public.data) and current_user.is_staff,
        )

    def refused(error: Invalid) -> None:
        nonlocal status
        status = error.status_code
        for name, messages in error.errors.items():
            target = form.public if name == "public" else form.file
            target.errors = [*target.errors, *messages]

    if saved(form, save, _("The file is added."), on_invalid=refused):
        return _back(proposal)
    return _refused(proposal, form, status)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A request body over the upload's limit: said beside the form, nothing stored."""
    proposal_id = (request.view_args or {}).get("proposal_id")
    if request.endpoint != "attachments.add" or not current_user.is_authenticated:
        return render_template("errors/generic.html", error=error), 413
    proposal = access.proposal_or_404(proposal_id, current_user)
    form = AttachmentForm(prefix=PREFIX, formdata=None)
    form.file.errors = [
        _("The file is too large: at most %(n)d MB.", n=ATTACHMENT_MAX_BYTES // MIB)
    ]
    return _refused(proposal, form, 413)


@bp.get(FILE)
@allow(*PARTIES)
def download(proposal_id: int, attachment_id: int):
    attachment = attachment_service.readable_or_404(proposal_id, attachment_id, current_user)
    data = attachment_service.content_of(attachment)
    return download_response(attachment.filename, attachment.content_type, data)


@bp.post(f"{FILE}/public")
@allow(*STAFF)
def publish(proposal_id: int, attachment_id: int):
    """Publish the file on the experiment's public page, or take it off (can be undone)."""
    proposal = access.proposal_or_404(proposal_id, current_user)
    attachment = attachment_service.attachment_or_404(proposal, attachment_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("The page had expired; try again."), "error")
        return _back(proposal)
    public = form.public.data == "1"
    try:
        attachment_service.set_public(attachment, current_user, public)
    except Invalid as error:
        flash(" ".join(m for ms in error.errors.values() for m in ms), "error")
    else:
        flash(
            _("The file is published on the experiment's public page.")
            if public
            else _("The file is no longer public."),
            "success",
        )
    return _back(proposal)


@bp.post(f"{FILE}/delete")
@allow(*PARTIES)
def delete(proposal_id: int, attachment_id: int):
    """Delete a file, once confirmed; the proposal's history keeps its name, who and when."""
    proposal = access.proposal_or_404(proposal_id, current_user)
    attachment = attachment_service.attachment_or_404(proposal, attachment_id)
    form = ConfirmForm()
    confirmed = form.validate_on_submit() and is_confirmed(form)
    if not confirmed and attachment_service.may_delete(attachment, current_user):
        ask_again(form)
        return render_template(
            "proposals/confirm_attachment_delete.html",
            proposal=proposal,
            attachment=attachment,
            form=form,
        )
    attachment_service.delete_attachment(attachment, current_user)
    flash(_("The file “%(name)s” is deleted.", name=attachment.filename), "success")
    return _back(proposal)
