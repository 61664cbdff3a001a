"""Reviewer assignment on the proposal page and for a whole call; conflicts of interest."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..errors import Invalid
from ..extensions import db
from ..forms.assignments import (
    AssignForm,
    CallAssignForm,
    ConflictForm,
    OrganisationConflictForm,
    UnassignForm,
)
from ..forms.confirm import ask_again, is_confirmed
from ..forms.fields import as_choices
from ..models import Call, Organisation, User
from ..services import access, assignments
from ..services.inputs import to_id
from .forms import apply_errors, rerender_status, saved
from .guards import STAFF, allow
from .proposals import show as show_proposal
from .screening import queue_page

bp = Blueprint("assignments", __name__)


def _to_panel(proposal_id: int):
    return redirect(
        url_for("proposals.show", proposal_id=proposal_id, _anchor="reviewers-title"), 303
    )


@bp.post("/proposals/<id:proposal_id>/reviewers")
@allow(*STAFF)
def assign(proposal_id: int):
    proposal = access.proposal_or_404(proposal_id, current_user)
    form = AssignForm()
    if saved(
        form,
        lambda: assignments.assign(proposal, form.reviewer_id.data, current_user),
        _("The reviewer is assigned."),
    ):
        return _to_panel(proposal.id)
    return show_proposal(proposal.id, assign_form=form, status_code=rerender_status(form))


@bp.post("/proposals/<id:proposal_id>/reviewers/<id:user_id>/remove")
@allow(*STAFF)
def unassign(proposal_id: int, user_id: int):
    """Take a reviewer off the proposal, after a confirmation page."""
    proposal = access.proposal_or_404(proposal_id, current_user)
    reviewer = db.session.get(User, user_id) or abort(404)
    form = UnassignForm()
    if not form.validate_on_submit():
        flash(_("The form could not be read. Please try again."), "error")
        return _to_panel(proposal.id)
    if not is_confirmed(form):
        ask_again(form)
        return render_template(
            "assignments/confirm_unassign.html", form=form, proposal=proposal, reviewer=reviewer
        )
    assignments.unassign(proposal, reviewer.id, current_user)
    flash(_("%(name)s is no longer assigned.", name=reviewer.display_name), "success")
    return _to_panel(proposal.id)


@bp.post("/proposals/<id:proposal_id>/conflicts")
@allow(*STAFF)
def declare(proposal_id: int):
    """Declare the reader's conflict of interest with the proposal or its organisation."""
    proposal = access.proposal_or_404(proposal_id, current_user)
    form = ConflictForm()
    if form.subject.data == "organisation" and proposal.organisation is None:
        form.subject.data = None
    if not form.validate_on_submit():
        return show_proposal(proposal.id, conflict_form=form, status_code=422)
    if not is_confirmed(form):
        ask_again(form)
        return render_template("assignments/confirm_conflict.html", form=form, proposal=proposal)
    try:
        if form.subject.data == "organisation" and proposal.organisation is not None:
            assignments.declare_organisation_conflict(
                proposal.organisation, current_user, form.reason.data
            )
        else:
            assignments.declare_proposal_conflict(proposal, current_user, form.reason.data)
    except Invalid as error:
        apply_errors(form, error, None)
        return show_proposal(proposal.id, conflict_form=form, status_code=422)
    flash(_("Your conflict of interest is recorded. You do not review this proposal."), "success")
    return _to_panel(proposal.id)


def _organisation_choices() -> list[SelectChoice]:
    # An empty first choice: a form sent untouched declares nothing by accident.
    return [
        ("", _("Choose an organisation")),
        *(
            (o.id, o.name)
            for o in db.session.scalars(
                select(Organisation).order_by(Organisation.name, Organisation.id)
            )
        ),
    ]


@bp.route("/account/conflicts", methods=["GET", "POST"])
@allow(*STAFF)
def conflicts():
    """The reader's conflicts of interest with organisations, and a new declaration."""
    form = OrganisationConflictForm()
    form.organisation.choices = _organisation_choices()
    status = 200
    if form.is_submitted():
        organisation = db.session.get(Organisation, to_id(form.organisation.data) or 0)
        if form.validate() and organisation is not None:
            if not is_confirmed(form):
                ask_again(form)
                return render_template(
                    "assignments/confirm_conflict.html", form=form, organisation=organisation
                )
            try:
                assignments.declare_organisation_conflict(
                    organisation, current_user, form.reason.data
                )
            except Invalid as error:
                apply_errors(form, error, None)
            else:
                flash(_("Your conflict of interest is recorded."), "success")
                return redirect(url_for(".conflicts"), 303)
        elif organisation is None and not form.organisation.errors:
            form.organisation.errors = [_("Choose an organisation.")]
        status = 422
    return render_template(
        "assignments/conflicts.html",
        form=form,
        declared=assignments.declared_organisations(current_user),
    ), status


@bp.post("/screening/assign")
@allow(*STAFF)
def assign_call():
    """Assign the reviewers of a whole call, balanced by each reviewer's open assignments."""
    form = CallAssignForm()
    form.call.choices = as_choices((c.id, c.title) for c in db.session.scalars(select(Call)))
    valid = form.validate_on_submit()
    call = db.session.get(Call, to_id(form.call.data) or 0)
    if call is None and not form.call.errors:
        form.call.errors = [_("Choose a call.")]
    if not valid or call is None:
        return queue_page(assign_form=form), 422
    try:
        outcome = assignments.assign_call(call, form.reviewers_per_proposal.data, current_user)
    except Invalid as error:
        apply_errors(form, error, None)
        return queue_page(assign_form=form), 422
    flash(
        ngettext(
            "%(num)d reviewer assignment made.",
            "%(num)d reviewer assignments made.",
            outcome.assigned,
        ),
        "success",
    )
    for _id, title, have in outcome.short:
        flash(
            _(
                "“%(title)s” has only %(have)d of %(wanted)d reviewers: not enough reviewers "
                "without a conflict of interest.",
                title=title or _("Untitled proposal"),
                have=have,
                wanted=form.reviewers_per_proposal.data,
            ),
            "error",
        )
    return redirect(url_for("screening.queue", call=call.id, mine=0), 303)
