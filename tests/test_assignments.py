"""Reviewer assignment and conflicts of interest, through the service (SQLite and, with
scripts/with-postgres.sh, PostgreSQL): balance by load, conflict rules, never twice."""

from collections import Counter

import pytest
from sqlalchemy import select, text

from experiments.errors import Conflict, FieldConflict, Invalid, NotAllowed
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    AuditEntry,
    ConflictOfInterest,
    Organisation,
    Proposal,
    Review,
    ReviewerAssignment,
    User,
)
from experiments.services import assignments
from experiments.services.reviews import save_review
from tests import builders

SCORES = dict(need=4, benefit=4, reusability=3, feasibility=5, cost_effectiveness=2)


@pytest.fixture
def team(app):
    """Three staff reviewers (ids ascending) and a manager who assigns."""
    with app.app_context():
        reviewers = [builders.make_user(Role.STAFF, name=f"Reviewer {n}") for n in "ABC"]
        manager = builders.make_user(Role.MANAGER, name="Assigning manager")
        applicant = builders.make_user(Role.APPLICANT)
        return reviewers, manager, applicant


def _proposals(programme, owner, n, status=Status.SUBMITTED):
    return [builders.make_proposal(owner, programme, status=status) for _ in range(n)]


def _assign_call(programme, manager, n):
    proposal = db.session.get(Proposal, db.session.scalar(select(Proposal.id).limit(1)))
    return assignments.assign_call(proposal.call, n, db.session.get(User, manager))


def _loads():
    return Counter(db.session.scalars(select(ReviewerAssignment.reviewer_id)))


