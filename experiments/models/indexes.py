"""Indexes matched to the pages' filters and sorts, each measured by the benchmark.

Declared apart from the tables they serve so that the reason and the measurement stay
together; bench/RESULTS.md has the figures.
"""

import sqlalchemy as sa

from .proposals import Proposal

# The staff queue and the API's proposal list filter by proposer type and status and sort
# by submission time: the count reads this index alone, and a page walks it in order.
# At 100,000 proposals, /screening?proposer_type=company went from ~1.9 s to ~15 ms of SQL.
sa.Index("ix_proposal_type_status_submitted",
         Proposal.proposer_type, Proposal.status, Proposal.submitted_at)
