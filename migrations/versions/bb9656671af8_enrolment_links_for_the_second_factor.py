"""Enrolment links for the second factor

Revision ID: bb9656671af8
Revises: 02834e153431
Create Date: 2026-12-05 06:20:50.476421

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bb9656671af8'
down_revision = '02834e153431'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_enrolment_nonce', sa.String(length=64),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_enrolment_nonce')
