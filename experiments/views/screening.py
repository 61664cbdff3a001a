"""Staff screening: the queue of proposals, its bulk move, and each reviewer's review."""

from decimal import Decimal
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from .. import lifecycle
from ..errors import Invalid
from ..extensions import db
from ..forms.assignments import CallAssignForm
from ..forms.confirm import ask_again, is_confirmed
from ..forms.fields import as_choices
from ..forms.moves import move_form
from ..forms.screening import CRITERIA_LABELS, BulkStartForm, ReviewForm
from ..lifecycle import Role, Status
from ..models import Call, Proposal
from ..models.types import utcnow
from ..queries import RELEVANCE, ProposalFilter, default_sort, proposal_page
from ..routing import page_number
from ..rules import REVIEWS_NEEDED, SEARCH_MAX
from ..screening_queue import QUEUE_SORTS, RowFacts, has_assignments, row_facts
from ..services import access
from ..services import screening as screening_service
from ..services.inputs import acceptable_text
from ..services.reviews import review_values, save_review, scores_visible
from ..vocabulary import ProposerType
from .forms import rerender_status, saved
from .guards import STAFF, allow
from .proposals import show as show_proposal

bp = Blueprint("screening", __name__, url_prefix="/screening")

DEFAULT_STATES = (Status.SUBMITTED, Status.SCREENING, Status.MORE_INFO)
# A draft is the applicant's own until it is submitted: the queue never lists drafts.
QUEUE_STATES = tuple(s for s in Status if s != Status.DRAFT)
ALL_STATES = "all"
# The query parameters of a view of the queue (the page number aside).
QUEUE_PARAMETERS = ("q", "status", "call", "proposer_type", "sort", "mine")
# Each sortable column: its sort key and the direction a first click sorts it in.
COLUMNS = {
    "title": ("title", "ascending"),
    "submitted": ("submitted_at", "descending"),
    "waiting": ("waiting", "descending"),
    "reviews": ("reviews", "ascending"),
    "score": ("score", "descending"),
}
PER_PAGE = 25


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def _search_words() -> str | None:
    words = acceptable_text(request.args.get("q") or "", one_line=True).strip()
    return words[:SEARCH_MAX] or None


def _sort_columns(sort: str) -> dict[str, dict]:
    """Per column: its aria-sort (or None) and the address that sorts by it."""
    args = {k: v for k, v in request.args.items() if k in QUEUE_PARAMETERS}
    columns = {}
    for column, (key, first) in COLUMNS.items():
        direction = {key: "ascending", f"-{key}": "descending"}.get(sort)
        upcoming = {"ascending": "descending", "descending": "ascending"}.get(direction, first)
        target = key if upcoming == "ascending" else f"-{key}"
        columns[column] = {
            "direction": direction,
            "url": url_for("screening.queue", **(args | {"sort": target})),
        }
    return columns


@bp.get("")
@allow(*STAFF)
def queue():
    return queue_page()


def queue_page(assign_form: CallAssignForm | None = None) -> str:
    """The queue as the reader's filters ask; with a whole-call assignment form sent back
    with its errors, that form in place of a new one."""
    calls = db.session.scalars(select(Call).order_by(Call.opens_on.desc())).all()
    status = _choice("status", {s.value for s in QUEUE_STATES} | {ALL_STATES})
    states = QUEUE_STATES if status == ALL_STATES else [status] if status else DEFAULT_STATES
    call = request.args.get("call", type=int)
    words = _search_words()
    filters = ProposalFilter(
        status=[Status(s).value for s in states],
        proposer_type=_choice("proposer_type", {p.value for p in ProposerType}),
        call_id=call if call in {c.id for c in calls} else None,
        q=words,
        sort=_choice("sort", [*QUEUE_SORTS, RELEVANCE]) or default_sort(words),
    )
    mine = _assigned_to_me()
    filters.assigned_to = current_user.id if mine else None
    results = proposal_page(
        access.visible_proposals(current_user), filters, page_number(), PER_PAGE, QUEUE_SORTS
    )
    facts = row_facts([p.id for p, *_scores in results.items], current_user.id)
    now = utcnow()
    rows = []
    for p, average, reviews in results.items:
        fact = facts[p.id]
        # Others' scores stay hidden from a reviewer until their own review is saved.
        seen = scores_visible(p.status, fact.reviewed_by_reader, current_user)
        since = fact.waiting_since
        waited = None if since is None else (now - since).days
        rows.append(
            QueueRow(
                p, average if seen else None, reviews or 0, seen, fact, waited, _move_back(p, fact)
            )
        )
    return render_template(
        "screening/queue.html",
        results=results,
        rows=rows,
        filters=filters,
        calls=calls,
        chosen_status=status,
        statuses=QUEUE_STATES,
        all_states=ALL_STATES,
        proposer_types=list(ProposerType),
        columns=_sort_columns(filters.sort),
        reviews_needed=REVIEWS_NEEDED,
        search_max=SEARCH_MAX,
        bulk=BulkStartForm(formdata=None, back=_queue_query(request.args)),
        Status=Status,
        mine=mine,
        mine_urls=_mine_urls(),
        assign_call=assign_form or _call_form(calls, filters.call_id),
        criteria_labels=CRITERIA_LABELS,
    )


