"""Reviewer assignment: by hand, or a whole call at once balanced by each reviewer's load, never
to a reviewer with a conflict of interest; and the conflicts reviewers declare."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.orm import joinedload

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..lifecycle import REVIEWABLE_STATES, STAFF_ROLES
from ..models import (
    Call,
    ConflictOfInterest,
    Organisation,
    Proposal,
    Review,
    ReviewerAssignment,
    User,
)
from ..rules import MAX_ID, REASON_MAX, REVIEWERS_PER_PROPOSAL_MAX
from .inputs import Fields, whole_number_message
from .transaction import transactional

# Proposals that wait for screening or are being screened: these are reviewed.
ASSIGNABLE_STATES = REVIEWABLE_STATES


def _not_reviewed() -> ColumnElement[bool]:
    """An open assignment: its reviewer has not yet reviewed the proposal."""
    return ~exists().where(
        Review.proposal_id == ReviewerAssignment.proposal_id,
        Review.reviewer_id == ReviewerAssignment.reviewer_id,
    )


def has_conflict(reviewer: User, proposal: Proposal) -> bool:
    """Whether the reviewer may not review the proposal: they proposed it, or declared a
    conflict of interest with it or with its organisation."""
    if proposal.owner_id == reviewer.id:
        return True
    subject = ConflictOfInterest.proposal_id == proposal.id
    if proposal.organisation_id is not None:
        subject = or_(subject, ConflictOfInterest.organisation_id == proposal.organisation_id)
    return bool(
        db.session.scalar(
            select(exists().where(ConflictOfInterest.reviewer_id == reviewer.id, subject))
        )
    )


def _check_assigner(user: User) -> None:
    if not user.is_staff:
        raise NotAllowed(_("Only city staff assign reviewers."))


def eligible_reviewers() -> list[User]:
    """The people who may be assigned: active staff and managers, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(STAFF_ROLES), User.active, User.deleted_at.is_(None))
            .order_by(User.name, User.id)
        )
    )


def assignments_of(proposal: Proposal) -> list[tuple[ReviewerAssignment, bool]]:
    """The proposal's assignments, each with whether its reviewer has reviewed it."""
    reviewed = exists().where(
        Review.proposal_id == ReviewerAssignment.proposal_id,
        Review.reviewer_id == ReviewerAssignment.reviewer_id,
    )
    rows = db.session.execute(
        select(ReviewerAssignment, reviewed)
        .options(
            joinedload(ReviewerAssignment.reviewer), joinedload(ReviewerAssignment.assigned_by)
        )
        .where(ReviewerAssignment.proposal_id == proposal.id)
        .order_by(ReviewerAssignment.assigned_at, ReviewerAssignment.id)
    )
    return [(assignment, bool(done)) for assignment, done in rows]


def is_assigned(proposal: Proposal, reviewer: User) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ReviewerAssignment.proposal_id == proposal.id,
                    ReviewerAssignment.reviewer_id == reviewer.id,
                )
            )
        )
    )


@transactional
def assign(proposal: Proposal, reviewer_id: object, by: User) -> ReviewerAssignment:
    """Assign one reviewer to the proposal; raises NotAllowed, Invalid or FieldConflict."""
    _check_assigner(by)
    fields = Fields()
    wanted = fields.integer("reviewer_id", reviewer_id, 1, MAX_ID, _("Choose a reviewer."))
    fields.raise_if_any()
    reviewer = db.session.get(User, wanted)
    if reviewer is None or not reviewer.is_staff or not reviewer.active or reviewer.deleted_at:
        fields.conflict("reviewer_id", _("Choose a member of the city staff as the reviewer."))
    elif proposal.status not in ASSIGNABLE_STATES:
        fields.conflict(
            "reviewer_id", _("Reviewers are assigned only while a proposal awaits screening.")
        )
    elif is_assigned(proposal, reviewer):
        fields.conflict("reviewer_id", _("This reviewer is already assigned."))
    elif has_conflict(reviewer, proposal):
        fields.conflict(
            "reviewer_id", _("This reviewer has a conflict of interest with the proposal.")
        )
    fields.raise_if_any()
    assignment = ReviewerAssignment(proposal_id=proposal.id, reviewer_id=wanted, assigned_by=by)
    db.session.add(assignment)
    return assignment


