"""A safety net for the statistics cache: the app's commits that write counted data must
replace the statistics token (services.transaction.unit_of_work does).

Production replaces the token explicitly; here every statement is watched, and a commit
made by the app's code that wrote a counted table without replacing the token fails the
test that made it. Commits made by test code itself (builders, setup) are not checked.
"""

import re
import sys
from pathlib import Path

import alembic
from sqlalchemy import event
from sqlalchemy.engine import Engine

import experiments

_APP = str(Path(experiments.__file__).parent)
# Migrations run between releases, while no worker serves (and so caches nothing).
_MIGRATIONS = str(Path(alembic.__file__).parent)
# Written only by work that is not counted: accounts (and their changes), tokens, the mail
# outbox, and the token itself.
UNCOUNTED = frozenset(
    {
        "statistics_generation",
        "user",
        "account_change",
        "api_token",
        "mail_message",
        "alembic_version",
        "audit_entry",
        # E-mail subscriptions to an experiment's updates: people, not figures.
        "experiment_subscription",
        # The search index: derived from the rows, it counts nothing.
        "search_document",
    }
)
_WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE
)
_WROTE, _REPLACED = "guard_wrote", "guard_replaced"


@event.listens_for(Engine, "before_cursor_execute")
def _watch(conn, cursor, statement, parameters, context, executemany):
    match = _WRITE.match(statement)
    if match is None:
        return
    table = match.group(1).lower()
    if table == "statistics_generation":
        conn.info[_REPLACED] = True
    elif table not in UNCOUNTED:
        conn.info.setdefault(_WROTE, table)


@event.listens_for(Engine, "commit")
def _check(conn):
    wrote, replaced = conn.info.pop(_WROTE, None), conn.info.pop(_REPLACED, False)
    if wrote and not replaced and _made_by_the_app():
        raise AssertionError(
            f"the app committed a write to {wrote!r} without replacing the statistics token: "
            "commit through services.transaction.unit_of_work"
        )


@event.listens_for(Engine, "rollback")
def _forget(conn):
    conn.info.pop(_WROTE, None)
    conn.info.pop(_REPLACED, None)


def _made_by_the_app() -> bool:
    frame, app = sys._getframe(2), False
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_MIGRATIONS):
            return False
        app = app or filename.startswith(_APP)
        frame = frame.f_back
    return app
