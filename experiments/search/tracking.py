"""Keeping the index in step: every commit refreshes the documents its changes touched.

Each flush notes the proposals whose document a change may alter (a proposal's texts,
language, organisation or owner; an experiment's decision and lessons; an evaluation's
findings; an organisation's or a person's name); just before the commit the session
refreshes their documents, in the same transaction. Whatever writes through the ORM is
covered, services and test builders alike. Bulk writes past the ORM (the demo's scale
loading) call documents.refresh themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select, union
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction

from ..models import Evaluation, Experiment, Organisation, Proposal, User
from .documents import refresh

_STALE = "search_stale"

# Per model: the attributes that go into a document (None: any change, and new rows).
WATCHED: dict[type[Any], frozenset[str]] = {
    Proposal: frozenset(
        {
            "title",
            "summary",
            "need",
            "language",
            "organisation_id",
            "owner_id",
            "confidential_summary",
            "confidential_need",
        }
    ),
    Experiment: frozenset({"decision", "lessons_learned", "language", "proposal_id"}),
    Evaluation: frozenset({"findings", "language", "experiment_id"}),
    Organisation: frozenset({"name"}),
    User: frozenset({"name", "deleted_at"}),
}


def _changed(obj: object, attributes: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


@event.listens_for(Session, "after_flush")
def _note(session: Session, flush_context: UOWTransaction) -> None:
    stale: dict[type[Any], set[int]] = session.info.setdefault(_STALE, {})
    for objects, always in ((session.new, True), (session.dirty, False), (session.deleted, True)):
        for obj in objects:
            kind = type(obj)
            attributes = WATCHED.get(kind)
            if attributes is None or (kind is User and always):
                continue  # a new (or removed) account has no proposals to refresh
            if always or _changed(obj, attributes):
                stale.setdefault(kind, set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _refresh(session: Session) -> None:
    if not session.info.get(_STALE) and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # the last changes too, noted by _note
    stale = session.info.pop(_STALE, None)
    if stale:
        refresh(_proposal_ids(session, stale), session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # A transaction that ends without committing (rolled back, closed) leaves nothing stale.
    if transaction.parent is None:
        session.info.pop(_STALE, None)


def _proposal_ids(session: Session, stale: dict[type[Any], set[int]]) -> set[int]:
    ids = set(stale.get(Proposal, ()))
    queries = []
    if stale.get(Experiment):
        queries.append(select(Experiment.proposal_id).where(Experiment.id.in_(stale[Experiment])))
    if stale.get(Evaluation):
        queries.append(
            select(Experiment.proposal_id)
            .join(Evaluation, Evaluation.experiment_id == Experiment.id)
            .where(Evaluation.id.in_(stale[Evaluation]))
        )
    if stale.get(Organisation):
        queries.append(select(Proposal.id).where(Proposal.organisation_id.in_(stale[Organisation])))
    if stale.get(User):
        queries.append(select(Proposal.id).where(Proposal.owner_id.in_(stale[User])))
    if queries:
        ids.update(session.scalars(union(*queries) if len(queries) > 1 else queries[0]))
    return ids
