"""history tables refuse update and delete

Revision ID: 90df48555591
Revises: 0cfb34ac6d81
Create Date: 2026-12-05 10:15:00.000000

"""
from alembic import op

from experiments import append_only


# revision identifiers, used by Alembic.
revision = '90df48555591'
down_revision = '0cfb34ac6d81'
branch_labels = None
depends_on = None

# This revision's own list: later tables join in the migrations that create them.
TABLES = ("status_change", "record_change", "account_change")


def upgrade():
    append_only.install(op.get_bind(), TABLES)


def downgrade():
    append_only.remove(op.get_bind(), TABLES)
