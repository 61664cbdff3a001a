"""The city's questions to applicants and their answers, read from the proposals' history.

A question is the reason of a move into more_info; its answer, the reason of the move back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .lifecycle import Status
from .models import Proposal, StatusChange


@dataclass(frozen=True)
class Exchange:
    """The latest question and, once the applicant answered it, the answer."""

    question: StatusChange
    answer: StatusChange | None

    @property
    def open(self) -> bool:
        return self.answer is None


def latest_exchange(proposal: Proposal) -> Exchange | None:
    """The proposal's last question and its answer, from its (loaded) history, or None."""
    history = list(proposal.history)
    for index in range(len(history) - 1, -1, -1):
        entry = history[index]
        if entry.to_status == Status.MORE_INFO:
            answer = next(
                (e for e in history[index + 1 :] if e.from_status == Status.MORE_INFO), None
            )
            if answer is not None and answer.to_status != Status.SUBMITTED:
                return None  # withdrawn instead of answered: no exchange to show
            return Exchange(entry, answer)
    return None


def open_questions(proposals: Sequence[Proposal]) -> dict[int, StatusChange]:
    """The question each proposal awaiting more information waits on, in one statement."""
    ids = [p.id for p in proposals if p.status == Status.MORE_INFO]
    if not ids:
        return {}
    latest = (
        select(func.max(StatusChange.id))
        .where(StatusChange.proposal_id.in_(ids), StatusChange.to_status == Status.MORE_INFO)
        .group_by(StatusChange.proposal_id)
    )
    entries = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.id.in_(latest))
        .options(joinedload(StatusChange.actor))
    )
    return {entry.proposal_id: entry for entry in entries}
