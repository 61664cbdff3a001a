"""Who took part in an experiment: recording participation, and its totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TypedDict

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import FieldConflict, Invalid
from ..extensions import db
from ..i18n import number
from ..models import Experiment, Participation, User
from ..rules import COUNT_MAX, NOTE_MAX
from ..vocabulary import ParticipationCategory
from .experiments import check_recording
from .inputs import Fields
from .transaction import transactional

ROWS_MAX = 5_000


@transactional
def record_participation(
    experiment: Experiment, actor: User, rows: Sequence[object]
) -> list[Participation]:
    """Save records all or none; raises Invalid keyed by field for one record, "row N" for more."""
    check_recording(experiment, actor)
    if not isinstance(rows, list | tuple) or not rows:
        raise Invalid({"rows": [_("Give at least one participation record.")]})
    if len(rows) > ROWS_MAX:
        raise Invalid({"rows": [too_many_rows()]})
    records = participation_records(
        experiment, list(enumerate(rows, start=1)), by_row=len(rows) > 1
    )
    db.session.add_all(records)
    return records


def too_many_rows() -> str:
    """The message refusing more than ROWS_MAX rows at once."""
    return _("At most %(n)s rows at a time; split the file.", n=number(ROWS_MAX))


def participation_records(
    experiment: Experiment,
    numbered: Sequence[tuple[int, object]],
    *,
    by_row: bool,
    errors: Mapping[str, list[str]] | None = None,
) -> list[Participation]:
    """The records for the numbered rows; raises Invalid naming every bad row (FieldConflict
    for one record whose only fault is its date before the pilot's start)."""
    errors = dict(errors or {})
    malformed = by_row or bool(errors)
    records: list[Participation] = []
    for row_number, row in numbered:
        fields = Fields()
        record = _record(experiment, row, fields)
        problems = fields.all_errors()
        if record is not None:
            records.append(record)
        elif by_row:
            errors[f"row {row_number}"] = [
                f"{field}: {message}"
                for field, messages in problems.items()
                for message in messages
            ]
        else:
            errors.update(problems)
        malformed = malformed or bool(fields.errors)
    if errors:
        refusal = Invalid if malformed else FieldConflict
        raise refusal(
            dict(sorted(errors.items(), key=_row_order)),
            ngettext(
                "%(num)d row has errors; nothing was saved.",
                "%(num)d rows have errors; nothing was saved.",
                len(errors),
            )
            if by_row
            else "",
        )
    return records


def _record(experiment: Experiment, row: object, fields: Fields) -> Participation | None:
    """One row's record, or None with its problems in fields."""
    values = _read_record(row, fields)
    when = values.get("date")
    if when is not None and when < experiment.start_date:
        fields.conflict(
            "date",
            _(
                "The date is before the pilot started (%(start)s).",
                start=format_date(experiment.start_date),
            ),
        )
    if fields.errors or fields.conflicts:
        return None
    return Participation(experiment_id=experiment.id, **values)


class ParticipationValues(TypedDict, total=False):
    """One record's checked values: none of them for a row that is no mapping."""

    date: date | None
    category: ParticipationCategory | None
    count: int | None
    note: str


def participation_values(row: Mapping[str, object]) -> ParticipationValues:
    """One record's date, category, count and note, checked as far as they can be without
    the experiment; raises Invalid naming each wrong field."""
    fields = Fields()
    values = _read_record(row, fields)
    fields.raise_if_any()
    return values


def _read_record(row: object, fields: Fields) -> ParticipationValues:
    """One row's values; what is wrong goes to fields."""
    if not isinstance(row, dict):
        fields.fail("row", _("Give date, category, count and note."))
        return {}
    return {
        "date": fields.date("date", row.get("date")),
        "category": fields.choice("category", row.get("category"), ParticipationCategory),
        "count": fields.integer(
            "count",
            row.get("count"),
            1,
            COUNT_MAX,
            _("Enter a whole number from 1 to %(max)s.", max=number(COUNT_MAX)),
        ),
        "note": fields.text("note", row.get("note"), max_length=NOTE_MAX, one_line=True),
    }


def _row_order(item: tuple[str, list[str]]) -> tuple[int, int | str]:
    key = item[0]
    return (0, int(key[4:])) if key.startswith("row ") and key[4:].isdigit() else (1, key)


def participation_totals(experiment: Experiment) -> dict[ParticipationCategory, int]:
    """People who took part, per category (every category present, zero if none)."""
    rows = db.session.execute(
        select(Participation.category, func.sum(Participation.count))
        .where(Participation.experiment_id == experiment.id)
        .group_by(Participation.category)
    ).all()
    totals = {category: 0 for category in ParticipationCategory}
    totals.update({ParticipationCategory(c): int(n or 0) for c, n in rows})
    return totals


def recent_participation(
    experiment: Experiment, limit: int = 100
) -> tuple[Sequence[Participation], int | None]:
    """The latest records (newest first) and how many there are in all."""
    total = db.session.scalar(
        select(func.count()).where(Participation.experiment_id == experiment.id)
    )
    rows = db.session.scalars(
        select(Participation)
        .where(Participation.experiment_id == experiment.id)
        .order_by(Participation.date.desc(), Participation.id.desc())
        .limit(limit)
    ).all()
    return rows, total
