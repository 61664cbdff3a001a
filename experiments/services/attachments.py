"""Files on a proposal: who may add, read, publish and delete them, and which files are taken.

The applicant adds files while the proposal is editable; staff and managers at any stage.
A confidential file is never public; only staff publish a file. Deleting keeps the file's
description (name, who deleted it, when) and removes its bytes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import lifecycle
from ..attachment_types import ENDINGS, FileKind, ending, recognise
from ..errors import Conflict, FieldConflict, Invalid, NotAllowed, TooLarge, UnsupportedFile
from ..extensions import db
from ..models import Attachment, AttachmentContent, Proposal, User
from ..models.types import utcnow
from ..rules import ATTACHMENT_MAX_BYTES, FILENAME_MAX, PROPOSAL_ATTACHMENTS_MAX_BYTES
from . import access
from .experiments import is_team
from .transaction import unit_of_work

MIB = 1024 * 1024


def attachments_of(proposal: Proposal) -> list[Attachment]:
    """The proposal's files, oldest first, with their uploaders (one statement, no bytes)."""
    return files_of(proposal)[0]


def files_of(proposal: Proposal) -> tuple[list[Attachment], list[Attachment]]:
    """The proposal's files (oldest first) and its deleted files (name, who, when; oldest
    deletion first), with the people named: one statement, no bytes."""
    every = db.session.scalars(
        select(Attachment)
        .where(Attachment.proposal_id == proposal.id)
        .options(
            joinedload(Attachment.uploaded_by),
            joinedload(Attachment.report),
            joinedload(Attachment.deleted_by),
        )
        .order_by(Attachment.id)
    ).all()
    kept = [a for a in every if a.deleted_at is None]
    deleted = [(a.deleted_at, a) for a in every if a.deleted_at is not None]
    removed = [a for _at, a in sorted(deleted, key=lambda pair: pair[0])]  # stable: then by id
    return kept, removed


def attachment_or_404(proposal: Proposal, attachment_id: int) -> Attachment:
    """A file of this (visible) proposal; a deleted file or another proposal's is 404."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.proposal_id != proposal.id or attachment.deleted:
        abort(404)
    return attachment


def readable_or_404(proposal_id: int, attachment_id: int, user: User | None) -> Attachment:
    """A file this user may download: any file of a proposal they see, and a file sent with
    a pilot's report also for the pilot's team (a co-worker does not see the proposal)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    attachment = attachment_or_404(proposal, attachment_id)
    if access.can_see(user, proposal):
        return attachment
    experiment = proposal.experiment
    if attachment.report_id is None or experiment is None or not is_team(user, experiment):
        abort(404)
    return attachment


def content_of(attachment: Attachment) -> bytes:
    """The file's bytes, read only when it is downloaded."""
    stored = db.session.get(AttachmentContent, attachment.id)
    if stored is None:
        abort(404)
    return stored.data


def may_add(proposal: Proposal, user: User) -> bool:
    if user.is_staff:
        return True
    return proposal.owner_id == user.id and proposal.status in lifecycle.EDITABLE


def may_delete(attachment: Attachment, user: User) -> bool:
    if user.is_staff:
        return True
    return attachment.uploaded_by_id == user.id and may_add(attachment.proposal, user)


def add_attachment(
    proposal: Proposal,
    user: User,
    stream: IO[bytes],
    filename: str | None,
    *,
    confidential: bool = False,
    public: bool = False,
) -> Attachment:
    """Store a file on the proposal.

    Raises NotAllowed (public by an applicant, another's proposal), Conflict (the proposal is
    no longer editable by its applicant), Invalid (name, empty, confidential and public),
    TooLarge (413) or UnsupportedFile (415); nothing is stored then.
    """
    _check_may_add(proposal, user)
    if public and not user.is_staff:
        raise NotAllowed(_("Only city staff publish files."))
    if public and confidential:
        raise Invalid({"public": [_("A confidential file is never published.")]})
    upload = checked_upload(stream, filename)
    with unit_of_work():
        # The proposal's row is locked, and its state read again under the lock, so that
        # neither a submission nor another upload at the same moment slips past the rules.
        _lock_and_check(proposal, user)
        (attachment,) = store(proposal, user, [upload], confidential=confidential, public=public)
    return attachment


@dataclass(frozen=True)
class Upload:
    """A file whose name, size and content have been checked, not yet stored."""

    name: str
    data: bytes
    kind: FileKind


def checked_upload(stream: IO[bytes], filename: str | None, field: str = "file") -> Upload:
    """The file read and checked; raises Invalid, TooLarge or UnsupportedFile (on field)."""
    try:
        name = checked_filename(filename)
        data, kind = _read_checked(stream, name)
    except Invalid as error:
        if field != "file":
            error.errors = {field: error.errors["file"]}
        raise
    return Upload(name, data, kind)


