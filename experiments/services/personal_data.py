"""A person's own data, exported whole for them to download (/account/data.json)."""

import sqlalchemy as sa
from sqlalchemy import select

from ..extensions import Model, db
from ..jsonable import plain
from ..models import User
from ..models.types import utcnow

# Columns that are secrets or bookkeeping, never exported; and a proposal's review score and
# count, which are the staff's (applicants never see reviews).
_NOT_EXPORTED = {
    "review_score",
    "review_count",
    "password_hash",
    "totp_secret",
    "totp_last_step",
    "totp_failures",
    "totp_enrolment_nonce",
    "session_epoch",
    "token_hash",
}
# Tables whose rows are the person's only through these columns: feedback a staff member
# moderated holds the sender's contact details, which are not the moderator's data.
_OWNED_BY = {"experiment_feedback": ("user_id",)}


def personal_data(user: User) -> dict[str, object]:
    """Everything stored about the user, as JSON-ready data (GDPR art. 15 and 20)."""
    return {
        "exported_at": plain(utcnow()),
        "account": _row(user),
        "organisation": _row(user.organisation) if user.organisation else None,
        "second_factor_enabled": user.has_totp,
        "records": _records(user),
    }


def _records(user: User) -> dict[str, list[dict[str, object]]]:
    # Every row of every table that refers to the user (their proposals, the history entries
    # they made, reviews, evaluations, tokens …), found from the schema so that a new table
    # is exported without changes here.
    records: dict[str, list[dict[str, object]]] = {}
    for table in db.metadata.sorted_tables:
        columns = [
            fk.parent
            for fk in table.foreign_keys
            if fk.column.table.name == "user"
            and fk.parent.name in _OWNED_BY.get(table.name, (fk.parent.name,))
        ]
        if not columns or table.name == "user":
            continue
        rows = db.session.execute(
            select(table)
            .where(sa.or_(*(column == user.id for column in columns)))
            .order_by(*table.primary_key.columns)
        ).mappings()
        found = [
            {key: plain(value) for key, value in row.items() if key not in _NOT_EXPORTED}
            for row in rows
        ]
        if found:
            records[table.name] = found
    return records


def _row(obj: Model) -> dict[str, object]:
    mapper = sa.inspect(obj).mapper
    return {
        column.key: plain(getattr(obj, column.key))
        for column in mapper.column_attrs
        if column.key not in _NOT_EXPORTED
    }
