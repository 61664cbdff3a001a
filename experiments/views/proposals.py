"""Applicants' proposals: create, edit, follow; the proposal page and its moves."""

from functools import partial
from typing import Any, NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import lifecycle, search
from ..audit_history import shown_history
from ..audit_labels import ShownEntry
from ..errors import Conflict, Invalid
from ..extensions import db
from ..forms.confirm import ask_again, is_confirmed, unconfirm
from ..forms.conversation import MessageForm
from ..forms.moves import move_form, move_values
from ..forms.proposals import ProposalForm
from ..forms.screening import ReviewForm
from ..i18n import status_label
from ..lifecycle import Role, Status
from ..models import Proposal, Review, StatusChange, User
from ..questions import latest_exchange, open_questions
from ..rules import SEARCH_MAX, SIMILAR_TEXT_MAX
from ..search.similar import Similar, similar_experiments, similar_to_proposal
from ..security import local_path
from ..services import access, conversation
from ..services import proposals as proposal_service
from ..services.inputs import acceptable_text
from ..services.reviews import reviews_seen_by
from ..services.workflow import allowed_moves_message, change_status, check_move
from . import move_evidence
from .forms import also_checked, apply_errors, rerender_status, saved, saved_valid
from .guards import SIGNED_IN, STAFF, allow
from .reviewer_panel import reviewer_panel

bp = Blueprint("proposals", __name__, url_prefix="/proposals")


@bp.get("/mine")
@allow(Role.APPLICANT)
def mine():
    q = acceptable_text(request.args.get("q") or "", one_line=True).strip()[:SEARCH_MAX]
    query = select(Proposal).where(Proposal.owner_id == current_user.id)
    words = search.parse(q)
    if words:  # the best match first; the applicant reads all of their own texts
        found = search.hits(words, secrets=True)
        query = query.join(found, found.c.proposal_id == Proposal.id).order_by(found.c.rank.desc())
    proposals = db.session.scalars(query.order_by(Proposal.updated_at.desc())).all()
    if not words:  # a question waiting for the applicant's answer comes first
        proposals = sorted(proposals, key=lambda p: p.status != Status.MORE_INFO)
    return render_template(
        "proposals/mine.html",
        proposals=proposals,
        q=q,
        search_max=SEARCH_MAX,
        questions=open_questions(proposals),
        Status=Status,
    )


def _call_choices(proposal: Proposal | None = None):
    calls = proposal_service.open_calls()
    if proposal is not None and proposal.call and proposal.call not in calls:
        calls = [proposal.call, *calls]
    return [(call.id, f"{call.title} ({call.programme.name})") for call in calls]


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.APPLICANT)
def new():
    form = ProposalForm()
    form.call_id.choices = _call_choices()
    if request.method == "GET":
        user = current_user
        chosen = request.args.get("call", type=int)  # "propose to this call" links
        if chosen in {choice.value for choice in form.call_id.choices}:
            form.call_id.data = chosen
        form.proposer_type.data = user.proposer_type
        if user.organisation is not None:
            form.organisation_name.data = user.organisation.name
            form.organisation_business_id.data = user.organisation.business_id
    else:
        proposal = saved(
            form,
            lambda: proposal_service.create_draft(current_user, form.values()),
            _("Your draft is saved. Submit it when it is ready."),
            check=lambda: proposal_service.check_content(form.values()),
        )
        if proposal is not None:
            return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template(
        "proposals/form.html", form=form, proposal=None, **_tried(form)
    ), rerender_status(form)


@bp.route("/<id:proposal_id>/edit", methods=["GET", "POST"])
@allow(Role.APPLICANT)
def edit(proposal_id: int):
    proposal = access.proposal_or_404(proposal_id, current_user)
    if proposal.status not in lifecycle.EDITABLE:
        flash(_("The proposal can no longer be edited."), "error")
        return redirect(url_for(".show", proposal_id=proposal.id))
    form = ProposalForm(obj=None if request.method == "POST" else _FormData(proposal))
    form.call_id.choices = _call_choices(proposal)
    if saved(
        form,
        lambda: proposal_service.update_content(
            proposal, current_user, _int(form.version.data), form.values()
        ),
        _("Your changes are saved."),
        check=lambda: proposal_service.check_content(form.values(), proposal),
    ):
        return redirect(url_for(".show", proposal_id=proposal.id))
    return render_template(
        "proposals/form.html", form=form, proposal=proposal, **_tried(form)
    ), rerender_status(form)


