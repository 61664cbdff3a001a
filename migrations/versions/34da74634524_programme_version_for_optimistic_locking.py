"""programme version for optimistic locking

Revision ID: 34da74634524
Revises: 79219ae6af18
Create Date: 2026-11-23 20:58:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '34da74634524'
down_revision = '79219ae6af18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('version')
