"""residents' feedback on experiments

Revision ID: 094accba3907
Revises: e0de1c89b16e
Create Date: 2026-12-05 15:20:39.787971

"""
from alembic import op
import sqlalchemy as sa

import experiments.models.types


# revision identifiers, used by Alembic.
revision = '094accba3907'
down_revision = 'e0de1c89b16e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('experiment_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('experiment_id', sa.Integer(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='feedback_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('created_at', experiments.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('moderated_at', experiments.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=5), server_default='fi', nullable=False),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_experiment_feedback_usefulness_scale')),
    sa.ForeignKeyConstraint(['experiment_id'], ['experiment.id'], name=op.f('fk_experiment_feedback_experiment_id_experiment')),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['user.id'], name=op.f('fk_experiment_feedback_moderated_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_experiment_feedback_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experiment_feedback'))
    )
    with op.batch_alter_table('experiment_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_experiment_feedback_experiment_status', ['experiment_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_experiment_feedback_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('experiment_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experiment_feedback_user_id'))
        batch_op.drop_index('ix_experiment_feedback_experiment_status')

    op.drop_table('experiment_feedback')