def test_a_call_is_shared_evenly(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        _proposals(programme, applicant, 6)
        outcome = _assign_call(programme, manager, 2)
        assert outcome.assigned == 12 and outcome.short == []
        # Only staff and managers review; the assigning manager is one of them.
        loads = _loads()
        assert sum(loads.values()) == 12
        assert set(loads) == {a, b, c, manager}
        assert loads[a] == loads[b] == loads[c] == loads[manager] == 3
        per_proposal = Counter(db.session.scalars(select(ReviewerAssignment.proposal_id)))
        assert set(per_proposal.values()) == {2}
        # Assigning again changes nothing: everyone already has two.
        assert _assign_call(programme, manager, 2).assigned == 0


def test_six_proposals_three_reviewers_two_each(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        # A deactivated account is no reviewer: three remain.
        db.session.get(User, manager).active = False
        builders.commit()
        _proposals(programme, applicant, 6)
        outcome = _assign_call(programme, manager, 2)
        assert outcome.assigned == 12
        assert _loads() == Counter({a: 4, b: 4, c: 4})


def test_the_lighter_reviewers_get_more(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        db.session.get(User, manager).active = False
        other = builders.make_programme()
        earlier = _proposals(other, applicant, 3)
        for proposal in earlier:
            db.session.add(
                ReviewerAssignment(proposal_id=proposal, reviewer_id=a, assigned_by_id=b)
            )
        # A reviewed assignment is no longer load.
        reviewed = builders.make_proposal(applicant, other, status=Status.SCREENING)
        db.session.add(ReviewerAssignment(proposal_id=reviewed, reviewer_id=b, assigned_by_id=a))
        db.session.add(Review(proposal_id=reviewed, reviewer_id=b, **SCORES))
        builders.commit()
        _proposals(programme, applicant, 3)
        proposal = db.session.scalar(
            select(Proposal).where(Proposal.programme_id == programme).limit(1)
        )
        outcome = assignments.assign_call(proposal.call, 1, db.session.get(User, manager))
        assert outcome.assigned == 3
        fresh = Counter(
            db.session.scalars(
                select(ReviewerAssignment.reviewer_id)
                .join(Proposal)
                .where(Proposal.programme_id == programme)
            )
        )
        # b and c carry no open work: they come first (b before c: the lower id); a has 3.
        assert fresh == Counter({b: 2, c: 1})


def test_conflicts_and_the_proposer_are_never_assigned(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        db.session.get(User, manager).active = False
        builders.commit()
        declared, by_organisation, own = _proposals(programme, applicant, 3)
        db.session.get(Proposal, own).owner_id = c  # a staff member proposed this one
        builders.commit()
        organisation = db.session.get(Proposal, by_organisation).organisation
        assignments.declare_proposal_conflict(
            db.session.get(Proposal, declared), db.session.get(User, a), "My brother's firm"
        )
        assignments.declare_organisation_conflict(organisation, db.session.get(User, b), "")
        outcome = _assign_call(programme, manager, 3)
        pairs = set(
            (p, r)
            for p, r in db.session.execute(
                select(ReviewerAssignment.proposal_id, ReviewerAssignment.reviewer_id)
            )
        )
        assert pairs == {
            (declared, b),
            (declared, c),
            (by_organisation, a),
            (by_organisation, c),
            (own, a),
            (own, b),
        }
        assert outcome.assigned == 6
        assert sorted(p for p, _title, _have in outcome.short) == sorted(
            [declared, by_organisation, own]
        )
        assert {have for _p, _title, have in outcome.short} == {2}


def test_by_hand_refuses_conflicts_twice_and_non_staff(app, team, programme, people):
    (a, b, c), manager, applicant = team
    with app.app_context():
        proposal_id = _proposals(programme, applicant, 1)[0]
        proposal = db.session.get(Proposal, proposal_id)
        boss = db.session.get(User, manager)
        assignments.assign(proposal, a, boss)
        with pytest.raises(FieldConflict, match="already assigned"):
            assignments.assign(proposal, a, boss)
        with pytest.raises(FieldConflict, match="member of the city staff"):
            assignments.assign(proposal, applicant, boss)
        with pytest.raises(Invalid):
            assignments.assign(proposal, "x", boss)
        with pytest.raises(NotAllowed):
            assignments.assign(proposal, b, db.session.get(User, applicant))
        assignments.declare_proposal_conflict(proposal, db.session.get(User, b), "")
        with pytest.raises(FieldConflict, match="conflict of interest"):
            assignments.assign(proposal, b, boss)
        with pytest.raises(Conflict, match="already declared"):
            assignments.declare_proposal_conflict(proposal, db.session.get(User, b), "")
        proposal.owner_id = c
        builders.commit()
        with pytest.raises(FieldConflict, match="conflict of interest"):
            assignments.assign(proposal, c, boss)
        assignments.unassign(proposal, a, boss)
        with pytest.raises(Conflict, match="not assigned"):
            assignments.unassign(proposal, a, boss)
        assert db.session.scalars(select(ReviewerAssignment)).all() == []
        actions = {(e.action, e.object_type) for e in db.session.scalars(select(AuditEntry))}
        assert ("created", "reviewer_assignment") in actions
        assert ("deleted", "reviewer_assignment") in actions
        assert ("created", "conflict_of_interest") in actions


def test_a_declared_conflict_unassigns_and_blocks_the_review(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        proposal_id = _proposals(programme, applicant, 1, status=Status.SCREENING)[0]
        proposal = db.session.get(Proposal, proposal_id)
        assignments.assign(proposal, a, db.session.get(User, manager))
        reviewer = db.session.get(User, a)
        assignments.declare_organisation_conflict(proposal.organisation, reviewer, "Board member")
        assert db.session.scalars(select(ReviewerAssignment)).all() == []
        with pytest.raises(NotAllowed, match="conflict of interest"):
            save_review(proposal, reviewer, SCORES, "")
        assert db.session.scalars(select(Review)).all() == []


def test_declarations_are_kept(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        proposal = db.session.get(Proposal, _proposals(programme, applicant, 1)[0])
        assignments.declare_proposal_conflict(proposal, db.session.get(User, a), "Friend")
        db.session.remove()
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text("DELETE FROM conflict_of_interest"))
        assert db.session.scalar(select(ConflictOfInterest.reason)) == "Friend"


def test_an_organisation_conflict_needs_staff(app, team, programme):
    (a, b, c), manager, applicant = team
    with app.app_context():
        proposal = db.session.get(Proposal, _proposals(programme, applicant, 1)[0])
        organisation = db.session.get(Organisation, proposal.organisation_id)
        with pytest.raises(NotAllowed):
            assignments.declare_organisation_conflict(
                organisation, db.session.get(User, applicant), ""
            )
        with pytest.raises(Invalid):
            assignments.declare_organisation_conflict(
                organisation, db.session.get(User, a), "x" * 5001
            )
