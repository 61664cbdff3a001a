"""Moves made on several proposals at once from the screening queue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from ..errors import DomainError, Invalid
from ..extensions import db
from ..lifecycle import Status
from ..models import Proposal, User
from ..rules import BULK_MAX, MAX_ID
from . import access
from .workflow import change_status


@dataclass(frozen=True)
class Outcome:
    """What became of one proposal of a bulk move: problem is None when it moved."""

    proposal_id: int
    title: str | None
    problem: str | None = None


def chosen_proposals(proposal_ids: Sequence[int], actor: User) -> list[Proposal]:
    """The proposals chosen that the actor may see, in the order of their ids.

    Raises Invalid (field "proposal") when none, more than BULK_MAX, or none found are chosen.
    """
    ids = sorted(set(proposal_ids))
    if not ids:
        raise Invalid({"proposal": [_("Select at least one proposal.")]})
    if len(ids) > BULK_MAX:
        message = _("Select at most %(n)d proposals at once.", n=BULK_MAX)
        raise Invalid({"proposal": [message]})
    # An id the database cannot hold names no proposal: it is not sent to the database.
    ids = [i for i in ids if 1 <= i <= MAX_ID]
    proposals = list(
        db.session.scalars(
            access.visible_proposals(actor).where(Proposal.id.in_(ids)).order_by(Proposal.id)
        )
    )
    if not proposals:
        raise Invalid({"proposal": [_("None of the selected proposals was found.")]})
    return proposals


def start_screening(proposal_ids: Sequence[int], actor: User) -> list[Outcome]:
    """Start screening each chosen proposal with the one move service, one by one.

    Each move is its own transaction with its own history entry and e-mail, so one that the
    workflow refuses (it moved meanwhile) leaves the others done; its outcome says why.
    Raises Invalid as chosen_proposals does.
    """
    proposals = chosen_proposals(proposal_ids, actor)
    found = {p.id for p in proposals}
    missing = sorted(set(proposal_ids) - found)
    outcomes = [Outcome(i, None, _("No such proposal.")) for i in missing]
    for proposal in proposals:
        try:
            change_status(proposal, Status.SCREENING, actor, proposal.version)
        except DomainError as error:
            db.session.refresh(proposal)
            outcomes.append(Outcome(proposal.id, proposal.title, error.message))
        else:
            outcomes.append(Outcome(proposal.id, proposal.title))
    return sorted(outcomes, key=lambda outcome: outcome.proposal_id)
