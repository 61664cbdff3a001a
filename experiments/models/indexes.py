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

# Sorting by score reads the score kept on the row (review_scores.py), with the queue's
# filters in the same index: for one state a page is read in score order (the manager's
# best-scored list in screening too); for the queue's three states only the matches' index
# entries are sorted, never their rows or reviews. Without the proposer type's index the
# queue filtered by type read each match's row for its score: at 100,000 proposals
# /screening?proposer_type=company&sort=-score took ~60 ms of SQL for its page of ids, ~3 ms
# with it (EXPLAIN QUERY PLAN: a covering index search and a sort of ~3,300 entries).
sa.Index("ix_proposal_status_score", Proposal.status, Proposal.review_score)
sa.Index(
    "ix_proposal_type_status_score",
    Proposal.proposer_type,
    Proposal.status,
    Proposal.review_score,
)
