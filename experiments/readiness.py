"""Readiness: the database answers and its schema is at the newest migration."""

from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .extensions import db, migrate


@cache
def _heads(directory: str) -> frozenset[str]:
    """The migration scripts' heads (read once: the scripts do not change while serving)."""
    config = migrate.get_config(directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def unready_reason() -> str | None:
    """None when ready; else why not, in words an operator reads (no connection details)."""
    directory = current_app.extensions["migrate"].directory
    try:
        with db.engine.connect() as connection:
            applied = set(connection.execute(text("SELECT version_num FROM alembic_version")))
    except DBAPIError as error:
        if error.connection_invalidated or not _is_missing_table(error):
            return "database unreachable"
        return "schema not migrated"
    except SQLAlchemyError:
        return "database unreachable"
    versions = {row[0] for row in applied}
    if versions != _heads(directory):
        return "schema not at the latest migration"
    return None


def _is_missing_table(error: DBAPIError) -> bool:
    """No alembic_version table: the database answers, but no migration has been applied."""
    message = str(error.orig).lower()
    return "alembic_version" in message and (
        "no such table" in message or "does not exist" in message
    )
