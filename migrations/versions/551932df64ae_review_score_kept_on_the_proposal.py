"""review score kept on the proposal, indexed with the queue's filters

Revision ID: 551932df64ae
Revises: 8d7e693fdd66
Create Date: 2026-12-05 15:22:27.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '551932df64ae'
down_revision = '8d7e693fdd66'
branch_labels = None
depends_on = None

# The score as experiments.queries.REVIEW_AVERAGE defines it at this revision (each criterion
# weighted by the proposal's call, 1 without a call; abstentions in neither sum; NULL without a
# weighted score), and the number of reviews. One statement for both databases: the numerator
# times 1.0 is a float on SQLite and a numeric on PostgreSQL, as the app computes it.
_CRITERIA = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")
_WEIGHTED_SUM = " + ".join(
    f"coalesce(sum(coalesce(call.weight_{c}, 1) * review.{c}), 0)" for c in _CRITERIA
)
_WEIGHTS_SCORED = " + ".join(
    f"sum(CASE WHEN review.{c} IS NOT NULL THEN coalesce(call.weight_{c}, 1) ELSE 0 END)"
    for c in _CRITERIA
)
BACKFILL = f"""
UPDATE proposal SET
    review_score = (
        SELECT ({_WEIGHTED_SUM}) * 1.0 / nullif({_WEIGHTS_SCORED}, 0)
        FROM review LEFT OUTER JOIN call ON call.id = proposal.call_id
        WHERE review.proposal_id = proposal.id
    ),
    review_count = (SELECT count(review.id) FROM review WHERE review.proposal_id = proposal.id)
"""


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'review_score',
                sa.Float().with_variant(sa.Numeric(), 'postgresql'),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column('review_count', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.create_index(
            'ix_proposal_status_score', ['status', 'review_score'], unique=False
        )
        batch_op.create_index(
            'ix_proposal_type_status_score',
            ['proposer_type', 'status', 'review_score'],
            unique=False,
        )
    op.execute(BACKFILL)


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_type_status_score')
        batch_op.drop_index('ix_proposal_status_score')
        batch_op.drop_column('review_count')
        batch_op.drop_column('review_score')
