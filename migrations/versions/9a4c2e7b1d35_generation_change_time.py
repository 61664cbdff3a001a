"""the statistics generation's change time (public pages' Last-Modified)

Revision ID: 9a4c2e7b1d35
Revises: 551932df64ae
Create Date: 2026-12-05 15:40:00.000000

"""
import time

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9a4c2e7b1d35'
down_revision = '551932df64ae'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statistics_generation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('changed_at', sa.BigInteger(), nullable=False, server_default='0')
        )
    # The data of a database being migrated changed at an unknown time: call it now.
    op.execute(
        sa.text('UPDATE statistics_generation SET changed_at = :now').bindparams(
            now=int(time.time())
        )
    )
    with op.batch_alter_table('statistics_generation', schema=None) as batch_op:
        batch_op.alter_column('changed_at', server_default=None)


def downgrade():
    with op.batch_alter_table('statistics_generation', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