@transactional
def unassign(proposal: Proposal, reviewer_id: int, by: User) -> None:
    """Take the reviewer off the proposal (a review they saved stays); raises NotAllowed or
    Conflict when they are not assigned."""
    _check_assigner(by)
    assignment = db.session.scalar(
        select(ReviewerAssignment).where(
            ReviewerAssignment.proposal_id == proposal.id,
            ReviewerAssignment.reviewer_id == reviewer_id,
        )
    )
    if assignment is None:
        raise Conflict(_("This reviewer is not assigned to the proposal."))
    db.session.delete(assignment)


@dataclass
class CallAssignment:
    """What assigning a call did: how many assignments were made, and the proposals that did
    not get enough reviewers (id, title, reviewers they have)."""

    assigned: int = 0
    short: list[tuple[int, str | None, int]] = field(default_factory=list)


def _loads(reviewer_ids: Iterable[int]) -> dict[int, int]:
    """Each reviewer's open assignments (those not yet reviewed), in one statement."""
    ids = list(reviewer_ids)
    loads = dict.fromkeys(ids, 0)
    rows = db.session.execute(
        select(ReviewerAssignment.reviewer_id, func.count())
        .where(ReviewerAssignment.reviewer_id.in_(ids), _not_reviewed())
        .group_by(ReviewerAssignment.reviewer_id)
    )
    loads.update({reviewer_id: count for reviewer_id, count in rows})
    return loads


def _blocked(proposal_ids: list[int]) -> set[tuple[int, int]]:
    """(proposal, reviewer) pairs that may not be assigned: assigned already, or conflicted."""
    assigned = db.session.execute(
        select(ReviewerAssignment.proposal_id, ReviewerAssignment.reviewer_id).where(
            ReviewerAssignment.proposal_id.in_(proposal_ids)
        )
    )
    by_proposal = db.session.execute(
        select(Proposal.id, ConflictOfInterest.reviewer_id)
        .join(
            ConflictOfInterest,
            or_(
                ConflictOfInterest.proposal_id == Proposal.id,
                ConflictOfInterest.organisation_id == Proposal.organisation_id,
            ),
        )
        .where(Proposal.id.in_(proposal_ids))
    )
    owners = db.session.execute(
        select(Proposal.id, Proposal.owner_id).where(Proposal.id.in_(proposal_ids))
    )
    return {(p, r) for rows in (assigned, by_proposal, owners) for p, r in rows}


@transactional
def assign_call(call: Call, per_proposal: object, by: User) -> CallAssignment:
    """Give each proposal of the call awaiting screening up to per_proposal reviewers, each
    time the eligible reviewer with the fewest open assignments (then the lowest id);
    raises NotAllowed or Invalid."""
    _check_assigner(by)
    fields = Fields()
    n = fields.integer(
        "reviewers_per_proposal",
        per_proposal,
        1,
        REVIEWERS_PER_PROPOSAL_MAX,
        whole_number_message(1, REVIEWERS_PER_PROPOSAL_MAX),
    )
    fields.raise_if_any()
    assert n is not None
    proposals = db.session.execute(
        select(Proposal.id, Proposal.title)
        .where(Proposal.call_id == call.id, Proposal.status.in_(ASSIGNABLE_STATES))
        .order_by(Proposal.submitted_at, Proposal.id)
    ).all()
    reviewers = [u.id for u in eligible_reviewers()]
    loads = _loads(reviewers)
    ids = [p for p, _title in proposals]
    blocked = _blocked(ids)
    have = dict.fromkeys(ids, 0)
    have.update(
        (proposal_id, count)
        for proposal_id, count in db.session.execute(
            select(ReviewerAssignment.proposal_id, func.count())
            .where(ReviewerAssignment.proposal_id.in_(ids))
            .group_by(ReviewerAssignment.proposal_id)
        )
    )
    outcome = CallAssignment()
    for proposal_id, title in proposals:
        candidates = sorted(
            (r for r in reviewers if (proposal_id, r) not in blocked),
            key=lambda r: (loads[r], r),
        )
        for reviewer_id in candidates[: max(0, n - have[proposal_id])]:
            db.session.add(
                ReviewerAssignment(proposal_id=proposal_id, reviewer_id=reviewer_id, assigned_by=by)
            )
            loads[reviewer_id] += 1
            have[proposal_id] += 1
            outcome.assigned += 1
        if have[proposal_id] < n:
            outcome.short.append((proposal_id, title, have[proposal_id]))
    return outcome


