"""Wrong one-time codes in a row

Revision ID: 02834e153431
Revises: 34da74634524
Create Date: 2026-12-05 06:16:39.372353

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02834e153431'
down_revision = '34da74634524'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_failures', sa.Integer(), server_default=sa.text('0'),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_failures')
