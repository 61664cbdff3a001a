"""Who may see which proposal. An invisible proposal is answered as a missing one (404)."""

from collections.abc import Sequence

from flask import abort
from sqlalchemy import Select, false, select
from sqlalchemy.orm.interfaces import ORMOption

from ..extensions import db
from ..lifecycle import Role
from ..models import Proposal, User


def visible_proposals(user: User | None) -> Select[Proposal]:
    """A select of the proposals this user may see in lists (staff all, applicants own)."""
    query = select(Proposal)
    if user is None or not user.is_authenticated:
        return query.where(false())
    if user.is_staff:
        return query
    if user.role == Role.APPLICANT:
        return query.where(Proposal.owner_id == user.id)
    return query.where(false())


def can_see(user: User | None, proposal: Proposal) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or proposal.owner_id == user.id


def proposal_or_404(
    proposal_id: int, user: User | None, loads: Sequence[ORMOption] = ()
) -> Proposal:
    """The proposal if this user may see it; otherwise 404, exactly as if it did not exist.

    loads: loader options of what the caller reads; the proposal is then read afresh with
    them, even if the session holds it already.
    """
    proposal = db.session.get(Proposal, proposal_id, options=loads, populate_existing=bool(loads))
    if proposal is None or not can_see(user, proposal):
        abort(404)
    return proposal
