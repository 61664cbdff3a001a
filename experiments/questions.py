"""The city's questions to applicants and their answers, read from the proposals' history.

A question is the reason of a move into more_info; its answer, the reason of the move back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

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


def latest_questions(ids: Sequence[int] | None = None) -> Subquery:
    """Per proposal (of these ids), its latest question: the id of its latest move into
    more_info (columns proposal_id, id)."""
    query = select(StatusChange.proposal_id, func.max(StatusChange.id).label("id")).where(
        StatusChange.to_status == Status.MORE_INFO
    )
    if ids is not None:
        query = query.where(StatusChange.proposal_id.in_(ids))
    return query.group_by(StatusChange.proposal_id).subquery()


def last_moves(ids: Sequence[int] | None = None) -> Subquery:
    """Per proposal (of these ids), its latest history entry (columns proposal_id,
    from_status, to_status, at)."""
    latest = select(func.max(StatusChange.id).label("id"))
    if ids is not None:
        latest = latest.where(StatusChange.proposal_id.in_(ids))
    last = latest.group_by(StatusChange.proposal_id).subquery()
    return (
        select(
            StatusChange.proposal_id,
            StatusChange.from_status,
            StatusChange.to_status,
            StatusChange.at,
        )
        .join(last, last.c.id == StatusChange.id)
        .subquery()
    )


def came_back_answered(last: Subquery) -> ColumnElement[Any]:
    """Whether the proposal is back from the applicant with an answer: submitted, its last
    move (last: last_moves, joined on the proposal) the answer out of more_info; never NULL."""
    return func.coalesce(
        and_(
            Proposal.status == Status.SUBMITTED,
            last.c.from_status == Status.MORE_INFO,
            last.c.to_status == Status.SUBMITTED,
        ),
        False,
    )


def answered_back() -> ColumnElement[bool]:
    """came_back_answered for one row of a query over Proposal: the same test, looked up
    per row (the proposal's latest history entry by the history's index), never NULL."""
    latest = aliased(StatusChange)
    last_id = (
        select(func.max(latest.id))
        .where(latest.proposal_id == Proposal.id)
        .correlate(Proposal)
        .scalar_subquery()
    )
    return and_(
        Proposal.status == Status.SUBMITTED,
        exists()
        .where(
            StatusChange.id == last_id,
            StatusChange.from_status == Status.MORE_INFO,
            StatusChange.to_status == Status.SUBMITTED,
        )
        .correlate(Proposal),
    )


def open_questions(proposals: Sequence[Proposal]) -> dict[int, StatusChange]:
    """The question each proposal awaiting more information waits on, in one statement."""
    ids = [p.id for p in proposals if p.status == Status.MORE_INFO]
    if not ids:
        return {}
    latest = latest_questions(ids)
    entries = db.session.scalars(
        select(StatusChange)
        .join(latest, latest.c.id == StatusChange.id)
        .options(joinedload(StatusChange.actor))
    )
    return {entry.proposal_id: entry for entry in entries}