def _tried(form: ProposalForm) -> dict[str, Any]:
    """The public experiments like what the form holds ("experiments like this were tried";
    None before anything is written), and the labels the page's script shows them with."""
    written = " ".join(str(form[name].data or "") for name in ("title", "need", "summary"))
    written = written.strip()[:SIMILAR_TEXT_MAX]
    found: list[Similar] | None = similar_experiments(written) if written else None
    labels = {str(state): status_label(state) for state in lifecycle.EXPERIMENT_STATES}
    return {"tried": found, "status_labels": labels}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _FormData:
    """A proposal seen as the form's flat fields."""

    def __init__(self, proposal: Proposal):
        self.version = proposal.version
        self.call_id = proposal.call_id
        for name in proposal_service.CONTENT_FIELDS:
            setattr(self, name, getattr(proposal, name))
        self.city_centres = [c.value for c in proposal.city_centres]
        self.sdgs = proposal.sdgs
        org = proposal.organisation
        self.organisation_name = org.name if org else ""
        self.organisation_business_id = org.business_id if org else ""
        self.partners = [
            {"name": o.name, "business_id": o.business_id or "", "type": o.type.value}
            for o in proposal.partners
        ]


def owner_choices():
    users = db.session.scalars(
        select(User).where(User.role.in_(STAFF), User.active).order_by(User.name)
    ).all()
    return [(u.id, u.name) for u in users]


def move_forms(proposal: Proposal, posted=None) -> list:
    """A form for every move this user may make now; the posted one keeps its input."""
    is_owner = proposal.owner_id == current_user.id
    forms = []
    for edge in lifecycle.moves_for(proposal.status, current_user.role, is_owner):
        if posted is not None and posted.to.data == edge.target.value:
            move_evidence.describe(posted, proposal, edge)
            forms.append((edge, posted))
            continue
        form = move_form(
            edge, formdata=None, owner_choices=owner_choices() if "owner_id" in edge.fields else []
        )
        form.version.data = proposal.version
        move_evidence.suggest(form, proposal, edge)
        move_evidence.describe(form, proposal, edge)
        forms.append((edge, form))
    return forms


@bp.get("/<id:proposal_id>")
@allow(SIGNED_IN)
def show(
    proposal_id: int,
    posted=None,
    status_code: int = 200,
    review_form=None,
    return_to=None,
    message_form=None,
    assign_form=None,
    conflict_form=None,
):
    # With one query per list the page shows, not one per reviewer or history entry (no N+1).
    proposal = access.proposal_or_404(
        proposal_id,
        current_user,
        loads=(
            selectinload(Proposal.reviews).joinedload(Review.reviewer),
            selectinload(Proposal.history).joinedload(StatusChange.actor),
            # Its partners (with their organisations) only when the kept section is stale.
            selectinload(Proposal.experiment),
        ),
    )
    seen = reviews_seen_by(proposal, current_user)
    reviewable = proposal.status in lifecycle.REVIEWABLE_STATES
    panel = (
        reviewer_panel(proposal, current_user, assign_form, conflict_form)
        if current_user.is_staff
        else None
    )
    if panel is not None and panel.reader_conflicted:
        review_form = None  # a reviewer with a conflict of interest does not score it
    elif review_form is None and current_user.is_staff and reviewable:
        review_form = ReviewForm(formdata=None, obj=seen.own)
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        moves=move_forms(proposal, posted),
        reviews=seen.shown,
        hidden_reviews=seen.hidden,
        own_review=seen.own,
        review_form=review_form,
        panel=panel,
        exchange=latest_exchange(proposal),
        thread=partial(conversation.thread, proposal, current_user),
        message_form=message_form or MessageForm.for_writer(current_user, formdata=None),
        Status=Status,
        DECIDED_STATES=lifecycle.DECIDED_STATES,
        editable=proposal.owner_id == current_user.id and proposal.status in lifecycle.EDITABLE,
        reviewable=reviewable,
        return_to=return_to,
        changes=Changes(proposal.id, bool(seen.hidden)) if current_user.is_staff else None,
        # Read only if the page's kept list (fragment_cache) is stale.
        similar=partial(similar_to_proposal, proposal.id) if current_user.is_staff else None,
    ), status_code


