"""Indexes matched to the pages' filters and sorts, each measured by the benchmark.

Declared apart from the tables they serve so that the reason and the measurement stay
together; bench/RESULTS.md has the figures.
"""

import sqlalchemy as sa

from .proposals import Proposal, Review

# The staff queue and the API's proposal list filter by proposer type and status and sort
# by submission time: the count reads this index alone, and a page walks it in order.
# At 100,000 proposals, /screening?proposer_type=company went from ~1.9 s to ~15 ms of SQL.
sa.Index(
    "ix_proposal_type_status_submitted",
    Proposal.proposer_type,
    Proposal.status,
    Proposal.submitted_at,
)

# The queue sorted by score averages each matching proposal's reviews: with the scores in
# the index, SQLite reads the index alone (100,000 proposals: ~40 → ~27 ms CPU per page).
sa.Index(
    "ix_review_scores",
    Review.proposal_id,
    Review.need,
    Review.benefit,
    Review.reusability,
    Review.feasibility,
    Review.cost_effectiveness,
)

# Sorting by score reads the score kept on the row (review_scores.py): the queue's status
# filter and the score in one index, so a page is read in score order for one state (and the
# manager's best-scored list in screening), and the queue's three states sort only their
# matches' index entries, never their reviews.
sa.Index("ix_proposal_status_score", Proposal.status, Proposal.review_score)
