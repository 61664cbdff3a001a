"""The search index's structures, one table per database and no model: its columns are
types the ORM does not share between the two (tsvector, an FTS5 virtual table).

PostgreSQL: search_document holds two tsvectors per proposal, the public one (what the
catalogue may show) and the full one (with the business secrets and the owner's name, for
the people who may read them), each with a GIN index.
SQLite: search_document is an FTS5 table whose rowid is the proposal's id and whose columns
hold the texts' stems; the public search reads only the public columns.

The migration that adds the index calls install(); the tables that the models create
(db.create_all: the test suite, scratch databases) get it from the listeners below.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, MetaData, event, text

from ..extensions import db

TABLE = "search_document"

# SQLite: the FTS5 columns in order, each with its bm25 weight (title above summary above
# need, as PostgreSQL's A, B, C, D weights).
COLUMNS = {
    "title": 10.0,
    "summary": 4.0,
    "need": 2.0,
    "organisation": 2.0,
    "outcome": 1.0,
    "secret_summary": 4.0,
    "secret_need": 2.0,
    "owner": 2.0,
}
PUBLIC_COLUMNS = ("title", "summary", "need", "organisation", "outcome")

_POSTGRESQL = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        proposal_id INTEGER PRIMARY KEY REFERENCES proposal (id) ON DELETE CASCADE,
        public_vector TSVECTOR NOT NULL,
        full_vector TSVECTOR NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_public ON {TABLE} USING gin (public_vector)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_full ON {TABLE} USING gin (full_vector)",
)
# No diacritics removed: in Finnish and Swedish "ä" and "a" are different letters.
_SQLITE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({', '.join(COLUMNS)}, "
    "tokenize = 'unicode61 remove_diacritics 0')",
)


def is_search_table(name: str | None) -> bool:
    """Is this table (SQLite: or an FTS5 shadow table) part of the index? Schema comparisons
    with the models leave these out."""
    return name is not None and (name == TABLE or name.startswith(f"{TABLE}_"))


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's include_name hook: the models' schema, without the search index."""
    return not (type_ == "table" and is_search_table(name))


def install(connection: Connection) -> None:
    """Create the index's structures (empty) on this connection's database."""
    statements = _POSTGRESQL if connection.dialect.name == "postgresql" else _SQLITE
    for statement in statements:
        connection.execute(text(statement))


def remove(connection: Connection) -> None:
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


@event.listens_for(db.metadata, "after_create")
def _install_after_create(target: MetaData, connection: Connection, **kw: Any) -> None:
    created = {table.name for table in kw.get("tables") or target.sorted_tables}
    if "proposal" in created:
        install(connection)


@event.listens_for(db.metadata, "before_drop")
def _remove_before_drop(target: MetaData, connection: Connection, **kw: Any) -> None:
    dropped = {table.name for table in kw.get("tables") or target.sorted_tables}
    if "proposal" in dropped:
        remove(connection)
