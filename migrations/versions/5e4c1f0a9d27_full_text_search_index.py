"""full-text search index

Revision ID: 5e4c1f0a9d27
Revises: a6e3cd4f800b
Create Date: 2026-12-05 12:00:00.000000

The index is no model (experiments/search/schema.py): a table of two tsvectors with GIN
indexes on PostgreSQL, an FTS5 table of stems on SQLite. Its statements are written out
here, so that this migration stays what it was when the module changes; the documents
are then written from the rows, as `flask search reindex` writes them.
"""
from alembic import op
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = '5e4c1f0a9d27'
down_revision = 'a6e3cd4f800b'
branch_labels = None
depends_on = None

POSTGRESQL = (
    """CREATE TABLE search_document (
        proposal_id INTEGER PRIMARY KEY REFERENCES proposal (id) ON DELETE CASCADE,
        public_vector TSVECTOR NOT NULL,
        full_vector TSVECTOR NOT NULL
    )""",
    "CREATE INDEX ix_search_document_public ON search_document USING gin (public_vector)",
    "CREATE INDEX ix_search_document_full ON search_document USING gin (full_vector)",
)
SQLITE = (
    "CREATE VIRTUAL TABLE search_document USING fts5(title, summary, need, organisation, "
    "outcome, secret_summary, secret_need, owner, tokenize = 'unicode61 remove_diacritics 0')",
)


def upgrade():
    connection = op.get_bind()
    for statement in POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    from experiments.search.documents import reindex

    reindex(Session(bind=connection))


def downgrade():
    op.execute("DROP TABLE search_document")
