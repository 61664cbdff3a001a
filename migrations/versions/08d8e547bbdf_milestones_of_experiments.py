"""Milestones of experiments

Revision ID: 08d8e547bbdf
Revises: 094accba3907
Create Date: 2026-12-05 15:20:29.136501

"""
from alembic import op
import sqlalchemy as sa

import experiments.models.types


# revision identifiers, used by Alembic.
revision = '08d8e547bbdf'
down_revision = '094accba3907'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('experiment_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('planned_date', sa.Date(), nullable=False),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', experiments.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=5), server_default='fi', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_experiment_milestone_created_by_id_user')),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_experiment_milestone_experiment_id_experiment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_milestone'))
    )
    with op.batch_alter_table('experiment_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experiment_milestone_experiment_id'), ['experiment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('experiment_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experiment_milestone_experiment_id'))

    op.drop_table('experiment_milestone')