class Changes(NamedTuple):
    """The proposal's history with its centres and goals, read only if the page's kept copy
    (fragment_cache) is stale: reviews are left out for a reader who does not see every score
    (a reviewer still to review must not read the others' in the history)."""

    proposal_id: int
    reviews_hidden: bool

    def entries(self) -> list[ShownEntry]:
        leave_out = ("review",) if self.reviews_hidden else ()
        return shown_history("proposal", self.proposal_id, leave_out=leave_out)


def _moved(edge: lifecycle.Transition, proposal: Proposal) -> str:
    if "answer" in edge.fields:
        return _(
            "Thank you: your answer is sent to the city, and the proposal waits for "
            "screening again."
        )
    return _("The proposal is now: %(state)s.", state=status_label(proposal.status))


@bp.route("/<id:proposal_id>/moves/<target>", methods=["GET", "POST"])
@allow(SIGNED_IN)
def move(proposal_id: int, target: str):
    """Make a move; an irreversible one first answers its confirmation page, changing nothing.

    A GET (the confirmation page reloaded, or shown in another language) leads to the proposal.
    """
    proposal = access.proposal_or_404(proposal_id, current_user)
    if request.method == "GET":
        return redirect(url_for(".show", proposal_id=proposal.id)), 303
    # A move made on another page of this site (the pilot's) leads back there.
    return_to = local_path(request.form.get("next"))
    back = return_to or url_for(".show", proposal_id=proposal.id)
    edge = lifecycle.transition(proposal.status, target)
    if edge is None:
        flash(allowed_moves_message(proposal.status), "error")
        return redirect(back), 303
    if not lifecycle.may_take(edge, current_user.role, proposal.owner_id == current_user.id):
        abort(403)
    form = move_form(edge, owner_choices=owner_choices() if "owner_id" in edge.fields else [])
    if not form.validate_on_submit():
        # Every refusal at once: the service's checks of the fields the form took.
        also_checked(form, lambda: check_move(proposal, edge.target, **move_values(form, edge)))
    elif edge.irreversible and not is_confirmed(form):
        # Said now, beside the form, rather than after the confirmation.
        try:
            check_move(proposal, edge.target, **move_values(form, edge))
        except Invalid as error:
            apply_errors(form, error)
        else:
            ask_again(form)
            return render_template(
                "proposals/confirm_move.html",
                proposal=proposal,
                edge=edge,
                form=form,
                return_to=return_to,
            )
    else:
        try:
            moved = saved_valid(
                form,
                lambda: change_status(
                    proposal,
                    edge.target,
                    current_user,
                    form.version.data,
                    **move_values(form, edge),
                ),
                lambda: _moved(edge, proposal),
                conflicts=False,  # said on the page the move was sent from
            )
        except Conflict as error:
            if not edge.irreversible:
                raise
            # The confirmation page cannot be opened again: the proposal page says it.
            flash(error.message, "error")
            return redirect(back), 303
        if moved is not None:
            if edge.source == Status.DRAFT and edge.target == Status.SUBMITTED:
                return redirect(url_for("submission.show", proposal_id=proposal.id)), 303
            return redirect(back), 303
    unconfirm(form)  # corrected, the move is confirmed again
    db.session.refresh(proposal)
    experiment = proposal.experiment
    if experiment is not None and return_to == url_for("pilots.show", experiment_id=experiment.id):
        from .pilots import refused_move  # the pilot's page imports this module

        return refused_move(experiment, form)
    return show(proposal_id, posted=form, status_code=422, return_to=return_to)
