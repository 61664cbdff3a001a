"""Attachments of proposals: descriptions, and their bytes apart

Revision ID: 211dd9697d8e
Revises: 5e4c1f0a9d27
Create Date: 2026-12-05 11:53:54.940425

"""
from alembic import op
import sqlalchemy as sa

import experiments.models.types


# revision identifiers, used by Alembic.
revision = '211dd9697d8e'
down_revision = '5e4c1f0a9d27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', experiments.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', experiments.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('NOT (confidential AND public)', name=op.f('ck_attachment_confidential_never_public')),
    sa.CheckConstraint('deleted_at IS NULL OR NOT public', name=op.f('ck_attachment_deleted_not_public')),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachment_size_positive')),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['user.id'], name=op.f('fk_attachment_deleted_by_id_user')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_attachment_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('attachment_content',
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_attachment_content_attachment_id_attachment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('attachment_id', name=op.f('pk_attachment_content'))
    )


def downgrade():
    op.drop_table('attachment_content')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_proposal_id'))

    op.drop_table('attachment')
