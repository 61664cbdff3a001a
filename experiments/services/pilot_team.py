"""The pilot's team: the owner invites co-workers from their own organisation, with the same
rights on the pilot, and removes them."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..errors import Conflict, FieldConflict, NotAllowed
from ..extensions import db
from ..models import Experiment, TeamMember, User
from . import notifications
from .experiments import is_team_owner
from .inputs import Fields
from .transaction import transactional


def members(experiment: Experiment) -> Sequence[TeamMember]:
    return db.session.scalars(
        select(TeamMember)
        .where(TeamMember.experiment_id == experiment.id)
        .options(joinedload(TeamMember.user))
        .order_by(TeamMember.id)
    ).all()


def _check_owner(experiment: Experiment, actor: User) -> None:
    if not is_team_owner(actor, experiment):
        raise NotAllowed(_("Only the pilot's owner invites and removes co-workers."))


@transactional
def invite(experiment: Experiment, actor: User, email: object) -> TeamMember:
    """Add a co-worker by their account's e-mail address: an applicant of the owner's own
    organisation, not in the team yet; they are told by e-mail."""
    _check_owner(experiment, actor)
    fields = Fields()
    address = fields.email("email", email, required=True)
    fields.raise_if_any()
    user = db.session.scalar(select(User).where(func.lower(User.email) == (address or "").lower()))
    if (
        user is None
        or not user.is_applicant
        or not user.active
        or actor.organisation_id is None
        or user.organisation_id != actor.organisation_id
    ):
        raise FieldConflict(
            {"email": [_("No one of your organisation has an account with this address.")]}
        )
    if user.id == actor.id or db.session.scalar(
        select(TeamMember.id).where(
            TeamMember.experiment_id == experiment.id, TeamMember.user_id == user.id
        )
    ):
        raise FieldConflict({"email": [_("This person is in the team already.")]})
    member = TeamMember(experiment_id=experiment.id, user=user, added_by_id=actor.id)
    db.session.add(member)
    notifications.team_invited(experiment, user, actor)
    return member


@transactional
def remove(experiment: Experiment, actor: User, member_id: int) -> None:
    _check_owner(experiment, actor)
    member = db.session.get(TeamMember, member_id)
    if member is None or member.experiment_id != experiment.id:
        raise Conflict(_("This person is no longer in the team."))
    db.session.delete(member)
