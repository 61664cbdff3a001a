"""Audit trail

Revision ID: a3d1e5f7c902
Revises: 90df48555591
Create Date: 2026-12-05 10:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import experiments.models.types
from experiments import append_only


# revision identifiers, used by Alembic.
revision = 'a3d1e5f7c902'
down_revision = '90df48555591'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', experiments.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('object_type', sa.String(length=60), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_entry_actor_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
    append_only.install(op.get_bind(), ("audit_entry",))


def downgrade():
    append_only.remove(op.get_bind(), ("audit_entry",))
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index('ix_audit_entry_object')
    op.drop_table('audit_entry')
