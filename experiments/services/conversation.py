"""A proposal's conversation: messages between the applicant and city staff, and among staff.

An internal message is for staff and managers only: the applicant never reads it, nor
learns that it exists (no count, no mail, no change to the proposal itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..errors import NotAllowed
from ..extensions import db
from ..lifecycle import Status
from ..models import Proposal, ProposalMessage, StatusChange, User
from ..rules import MESSAGE_MAX
from ..vocabulary import MessageVisibility
from . import access, notifications
from .inputs import Fields
from .transaction import transactional


def may_read_internal(user: User) -> bool:
    """Staff and managers read internal messages; the applicant never does."""
    return user.is_staff


def default_visibility(user: User) -> MessageVisibility:
    """What a message is when its writer does not say: staff write internally unless they
    choose to write to the applicant, the safer mistake."""
    return MessageVisibility.INTERNAL if may_read_internal(user) else MessageVisibility.APPLICANT


def message_values(values: Mapping[str, object]) -> dict[str, object]:
    """The message's checked text and visibility (a code); raises Invalid naming each field."""
    fields = Fields()
    checked: dict[str, object] = {
        "text": fields.text(
            "text",
            values.get("text"),
            max_length=MESSAGE_MAX,
            required=True,
            message=_("Write a message."),
        ),
    }
    visibility = values.get("visibility")
    checked["visibility"] = (
        None if visibility is None else fields.choice("visibility", visibility, MessageVisibility)
    )
    fields.raise_if_any()
    return checked


@transactional
def post_message(
    proposal: Proposal, author: User, text: object, visibility: object = None
) -> ProposalMessage:
    """Add a message to the proposal's thread and tell whom it concerns by e-mail.

    Raises Invalid (an empty or too long text, an unknown visibility) and NotAllowed (one who
    may not see the proposal, or an applicant writing an internal message).
    """
    if not access.can_see(author, proposal):
        raise NotAllowed(_("You may not write about this proposal."))
    values = message_values({"text": text, "visibility": visibility})
    chosen = MessageVisibility(str(values["visibility"] or default_visibility(author)))
    if chosen == MessageVisibility.INTERNAL and not may_read_internal(author):
        raise NotAllowed(_("Only city staff write internal messages."))
    message = ProposalMessage(
        proposal_id=proposal.id,
        author_id=author.id,
        text=values["text"],
        visibility=chosen,
    )
    db.session.add(message)
    db.session.flush()
    if message.visibility == MessageVisibility.APPLICANT:
        if may_read_internal(author):
            notifications.message_to_applicant(proposal, author, message)
        else:
            notifications.message_to_reviewers(proposal, author, message)
    return message


def _readable(proposal_id: int, reader: User) -> Select[ProposalMessage]:
    query = select(ProposalMessage).where(ProposalMessage.proposal_id == proposal_id)
    if not may_read_internal(reader):
        query = query.where(ProposalMessage.visibility == MessageVisibility.APPLICANT)
    return query


def messages_for(proposal: Proposal, reader: User) -> list[ProposalMessage]:
    """The messages the reader may read, oldest first, with their authors (one statement)."""
    return list(
        db.session.scalars(
            _readable(proposal.id, reader)
            .options(joinedload(ProposalMessage.author))
            .order_by(ProposalMessage.created_at, ProposalMessage.id)
        )
    )


@dataclass(frozen=True)
class Said:
    """One entry of the thread: a message, or the city's question or the applicant's answer
    as the workflow's history recorded them."""

    kind: str  # "message", "question" or "answer"
    at: datetime
    author: User
    text: str
    language: str
    internal: bool
    anchor: str


def is_question(entry: StatusChange) -> bool:
    return entry.to_status == Status.MORE_INFO and bool(entry.reason)


def is_answer(entry: StatusChange) -> bool:
    return (
        entry.from_status == Status.MORE_INFO
        and entry.to_status == Status.SUBMITTED
        and bool(entry.reason)
    )


def thread(proposal: Proposal, reader: User) -> list[Said]:
    """The messages the reader may read and every question and answer of the proposal's
    (loaded) history, oldest first."""
    entries = [
        Said(
            "message",
            m.created_at,
            m.author,
            m.text,
            m.language,
            m.visibility == MessageVisibility.INTERNAL,
            f"message-{m.id}",
        )
        for m in messages_for(proposal, reader)
    ]
    for entry in _exchanges(proposal.history):
        kind = "question" if is_question(entry) else "answer"
        entries.append(
            Said(
                kind,
                entry.at,
                entry.actor,
                entry.reason or "",
                entry.language,
                False,
                f"{kind}-{entry.id}",
            )
        )
    return sorted(entries, key=lambda said: said.at)


def _exchanges(history: Sequence[StatusChange]) -> list[StatusChange]:
    return [entry for entry in history if is_question(entry) or is_answer(entry)]
