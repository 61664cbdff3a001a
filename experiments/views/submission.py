"""The page an applicant lands on after submitting: the reference, what comes next, how long."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..lifecycle import Role, Status
from ..services import access
from ..statistics.waiting import screening_wait
from .guards import allow

bp = Blueprint("submission", __name__)


@bp.get("/proposals/<id:proposal_id>/submitted")
@allow(Role.APPLICANT)
def show(proposal_id: int):
    proposal = access.proposal_or_404(proposal_id, current_user)
    if proposal.status != Status.SUBMITTED:  # moved on since: its own page says where
        return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template(
        "proposals/submitted.html",
        proposal=proposal,
        wait=screening_wait(proposal.programme_id),
    )
