"""language of written text

Every table holding free text that people write gets the text's language, so that pages mark
it with lang (WCAG 3.1.2). Rows written before are given their author's saved language where
the author is known, else Finnish, the city's default.

Revision ID: eeef8725691d
Revises: 748f9834a6cd
Create Date: 2026-11-23 19:05:09.017044

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eeef8725691d'
down_revision = '748f9834a6cd'
branch_labels = None
depends_on = None

TABLES = ('call', 'evaluation', 'expense', 'experiment', 'goal_follow_up', 'participation',
          'programme', 'programme_risk', 'proposal', 'review', 'risk', 'status_change')
# Tables whose rows name their author: the author's saved interface language is the best
# evidence of what they wrote in.
AUTHORS = {'proposal': 'owner_id', 'status_change': 'actor_id', 'review': 'reviewer_id',
           'evaluation': 'author_id', 'goal_follow_up': 'author_id'}


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='fi',
                                          nullable=False))
    for table, author in AUTHORS.items():
        op.execute(
            f'UPDATE {table} SET language = (SELECT u.locale FROM "user" u '
            f'WHERE u.id = {table}.{author}) '
            f"WHERE EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = {table}.{author} "
            f"AND u.locale IN ('fi', 'sv', 'en'))"
        )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
