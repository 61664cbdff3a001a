"""The score kept on each proposal: its reviews' weighted average and their number, stored on
the proposal's row (review_score, review_count) so that lists sort and show them without
aggregating reviews.

Kept in step as the search index is (search/tracking.py): each flush notes the proposals whose
score a change may alter (a review written or removed, a call's criterion weights changed, a
proposal moved to another call); just before the commit the session locks their rows and
recomputes their scores from the reviews (queries.live_score, the one definition), in the
same transaction. Whatever writes through the ORM is covered, services and test builders
alike. Bulk writes past the ORM (the demo's scale loading) call refresh themselves.

The score is derived data, not a person's change: written past the ORM, so the audit trail
does not record it (audit.DERIVED keeps it out of the entries of a new proposal too).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction, scoped_session

from .extensions import db
from .models import REVIEW_CRITERIA, Call, Proposal, Review
from .queries import live_review_count, live_score

_STALE_PROPOSALS = "review_scores_stale_proposals"
_STALE_CALLS = "review_scores_stale_calls"
_REVIEW_FIELDS = ("proposal_id", *REVIEW_CRITERIA)
_CALL_WEIGHTS = tuple(f"weight_{c}" for c in REVIEW_CRITERIA)
CHUNK = 2000

AnySession = Session | scoped_session[Any]


def refresh(proposal_ids: Iterable[int], session: AnySession = db.session) -> None:
    """Recompute these proposals' stored scores and review counts from their reviews.

    Each proposal's row is locked first (FOR NO KEY UPDATE on PostgreSQL, which a review's
    foreign key check does not wait for; SQLite's one writer is a lock already), and the
    scores are read in the next statement: on PostgreSQL that statement sees every review
    committed by whoever held the lock before, so two reviews of one proposal written at
    once end with the score of both. Rows are locked in id order, so that two refreshes of
    overlapping proposals (a call's weights, a review) wait for each other, never deadlock.
    """
    ids = sorted(set(proposal_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(
            select(Proposal.id)
            .where(Proposal.id.in_(chunk))
            .order_by(Proposal.id)
            .with_for_update(key_share=True)
        ).all()
        session.execute(
            update(Proposal)
            .where(Proposal.id.in_(chunk))
            # updated_at stays: a review is not a change of the proposal's content.
            .values(
                review_score=live_score,
                review_count=live_review_count,
                updated_at=Proposal.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
    wanted = set(ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Proposal) and obj.id in wanted:
            session.expire(obj, ["review_score", "review_count"])


def _changed(obj: object, attributes: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


@event.listens_for(Session, "after_flush")
def _note(session: Session, flush_context: UOWTransaction) -> None:
    proposals: set[int] = session.info.setdefault(_STALE_PROPOSALS, set())
    calls: set[int] = session.info.setdefault(_STALE_CALLS, set())
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, Review):
            proposals.add(obj.proposal_id)
    for obj in session.dirty:
        if isinstance(obj, Review) and _changed(obj, _REVIEW_FIELDS):
            # A review moved to another proposal changes both.
            history = inspect(obj).attrs.proposal_id.history
            proposals.update(p for p in (*history.deleted, obj.proposal_id) if p is not None)
        elif isinstance(obj, Call) and _changed(obj, _CALL_WEIGHTS):
            calls.add(obj.id)
        elif isinstance(obj, Proposal) and _changed(obj, ("call_id",)):
            proposals.add(obj.id)


@event.listens_for(Session, "before_commit")
def _refresh(session: Session) -> None:
    if not (session.info.get(_STALE_PROPOSALS) or session.info.get(_STALE_CALLS)) and not (
        session.new or session.dirty or session.deleted
    ):
        return
    session.flush()  # the last changes too, noted by _note
    proposals = session.info.pop(_STALE_PROPOSALS, set())
    calls = session.info.pop(_STALE_CALLS, set())
    if calls:
        proposals |= set(session.scalars(select(Proposal.id).where(Proposal.call_id.in_(calls))))
    if proposals:
        refresh(proposals, session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # A transaction that ends without committing (rolled back, closed) leaves nothing stale.
    if transaction.parent is None:
        session.info.pop(_STALE_PROPOSALS, None)
        session.info.pop(_STALE_CALLS, None)
