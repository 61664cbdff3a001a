"""TOTP secrets encrypted at rest

The column is widened for a Fernet token and the secrets stored in clear (base32) are
encrypted with the keys the application is configured with (TOTP_ENCRYPTION_KEYS, else the
key derived from SECRET_KEY: run it with the production environment). Downgrading decrypts
them again.

Revision ID: 79219ae6af18
Revises: eeef8725691d
Create Date: 2026-11-23 19:35:58.090722

"""
from alembic import op
import sqlalchemy as sa
from flask import current_app

from experiments.secrets_at_rest import is_sealed, seal, unseal


# revision identifiers, used by Alembic.
revision = '79219ae6af18'
down_revision = 'eeef8725691d'
branch_labels = None
depends_on = None

user = sa.table('user', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))


def _rewrite(change, wanted):
    """Apply change to every stored secret that wanted(secret) picks."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(user.c.id, user.c.totp_secret).where(user.c.totp_secret.is_not(None))
    ).all()
    for user_id, secret in rows:
        if wanted(secret):
            bind.execute(user.update().where(user.c.id == user_id)
                         .values(totp_secret=change(secret, current_app.config)))


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.VARCHAR(length=64),
               type_=sa.String(length=255),
               existing_nullable=True)
    _rewrite(seal, lambda secret: not is_sealed(secret))


def downgrade():
    _rewrite(unseal, is_sealed)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('totp_secret',
               existing_type=sa.String(length=255),
               type_=sa.VARCHAR(length=64),
               existing_nullable=True)
