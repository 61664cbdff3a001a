"""A call's decisions (managers): stage a pilot or a rejection per screened proposal, see them
against each year's budget, apply them all at once."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..forms.confirm import ConfirmForm, ask_again, is_confirmed
from ..forms.staged import StagedDecisionForm
from ..lifecycle import Role
from ..models import Call, Proposal, StagedMove
from ..services import staged_decisions
from .forms import rerender_status, saved
from .guards import allow
from .proposals import owner_choices

bp = Blueprint("decisions", __name__, url_prefix="/calls")

CALL = "/<id:call_id>/decisions"


def _page(call: Call, refused: staged_decisions.ApplyRefused | None = None, status: int = 200):
    staged = staged_decisions.staged_for(call)
    rows = staged_decisions.screened(call, staged)
    failures = {}
    if refused is not None:
        titles = {row.proposal_id: row.proposal.title for row in staged}
        failures = {
            int(pid): (titles.get(int(pid)), messages) for pid, messages in refused.errors.items()
        }
    return render_template(
        "decisions/index.html",
        call=call,
        rows=rows,
        staged=staged,
        simulation=staged_decisions.simulate(call, staged),
        failures=failures,
        refused=refused,
        remove_form=ConfirmForm(),
        apply_form=ConfirmForm(),
    ), status


@bp.get(CALL)
@allow(Role.MANAGER)
def index(call_id: int):
    return _page(db.get_or_404(Call, call_id))


def _proposal(call: Call, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.call_id != call.id:
        abort(404)
    return proposal


@bp.route(f"{CALL}/<id:proposal_id>", methods=["GET", "POST"])
@allow(Role.MANAGER)
def stage(call_id: int, proposal_id: int):
    """Stage (or change) the decision on one proposal of the call."""
    call = db.get_or_404(Call, call_id)
    proposal = _proposal(call, proposal_id)
    staged = next(
        (s for s in staged_decisions.staged_for(call) if s.proposal_id == proposal.id), None
    )
    form = StagedDecisionForm(obj=staged)
    form.owner_id.choices = [("", _("Choose a member of staff")), *owner_choices()]
    if staged is None and not form.is_submitted():
        form.to_status.data = StagedMove.PILOT.value
    if not form.is_submitted():
        form.version.data = proposal.version
    done = saved(
        form,
        lambda: staged_decisions.stage(
            call,
            proposal,
            current_user,
            form.to_status.data or "",
            form.version.data,
            **form.values(),
        ),
        _(
            "The decision is staged. Nothing has moved yet: apply the staged decisions "
            "when all are ready."
        ),
    )
    if done is not None:
        return redirect(url_for(".index", call_id=call.id, _anchor="proposals"), 303)
    return render_template(
        "decisions/stage.html", call=call, proposal=proposal, staged=staged, form=form
    ), rerender_status(form)


@bp.post(f"{CALL}/<id:proposal_id>/remove")
@allow(Role.MANAGER)
def unstage(call_id: int, proposal_id: int):
    """Remove a staged decision: nothing had moved, so nothing needs confirming."""
    call = db.get_or_404(Call, call_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        staged_decisions.unstage(call, proposal_id, current_user)
    except LookupError:
        abort(404)
    flash(_("The staged decision is removed."), "success")
    return redirect(url_for(".index", call_id=call.id, _anchor="proposals"), 303)


@bp.post(f"{CALL}/apply")
@allow(Role.MANAGER)
def apply(call_id: int):
    """Apply every staged decision, once confirmed; all or none."""
    call = db.get_or_404(Call, call_id)
    form = ConfirmForm()
    if not (form.validate_on_submit() and is_confirmed(form)):
        ask_again(form)
        staged = staged_decisions.staged_for(call)
        if not staged:
            flash(_("No decisions are staged for this call."), "error")
            return redirect(url_for(".index", call_id=call.id), 303)
        return render_template(
            "decisions/confirm_apply.html",
            call=call,
            staged=staged,
            simulation=staged_decisions.simulate(call, staged),
            form=form,
        )
    try:
        applied = staged_decisions.apply(call, current_user)
    except staged_decisions.ApplyRefused as refused:
        return _page(call, refused, 409)
    flash(
        ngettext(
            "%(num)d decision is made and each applicant is told.",
            "%(num)d decisions are made and each applicant is told.",
            len(applied.proposal_ids),
        ),
        "success",
    )
    return redirect(url_for(".index", call_id=call.id), 303)
