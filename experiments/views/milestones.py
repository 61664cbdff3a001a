"""The milestones of an experiment on its staff page: add, change, mark done, remove."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..forms.confirm import ConfirmForm, ask_again, is_confirmed
from ..forms.milestones import MilestoneForm
from ..models import Experiment
from ..services import milestones
from ..services.experiments import experiment_or_404
from .forms import rerender_status, saved
from .guards import STAFF, allow
from .pilots import ID, bp

MILESTONE = f"/{ID}/milestones/<id:milestone_id>"


def milestone_context(experiment: Experiment, given: dict) -> dict:
    """What the milestones section of the staff page shows."""
    return {
        "milestones": milestones.milestones_of(experiment),
        "milestone_form": given.get("milestone_form")
        or MilestoneForm(prefix="milestone", formdata=None),
        "milestone_action_form": ConfirmForm(formdata=None),
    }


def _back(experiment: Experiment, milestone_id: int | None = None):
    anchor = f"milestone-{milestone_id}" if milestone_id else "milestones"
    return redirect(url_for(".show", experiment_id=experiment.id, _anchor=anchor), 303)


@bp.post(f"/{ID}/milestones")
@allow(*STAFF)
def add_milestone(experiment_id: int):
    experiment = experiment_or_404(experiment_id, current_user)
    form = MilestoneForm(prefix="milestone")
    milestone = saved(
        form,
        lambda: milestones.add_milestone(experiment, current_user, **form.values()),
        _("The milestone is saved; the public timeline shows it."),
        conflicts=False,
    )
    if milestone:
        return _back(experiment, milestone.id)
    from .pilots import _page

    return _page(experiment, 422, milestone_form=form)


@bp.route(MILESTONE, methods=["GET", "POST"])
@allow(*STAFF)
def change_milestone(experiment_id: int, milestone_id: int):
    """A milestone's own page for changing it, and the way on to removing it."""
    experiment = experiment_or_404(experiment_id, current_user)
    milestone = milestones.milestone_or_404(experiment, milestone_id)
    form = MilestoneForm(prefix="milestone")
    if request.method == "GET":
        form.fill(milestone)
    elif saved(
        form,
        lambda: milestones.change_milestone(experiment, milestone, current_user, **form.values()),
        _("The milestone is saved; the public timeline shows it."),
        conflicts=False,
    ):
        return _back(experiment, milestone.id)
    return render_template(
        "pilots/milestone_form.html",
        experiment=experiment,
        proposal=experiment.proposal,
        milestone=milestone,
        form=form,
        remove_form=ConfirmForm(formdata=None),
    ), rerender_status(form)


@bp.post(f"{MILESTONE}/done")
@allow(*STAFF)
def milestone_done(experiment_id: int, milestone_id: int):
    experiment = experiment_or_404(experiment_id, current_user)
    milestone = milestones.milestone_or_404(experiment, milestone_id)
    if ConfirmForm().validate_on_submit():
        milestones.mark_done(experiment, milestone, current_user)
        flash(_("The milestone is marked reached today."), "success")
    return _back(experiment, milestone.id)


@bp.post(f"{MILESTONE}/remove")
@allow(*STAFF)
def remove_milestone(experiment_id: int, milestone_id: int):
    """Remove a milestone, once confirmed; the history keeps what it said."""
    experiment = experiment_or_404(experiment_id, current_user)
    milestone = milestones.milestone_or_404(experiment, milestone_id)
    form = ConfirmForm()
    if not (form.validate_on_submit() and is_confirmed(form)):
        ask_again(form)
        return render_template(
            "pilots/confirm_milestone.html",
            experiment=experiment,
            proposal=experiment.proposal,
            milestone=milestone,
            form=form,
        )
    milestones.remove_milestone(experiment, milestone, current_user)
    flash(_("The milestone is removed."), "success")
    return _back(experiment)
