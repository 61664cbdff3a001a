"""Screening reviews: one per staff reviewer per proposal, editable."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..lifecycle import REVIEWABLE_STATES, Status, may_take, transition
from ..models import REVIEW_CRITERIA, Proposal, Review, User
from ..rules import REASON_MAX, SCORE_MAX, SCORE_MIN
from .assignments import has_conflict
from .inputs import Fields, whole_number_message
from .transaction import transactional


def review_values(values: Mapping[str, object]) -> dict[str, object]:
    """A score from SCORE_MIN to SCORE_MAX on each criterion, or None where the reviewer
    abstains (at least one scored), and the comment (at most REASON_MAX characters, "" when
    none); raises Invalid naming every wrong field."""
    fields = Fields()
    message = whole_number_message(SCORE_MIN, SCORE_MAX)
    checked: dict[str, object] = {
        criterion: fields.integer(
            criterion, values.get(criterion), SCORE_MIN, SCORE_MAX, message, required=False
        )
        for criterion in REVIEW_CRITERIA
    }
    if not fields.errors and all(checked[c] is None for c in REVIEW_CRITERIA):
        fields.fail(REVIEW_CRITERIA[0], _("Score at least one criterion."))
    checked["comment"] = fields.text("comment", values.get("comment"), max_length=REASON_MAX)
    fields.raise_if_any()
    return checked


@transactional
def save_review(
    proposal: Proposal, reviewer: User, scores: Mapping[str, object], comment: object
) -> Review:
    """Create or replace the reviewer's own review; raises NotAllowed (also for a conflict of
    interest), Invalid or Conflict."""
    if not reviewer.is_staff:
        raise NotAllowed(_("Only city staff review proposals."))
    checked = review_values({**scores, "comment": comment})
    if proposal.status not in REVIEWABLE_STATES:
        raise Conflict(_("Proposals are reviewed only while they are being screened."))
    if has_conflict(reviewer, proposal):
        raise NotAllowed(
            _("You have a conflict of interest with this proposal, so you may not review it.")
        )
    review = db.session.scalar(
        select(Review).where(Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id)
    )
    if review is None:
        review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id)
        db.session.add(review)
    for name, value in checked.items():
        setattr(review, name, value)
    return review


@dataclass(frozen=True)
class ReviewsSeen:
    """The reviews of a proposal as one reader may see them."""

    own: Review | None = None
    shown: list[Review] = field(default_factory=list)
    hidden: int = 0  # other reviewers' reviews kept back until the reader saves their own


def reviews_seen_by(proposal: Proposal, reader: User) -> ReviewsSeen:
    """Reviewers see others' scores only after saving their own, while the proposal is
    reviewed, so that no one scores in the light of the others; whoever decides on the pilot
    sees every review (the decision weighs them); applicants never see reviews."""
    if not reader.is_staff:
        return ReviewsSeen()
    reviews = list(proposal.reviews)
    own = next((r for r in reviews if r.reviewer_id == reader.id), None)
    if not scores_visible(proposal.status, own is not None, reader):
        return ReviewsSeen(hidden=len(reviews))
    return ReviewsSeen(own=own, shown=reviews)


def scores_visible(status: Status, reviewed_by_reader: bool, reader: User) -> bool:
    """Whether a staff reader sees others' scores of a proposal (the rule of reviews_seen_by)."""
    return reviewed_by_reader or status not in REVIEWABLE_STATES or decides_pilots(reader)


def decides_pilots(reader: User) -> bool:
    """Whether the reader's role takes the workflow's decision to start a pilot."""
    edge = transition(Status.SCREENING, Status.PILOT)
    return edge is not None and may_take(edge, reader.role, is_owner=False)
