"""Risk assessments kept as versions, scorecard goals retired

Revision ID: a6e3cd4f800b
Revises: 6b73dcc71c03
Create Date: 2026-12-05 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import experiments.models.types


# revision identifiers, used by Alembic.
revision = 'a6e3cd4f800b'
down_revision = '6b73dcc71c03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('risk_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_id', sa.Integer(), nullable=True),
    sa.Column('programme_risk_id', sa.Integer(), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('mitigation', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('green', 'yellow', 'red', name='assessed_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('assessed_at', experiments.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=5), server_default='fi', nullable=False),
    sa.CheckConstraint('(risk_id IS NULL) <> (programme_risk_id IS NULL)', name=op.f('ck_risk_assessment_one_risk')),
    sa.CheckConstraint('impact BETWEEN 1 AND 4', name=op.f('ck_risk_assessment_impact_range')),
    sa.CheckConstraint('probability BETWEEN 1 AND 4', name=op.f('ck_risk_assessment_probability_range')),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['user.id'], name=op.f('fk_risk_assessment_assessed_by_id_user')),
    sa.ForeignKeyConstraint(['programme_risk_id'], ['programme_risk.id'], name=op.f('fk_risk_assessment_programme_risk_id_programme_risk')),
    sa.ForeignKeyConstraint(['risk_id'], ['risk.id'], name=op.f('fk_risk_assessment_risk_id_risk')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessment'))
    )
    with op.batch_alter_table('risk_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_assessment_programme_risk_id'), ['programme_risk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_assessment_risk_id'), ['risk_id'], unique=False)

    with op.batch_alter_table('programme_goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', experiments.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retired_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_programme_goal_retired_by_id_user'), 'user', ['retired_by_id'], ['id'])

    # Each existing risk's current assessment becomes its first version, dated when it was
    # last assessed (experiment risks keep only their creation time), by no one known.
    for table, key, when in (
        ("risk", "risk_id", "created_at"),
        ("programme_risk", "programme_risk_id", "updated_at"),
    ):
        op.execute(
            f"INSERT INTO risk_assessment ({key}, probability, impact, mitigation, status, "
            f"assessed_by_id, assessed_at, language) "
            f"SELECT id, probability, impact, mitigation, status, NULL, {when}, language "
            f"FROM {table} ORDER BY id"
        )


def downgrade():
    with op.batch_alter_table('programme_goal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programme_goal_retired_by_id_user'), type_='foreignkey')
        batch_op.drop_column('retired_by_id')
        batch_op.drop_column('retired_at')

    with op.batch_alter_table('risk_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_assessment_risk_id'))
        batch_op.drop_index(batch_op.f('ix_risk_assessment_programme_risk_id'))

    op.drop_table('risk_assessment')
