"""History tables the database itself keeps append-only: it refuses UPDATE and DELETE.

A row trigger on each table (SQLite, PostgreSQL) aborts the statement, so no code path,
script or console session can rewrite or erase the history. The migrations install the
triggers with install() and remove them with remove(), each naming its own tables (a
migration's list must not change with this module); the tables the models create
(db.create_all: the test suite, scratch databases) get them from the listener below.

A table joins by adding its name to APPEND_ONLY_TABLES and calling install() for it in
the migration that creates it.

Not covered, on purpose: DROP TABLE, and TRUNCATE on PostgreSQL (row triggers do not fire
for it). Both are the schema owner's operations, which the app never issues; the test
suite empties its tables between tests with them.

SQLite drops a table's triggers with the table: a migration that rebuilds one of these
tables in batch mode (copy, drop, rename) must call install() for it again afterwards. A
migration that must fill a new column of one of them lifts the triggers with remove()
around its UPDATE and puts them back with install().
"""

from collections.abc import Iterable

from sqlalchemy import Connection, event, text

from .extensions import db

APPEND_ONLY_TABLES = (
    "status_change",
    "record_change",
    "account_change",
    "audit_entry",
    "conflict_of_interest",
)

_PG_FUNCTION = "refuse_history_change"


def _sqlite_create(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{op.lower()}" BEFORE {op} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        for op in ("UPDATE", "DELETE")
    ]


def _sqlite_drop(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_no_{op}"' for op in ("update", "delete")]


def _pg_function() -> str:
    # restrict_violation (SQLSTATE 23001): an integrity error, as SQLite's RAISE(ABORT) is.
    return f"""
        CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'restrict_violation';
        END
        $$
    """


def _pg_drop_unused_function() -> str:
    # Another migration's tables may still use it.
    return f"""
        DO $$ BEGIN
            IF to_regproc('{_PG_FUNCTION}') IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM pg_trigger WHERE tgfoid = to_regproc('{_PG_FUNCTION}')
            ) THEN
                DROP FUNCTION {_PG_FUNCTION}();
            END IF;
        END $$
    """


def _pg_create(table: str) -> list[str]:
    return [
        *_pg_drop(table),
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
    ]


def _pg_drop(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"']


def install(connection: Connection, tables: Iterable[str]) -> None:
    """Make these tables refuse UPDATE and DELETE (idempotent)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text(_pg_function()))
        statements = [s for table in tables for s in _pg_create(table)]
    elif dialect == "sqlite":
        statements = [s for table in tables for s in _sqlite_create(table)]
    else:
        raise NotImplementedError(f"append-only triggers for {dialect}")
    for statement in statements:
        connection.execute(text(statement))


def remove(connection: Connection, tables: Iterable[str]) -> None:
    """Let these tables be changed again (on PostgreSQL the function goes with its last use)."""
    dialect = connection.dialect.name
    drop = _pg_drop if dialect == "postgresql" else _sqlite_drop
    for table in tables:
        for statement in drop(table):
            connection.execute(text(statement))
    if dialect == "postgresql":
        connection.execute(text(_pg_drop_unused_function()))


@event.listens_for(db.metadata, "after_create")
def _install_after_create(target, connection: Connection, **kw) -> None:
    created = {table.name for table in kw.get("tables") or target.sorted_tables}
    install(connection, [name for name in APPEND_ONLY_TABLES if name in created])