def _reason(value: object) -> str:
    fields = Fields()
    reason = fields.text("reason", value, max_length=REASON_MAX)
    fields.raise_if_any()
    return reason


def _drop_open_assignments(reviewer: User, where: ColumnElement[bool]) -> None:
    """Unassign the reviewer from the proposals matched, where they have not reviewed."""
    for assignment in db.session.scalars(
        select(ReviewerAssignment)
        .join(Proposal, Proposal.id == ReviewerAssignment.proposal_id)
        .where(ReviewerAssignment.reviewer_id == reviewer.id, where)
    ):
        db.session.delete(assignment)


@transactional
def declare_proposal_conflict(
    proposal: Proposal, reviewer: User, reason: object
) -> ConflictOfInterest:
    """Declare a conflict of interest with the proposal: the reviewer is unassigned and may
    not score it; raises NotAllowed, Invalid or Conflict if declared already."""
    if not reviewer.is_staff:
        raise NotAllowed(_("Only city staff declare conflicts of interest."))
    text = _reason(reason)
    if db.session.scalar(
        select(
            exists().where(
                ConflictOfInterest.reviewer_id == reviewer.id,
                ConflictOfInterest.proposal_id == proposal.id,
            )
        )
    ):
        raise Conflict(_("You have already declared a conflict of interest with this proposal."))
    _drop_open_assignments(reviewer, Proposal.id == proposal.id)
    declaration = ConflictOfInterest(reviewer=reviewer, proposal_id=proposal.id, reason=text)
    db.session.add(declaration)
    return declaration


@transactional
def declare_organisation_conflict(
    organisation: Organisation, reviewer: User, reason: object
) -> ConflictOfInterest:
    """Declare a conflict of interest with an organisation: the reviewer is unassigned from
    its proposals and never assigned them; raises NotAllowed, Invalid or Conflict."""
    if not reviewer.is_staff:
        raise NotAllowed(_("Only city staff declare conflicts of interest."))
    text = _reason(reason)
    if db.session.scalar(
        select(
            exists().where(
                ConflictOfInterest.reviewer_id == reviewer.id,
                ConflictOfInterest.organisation_id == organisation.id,
            )
        )
    ):
        raise Conflict(
            _("You have already declared a conflict of interest with this organisation.")
        )
    _drop_open_assignments(reviewer, Proposal.organisation_id == organisation.id)
    declaration = ConflictOfInterest(
        reviewer=reviewer, organisation_id=organisation.id, reason=text
    )
    db.session.add(declaration)
    return declaration


def declared_organisations(reviewer: User) -> list[ConflictOfInterest]:
    """The reviewer's declared conflicts with organisations, newest first."""
    return list(
        db.session.scalars(
            select(ConflictOfInterest)
            .where(
                ConflictOfInterest.reviewer_id == reviewer.id,
                ConflictOfInterest.organisation_id.is_not(None),
            )
            .order_by(ConflictOfInterest.declared_at.desc(), ConflictOfInterest.id.desc())
        )
    )


def conflicted_reviewers(proposal: Proposal) -> set[int]:
    """The users who may not review the proposal (declared conflicts and its proposer)."""
    subject = ConflictOfInterest.proposal_id == proposal.id
    if proposal.organisation_id is not None:
        subject = or_(subject, ConflictOfInterest.organisation_id == proposal.organisation_id)
    declared = set(db.session.scalars(select(ConflictOfInterest.reviewer_id).where(subject)))
    return declared | {proposal.owner_id}


def declared_on(proposal: Proposal, reviewer: User) -> set[str]:
    """What the reviewer has declared a conflict with: "proposal", "organisation" or both."""
    rows = db.session.execute(
        select(ConflictOfInterest.proposal_id, ConflictOfInterest.organisation_id).where(
            ConflictOfInterest.reviewer_id == reviewer.id,
            or_(
                ConflictOfInterest.proposal_id == proposal.id,
                ConflictOfInterest.organisation_id == proposal.organisation_id,
            ),
        )
    )
    return {"proposal" if proposal_id else "organisation" for proposal_id, _org in rows}
