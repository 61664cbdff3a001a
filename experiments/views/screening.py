"""Staff screening: the queue of proposals and each reviewer's review."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..forms.screening import CRITERIA_LABELS, ReviewForm
from ..lifecycle import Status
from ..models import REVIEW_CRITERIA, Call
from ..queries import ProposalFilter, proposal_page
from ..routing import page_number
from ..services import access
from ..services.reviews import save_review
from ..vocabulary import ProposerType
from .forms import rerender_status
from .guards import STAFF, allow

bp = Blueprint("screening", __name__, url_prefix="/screening")

QUEUE_SORTS = ("-submitted_at", "submitted_at", "-score", "score")
DEFAULT_STATES = (Status.SUBMITTED, Status.SCREENING, Status.MORE_INFO)
# A draft is the applicant's own until it is submitted: the queue never lists drafts.
QUEUE_STATES = tuple(s for s in Status if s != Status.DRAFT)
PER_PAGE = 25


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


@bp.get("")
@allow(*STAFF)
def queue():
    calls = db.session.scalars(select(Call).order_by(Call.opens_on.desc())).all()
    status = _choice("status", {s.value for s in QUEUE_STATES})
    call = request.args.get("call", type=int)
    filters = ProposalFilter(
        status=[status] if status else [s.value for s in DEFAULT_STATES],
        proposer_type=_choice("proposer_type", {p.value for p in ProposerType}),
        call_id=call if call in {c.id for c in calls} else None,
        sort=_choice("sort", QUEUE_SORTS) or "-submitted_at",
    )
    page = page_number()
    results = proposal_page(access.visible_proposals(current_user), filters, page, PER_PAGE)
    return render_template(
        "screening/queue.html",
        results=results,
        filters=filters,
        calls=calls,
        chosen_status=status,
        statuses=QUEUE_STATES,
        proposer_types=list(ProposerType),
        sorts=QUEUE_SORTS,
    )


@bp.route("/proposals/<id:proposal_id>/review", methods=["GET", "POST"])
@allow(*STAFF)
def review(proposal_id: int):
    proposal = access.proposal_or_404(proposal_id, current_user)
    own = next((r for r in proposal.reviews if r.reviewer_id == current_user.id), None)
    form = ReviewForm(obj=own)
    if form.validate_on_submit():
        try:
            save_review(
                proposal,
                current_user,
                {c: getattr(form, c).data for c in REVIEW_CRITERIA},
                form.comment.data,
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Your review is saved."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template(
        "screening/review.html",
        form=form,
        proposal=proposal,
        criteria=CRITERIA_LABELS,
    ), rerender_status(form)
