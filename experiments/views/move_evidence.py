"""What a manager sees beside a move's form: the suggested values and the budget left."""

from datetime import date

from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..i18n import money
from ..lifecycle import Transition
from ..models import Proposal
from ..services.clock import today
from ..statistics import year_budget


def suggest(form: FlaskForm, proposal: Proposal, edge: Transition) -> None:
    """Start a blank move form from what is known: the pilot's budget from the proposal's
    request, the lessons learned from the evaluation's findings."""
    if "allocated_budget" in edge.fields and proposal.requested_budget:
        form["allocated_budget"].data = proposal.requested_budget
    experiment = proposal.experiment
    evaluation = experiment.evaluation if experiment is not None else None
    if "lessons_learned" in edge.fields and evaluation is not None and evaluation.findings:
        form["lessons_learned"].data = evaluation.findings


def describe(form: FlaskForm, proposal: Proposal, edge: Transition) -> None:
    """Say beside the budget field what remains of the year the pilot starts in (this year
    until a start date is given)."""
    if "allocated_budget" not in edge.fields:
        return
    start = form["start_date"].data
    year = start.year if isinstance(start, date) else today().year
    budget = year_budget(proposal.programme_id, year)
    form["allocated_budget"].description = (
        _(
            "%(remaining)s of the %(year)d budget remains unallocated.",
            remaining=money(budget.remaining),
            year=year,
        )
        if budget is not None
        else _("The programme has no budget for %(year)d.", year=year)
    )
