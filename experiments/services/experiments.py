"""An experiment as the people who run it reach it: its page, and whether it takes records.

Staff and managers add partners, participation, expenses and risks while the experiment
is a pilot or in evaluation; the decision closes it.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..i18n import status_label
from ..lifecycle import RECORDING_STATES
from ..models import Experiment, ExperimentPartner, Risk, TeamMember, User


def experiment_or_404(experiment_id: int, user: User | None) -> Experiment:
    """The experiment for staff and managers; for anyone else 404, as if it did not exist."""
    if user is None or not user.is_authenticated or not user.is_staff:
        abort(404)
    experiment = db.session.get(
        Experiment,
        experiment_id,
        options=[
            joinedload(Experiment.proposal),
            joinedload(Experiment.owner),
            selectinload(Experiment.partners).joinedload(ExperimentPartner.organisation),
            selectinload(Experiment.risks).selectinload(Risk.assessments),
            joinedload(Experiment.evaluation),
        ],
    )
    if experiment is None:
        abort(404)
    return experiment


def is_team(user: User | None, experiment: Experiment) -> bool:
    """Whether the user runs the pilot: the applicant whose proposal became it, or a
    co-worker they invited."""
    if user is None or not user.is_authenticated or not user.is_applicant:
        return False
    return is_team_owner(user, experiment) or bool(
        db.session.scalar(
            select(TeamMember.id).where(
                TeamMember.experiment_id == experiment.id, TeamMember.user_id == user.id
            )
        )
    )


def is_team_owner(user: User | None, experiment: Experiment) -> bool:
    """Whether the user owns the pilot's proposal (and so invites and removes co-workers)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_applicant
        and experiment.proposal.owner_id == user.id
    )


def team_experiment_or_404(experiment_id: int, user: User | None) -> Experiment:
    """The experiment for staff, managers and its own team; for anyone else 404."""
    if user is None or not user.is_authenticated:
        abort(404)
    if user.is_staff:
        return experiment_or_404(experiment_id, user)
    experiment = db.session.get(
        Experiment, experiment_id, options=[joinedload(Experiment.proposal)]
    )
    if experiment is None or not is_team(user, experiment):
        abort(404)
    return experiment


def may_record(experiment: Experiment) -> bool:
    """Whether partners, participants, expenses and risks may still be added."""
    return experiment.proposal.status in RECORDING_STATES


def check_recording(experiment: Experiment, actor: User) -> None:
    """Raises NotAllowed unless the actor runs pilots, Conflict once the decision is made."""
    if actor is None or not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only city staff and programme managers run pilots."))
    if not may_record(experiment):
        raise Conflict(
            _(
                "The experiment is “%(state)s”: records can be added only while it is a pilot "
                "or in evaluation.",
                state=status_label(experiment.proposal.status),
            )
        )
