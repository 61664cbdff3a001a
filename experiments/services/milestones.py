"""The milestones staff set for an experiment: adding, changing, marking done, removing.

Milestones are public (the experiment's timeline and feed show them); staff and managers set
them from the pilot on, also after the decision (an adopted service's roll-out has steps too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask import abort
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..models import Experiment, ExperimentMilestone, User
from ..models.written import writing_language
from ..rules import LINE_MAX, MILESTONE_TEXT_MAX, YEAR_MAX, YEAR_MIN
from . import subscriptions
from .clock import today
from .inputs import Fields
from .transaction import transactional


def may_set_milestones(actor: User | None) -> bool:
    return actor is not None and bool(getattr(actor, "is_staff", False))


def _check(experiment: Experiment, actor: User, milestone: ExperimentMilestone | None) -> None:
    if not may_set_milestones(actor):
        raise NotAllowed(_("Only city staff and programme managers set milestones."))
    if milestone is not None and milestone.experiment_id != experiment.id:
        raise NotAllowed(_("The milestone belongs to another experiment."))


@transactional
def add_milestone(experiment: Experiment, actor: User, **values: object) -> ExperimentMilestone:
    """Add a milestone; raises Invalid naming each wrong field."""
    _check(experiment, actor, None)
    milestone = ExperimentMilestone(
        experiment_id=experiment.id, created_by_id=actor.id, **milestone_values(values)
    )
    db.session.add(milestone)
    if milestone.done_date is not None:
        subscriptions.milestone_reached(experiment, milestone)
    return milestone


@transactional
def change_milestone(
    experiment: Experiment, milestone: ExperimentMilestone, actor: User, **values: object
) -> ExperimentMilestone:
    """Change a milestone's title, description or dates; raises Invalid naming each field."""
    _check(experiment, actor, milestone)
    was_reached = milestone.done_date is not None
    for name, value in milestone_values(values).items():
        setattr(milestone, name, value)
    milestone.language = writing_language()  # the texts are the latest writer's
    if milestone.done_date is not None and not was_reached:
        subscriptions.milestone_reached(experiment, milestone)
    return milestone


@transactional
def mark_done(
    experiment: Experiment, milestone: ExperimentMilestone, actor: User
) -> ExperimentMilestone:
    """Record that the milestone is reached today; Conflict if it is done already."""
    _check(experiment, actor, milestone)
    if milestone.done_date is not None:
        raise Conflict(
            _("The milestone was reached on %(date)s.", date=format_date(milestone.done_date))
        )
    milestone.done_date = today()
    subscriptions.milestone_reached(experiment, milestone)
    return milestone


@transactional
def remove_milestone(experiment: Experiment, milestone: ExperimentMilestone, actor: User) -> None:
    """Remove the milestone from the experiment and its public timeline (the trail keeps it)."""
    _check(experiment, actor, milestone)
    db.session.delete(milestone)


def milestone_values(values: Mapping[str, object]) -> dict[str, object]:
    """A milestone's checked values; raises Invalid naming each wrong field."""
    fields = Fields()
    checked: dict[str, object] = {
        "title": fields.text(
            "title",
            values.get("title"),
            max_length=LINE_MAX,
            required=True,
            message=_("Name the milestone."),
            one_line=True,
        ),
        "description": fields.text(
            "description", values.get("description"), max_length=MILESTONE_TEXT_MAX
        ),
        "planned_date": _day(fields, "planned_date", values.get("planned_date"), required=True),
        "done_date": _day(fields, "done_date", values.get("done_date"), required=False),
    }
    done = checked["done_date"]
    if isinstance(done, date) and done > today():
        fields.fail("done_date", _("A milestone cannot be reached in the future."))
    fields.raise_if_any()
    return checked


def _day(fields: Fields, name: str, value: object, *, required: bool) -> date | None:
    """A date within the years the programme's data may fall in."""
    day = fields.date(name, value, required=required)
    if day is not None and not YEAR_MIN <= day.year <= YEAR_MAX:
        fields.fail(
            name,
            _("Give a date in the years %(first)d–%(last)d.", first=YEAR_MIN, last=YEAR_MAX),
        )
        return None
    return day


def milestones_of(experiment: Experiment) -> Sequence[ExperimentMilestone]:
    """The experiment's milestones in the order of their planned dates."""
    return db.session.scalars(
        select(ExperimentMilestone)
        .where(ExperimentMilestone.experiment_id == experiment.id)
        .order_by(ExperimentMilestone.planned_date, ExperimentMilestone.id)
    ).all()


def milestone_or_404(experiment: Experiment, milestone_id: int) -> ExperimentMilestone:
    """The experiment's milestone, or 404 (also for another experiment's)."""
    milestone = db.session.get(ExperimentMilestone, milestone_id)
    if milestone is None or milestone.experiment_id != experiment.id:
        abort(404)
    return milestone
