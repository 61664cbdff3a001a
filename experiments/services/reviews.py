"""Screening reviews: one per staff reviewer per proposal, editable."""

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import Conflict, NotAllowed
from ..extensions import db
from ..lifecycle import REVIEWABLE_STATES
from ..models import REVIEW_CRITERIA, Proposal, Review, User
from .transaction import transactional


@transactional
def save_review(
    proposal: Proposal, reviewer: User, scores: Mapping[str, int], comment: str
) -> Review:
    """Create or replace the reviewer's own review; raises NotAllowed or Conflict."""
    if not reviewer.is_staff:
        raise NotAllowed(_("Only city staff review proposals."))
    if proposal.status not in REVIEWABLE_STATES:
        raise Conflict(_("Proposals are reviewed only while they are being screened."))
    review = db.session.scalar(
        select(Review).where(Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id)
    )
    if review is None:
        review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id)
        db.session.add(review)
    for criterion in REVIEW_CRITERIA:
        setattr(review, criterion, int(scores[criterion]))
    review.comment = (comment or "").strip()
    return review
