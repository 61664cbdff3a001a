"""Files sent with a pilot's progress report: the proposal's own files, linked to the report.

They are stored, checked and limited as every file of the proposal is (the same kinds, 10 MiB
each, and the proposal's 50 MiB counts them); the pilot's team reads them with the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from flask_babel import gettext as _

from ..errors import Invalid, TooLarge, UnsupportedFile
from ..models import Attachment, Experiment, ExperimentReport, User
from . import attachments
from .attachments import Upload

FIELD = "files"


def checked(
    files: Iterable[tuple[IO[bytes], str | None]], field: str = FIELD
) -> tuple[list[Upload], Invalid | None]:
    """Each file read and checked, and one refusal naming every file refused (413 when one is
    too large, else 415 when one is of a kind not taken), or None."""
    uploads: list[Upload] = []
    messages: list[str] = []
    refusals: set[type[Invalid]] = set()
    for stream, filename in files:
        try:
            uploads.append(attachments.checked_upload(stream, filename, field))
        except Invalid as error:
            refusals.add(type(error))
            messages.extend(
                _("%(name)s: %(message)s", name=filename or "–", message=message)
                for message in error.errors[field]
            )
    if not messages:
        return uploads, None
    kind = next((k for k in (TooLarge, UnsupportedFile) if k in refusals), Invalid)
    return uploads, kind({field: messages})


def attach(
    experiment: Experiment,
    report: ExperimentReport,
    user: User,
    uploads: Sequence[Upload],
    *,
    confidential: bool = False,
    field: str = FIELD,
) -> list[Attachment]:
    """Store the checked files with the report, inside the caller's unit of work; raises
    TooLarge when they would take the proposal over its limit."""
    if not uploads:
        return []
    proposal = experiment.proposal
    attachments.lock(proposal)
    return attachments.store(
        proposal, user, uploads, confidential=confidential, report_id=report.id, field=field
    )