def store(
    proposal: Proposal,
    user: User,
    uploads: Sequence[Upload],
    *,
    confidential: bool = False,
    public: bool = False,
    report_id: int | None = None,
    field: str = "file",
) -> list[Attachment]:
    """Store checked files on the proposal, inside the caller's unit of work and after it
    locked the proposal's row; raises TooLarge when they would pass the proposal's limit."""
    if stored_bytes(proposal) + sum(len(u.data) for u in uploads) > PROPOSAL_ATTACHMENTS_MAX_BYTES:
        raise TooLarge(
            {
                field: [
                    _(
                        "A proposal keeps at most %(n)d MB of files; delete a file first.",
                        n=PROPOSAL_ATTACHMENTS_MAX_BYTES // MIB,
                    )
                ]
            }
        )
    stored = []
    for upload in uploads:
        attachment = Attachment(
            proposal_id=proposal.id,
            report_id=report_id,
            filename=upload.name,
            content_type=upload.kind.content_type,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            confidential=confidential,
            public=public,
            uploaded_by_id=user.id,
            uploaded_at=utcnow(),
        )
        db.session.add(attachment)
        db.session.flush()
        db.session.add(AttachmentContent(attachment_id=attachment.id, data=upload.data))
        stored.append(attachment)
    return stored


def _read_checked(stream: IO[bytes], name: str) -> tuple[bytes, FileKind]:
    """The file's bytes and kind; never more than one byte over the limit is read."""
    data = stream.read(ATTACHMENT_MAX_BYTES + 1)
    if not data:
        raise Invalid({"file": [_("The file is empty.")]})
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise TooLarge(
            {"file": [_("The file is too large: at most %(n)d MB.", n=ATTACHMENT_MAX_BYTES // MIB)]}
        )
    kind = recognise(data, name)
    if kind is None:
        raise UnsupportedFile({"file": [unsupported_message()]})
    if ending(name) not in kind.endings:
        raise UnsupportedFile(
            {
                "file": [
                    _(
                        "By its content the file is: %(kind)s. Its name must end with %(endings)s.",
                        kind=_(kind.label),
                        endings=", ".join(f".{e}" for e in kind.endings),
                    )
                ]
            }
        )
    return data, kind


def _check_may_add(proposal: Proposal, user: User) -> None:
    if user.is_staff:
        return
    if proposal.owner_id != user.id:
        raise NotAllowed(_("Your role may not use this."))
    if proposal.status not in lifecycle.EDITABLE:
        raise Conflict(not_editable_message())


def not_editable_message() -> str:
    return _(
        "The applicant adds and deletes files while the proposal is a draft or awaits more "
        "information."
    )


def stored_bytes(proposal: Proposal) -> int:
    """The size of the files the proposal keeps (deleted ones keep no bytes)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.proposal_id == proposal.id, Attachment.deleted_at.is_(None)
        )
    )
    return int(total or 0)


def unsupported_message() -> str:
    return _(
        "This kind of file is not taken. Add a PDF, PNG or JPEG file, an OpenDocument or "
        "Office document (%(endings)s), a CSV table or a plain text file.",
        endings=", ".join(f".{e}" for e in ENDINGS if e not in ("pdf", "png", "jpg", "jpeg")),
    )


def checked_filename(filename: str | None) -> str:
    """The file's name as it is kept (Unicode letters as written); raises Invalid for a name
    that is empty, too long, has folders in it or control characters."""
    name = unicodedata.normalize("NFC", (filename or "").strip())
    if "/" in name or "\\" in name:
        message = _("The file's name may not contain folders (/ or \\).")
    elif any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        message = _("The file's name may not contain control characters or line breaks.")
    elif not ending(name) or name.startswith("."):
        message = _("Give the file a name that ends with its type, such as report.pdf.")
    elif len(name) > FILENAME_MAX:
        message = _("The file's name is too long: at most %(n)d characters.", n=FILENAME_MAX)
    else:
        return name
    raise Invalid({"file": [message]})


def set_public(attachment: Attachment, user: User, public: bool) -> None:
    """Publish the file on the experiment's public page, or take it off; staff only.

    Raises NotAllowed, or FieldConflict for a confidential file (never published).
    """
    if not user.is_staff:
        raise NotAllowed(_("Only city staff publish files."))
    if public and attachment.confidential:
        raise FieldConflict({"public": [_("A confidential file is never published.")]})
    with unit_of_work():
        attachment.public = public


def _lock_and_check(proposal: Proposal, user: User) -> None:
    """Lock the proposal's row, read its state again and check the user may still change its
    files (the check before the transaction may have seen an older state)."""
    lock(proposal)
    _check_may_add(proposal, user)


def lock(proposal: Proposal) -> None:
    """Lock the proposal's row (PostgreSQL), so that two uploads cannot both pass its limit."""
    db.session.refresh(proposal, with_for_update=True)


def delete_attachment(attachment: Attachment, user: User) -> None:
    """Delete the file's bytes; its name, who deleted it and when stay in the history.

    Raises NotAllowed (not the uploader, nor staff) or Conflict (no longer editable).
    """
    if not user.is_staff:
        if attachment.uploaded_by_id != user.id:
            raise NotAllowed(_("Only the person who added the file, or city staff, delete it."))
        _check_may_add(attachment.proposal, user)
    with unit_of_work():
        if not user.is_staff:
            _lock_and_check(attachment.proposal, user)
        attachment.deleted_at = utcnow()
        attachment.deleted_by_id = user.id
        attachment.public = False
        stored = db.session.get(AttachmentContent, attachment.id)
        if stored is not None:
            db.session.delete(stored)