def _assigned_to_me() -> bool:
    """?mine=1 lists only the reader's assignments, ?mine=0 everything; by default a staff
    member who has assignments sees those (a manager, who decides, sees everything)."""
    chosen = request.args.get("mine")
    if chosen in ("0", "1"):
        return chosen == "1"
    return current_user.role == Role.STAFF and has_assignments(current_user.id)


def _mine_urls() -> dict[str, str]:
    args = {k: v for k, v in request.args.items() if k in QUEUE_PARAMETERS and k != "page"}
    return {value: url_for("screening.queue", **(args | {"mine": value})) for value in ("1", "0")}


def _call_form(calls, chosen: int | None) -> CallAssignForm:
    form = CallAssignForm(formdata=None, call=chosen)
    form.call.choices = as_choices((c.id, c.title) for c in calls)
    return form


class QueueRow(NamedTuple):
    proposal: Proposal
    average: Decimal | float | None  # None without reviews, or while others' are hidden
    reviews: int
    scores_shown: bool
    facts: RowFacts
    waited: int | None  # whole days since the last move (None: not submitted)
    move_back: FlaskForm | None  # the one-click return to screening of an answered proposal


def _move_back(proposal: Proposal, facts: RowFacts) -> FlaskForm | None:
    edge = lifecycle.transition(proposal.status, Status.SCREENING)
    if not facts.answered or edge is None:
        return None
    form = move_form(edge, formdata=None)
    form.version.data = proposal.version
    return form


def _queue_query(args) -> str:
    """The query string of a view of the queue, only its known parameters."""
    return urlencode([(k, v) for k, v in args.items(multi=True) if k in QUEUE_PARAMETERS])


def _queue_url(form: BulkStartForm) -> str:
    """The view of the queue the bulk move was sent from (its known parameters only)."""
    args = [(k, v) for k, v in parse_qsl(form.back.data or "") if k in QUEUE_PARAMETERS]
    return url_for("screening.queue", **dict(args))


def _back_to_queue(form: BulkStartForm):
    return redirect(_queue_url(form), 303)


@bp.post("/start")
@allow(*STAFF)
def start():
    """Start screening the proposals chosen in the queue, after a confirmation page."""
    form = BulkStartForm()
    if not form.validate_on_submit():
        flash(_("The selection could not be read. Please select the proposals again."), "error")
        return _back_to_queue(form)
    try:
        if not is_confirmed(form):
            proposals = screening_service.chosen_proposals(form.proposal.data or [], current_user)
            ask_again(form)
            return render_template(
                "screening/confirm_start.html",
                form=form,
                proposals=proposals,
                back=_queue_url(form),
            )
        outcomes = screening_service.start_screening(form.proposal.data or [], current_user)
    except Invalid as error:
        flash(error.message, "error")
        return _back_to_queue(form)
    moved = [o for o in outcomes if o.problem is None]
    if moved:
        flash(
            ngettext(
                "Screening started for %(num)d proposal.",
                "Screening started for %(num)d proposals.",
                len(moved),
            ),
            "success",
        )
    for outcome in outcomes:
        if outcome.problem is not None:
            title = outcome.title or _("Untitled proposal")
            flash(_("“%(title)s”: %(problem)s", title=title, problem=outcome.problem), "error")
    return _back_to_queue(form)


@bp.route("/proposals/<id:proposal_id>/review", methods=["GET", "POST"])
@allow(*STAFF)
def review(proposal_id: int):
    """The review form stands on the proposal page; a refused one is shown there again."""
    proposal = access.proposal_or_404(proposal_id, current_user)
    if request.method == "GET":
        return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="review"))
    form = ReviewForm()
    if saved(
        form,
        lambda: save_review(proposal, current_user, form.values(), form.comment.data),
        _("Your review is saved."),
        check=lambda: review_values(form.values()),
    ):
        return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="reviews-title"))
    return show_proposal(proposal.id, review_form=form, status_code=rerender_status(form))
