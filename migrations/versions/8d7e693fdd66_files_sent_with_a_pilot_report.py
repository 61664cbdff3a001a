"""Files sent with a pilot report: a proposal's file may belong to one of its pilot's reports

Revision ID: 8d7e693fdd66
Revises: 08d8e547bbdf
Create Date: 2026-12-05 15:20:01.646491

"""
from alembic import op
import sqlalchemy as sa

import experiments.models.types


# revision identifiers, used by Alembic.
revision = '8d7e693fdd66'
down_revision = '08d8e547bbdf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_report_id'), ['report_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_report_id_experiment_report'), 'experiment_report', ['report_id'], ['id'])


def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachment_report_id_experiment_report'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_report_id'))
        batch_op.drop_column('report_id')
