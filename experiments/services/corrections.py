"""Correcting and removing an experiment's expenses and participation records.

Each correction or removal appends a RecordChange in the same transaction: what the record
said before (and after), who changed it and when, so that the history keeps every figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..errors import NotAllowed
from ..extensions import db
from ..jsonable import plain
from ..models import Expense, Experiment, Participation, RecordChange, User
from ..models.experiment import RecordAction, RecordKind
from ..models.written import writing_language
from .expenses import check_allocation, expense_values
from .experiments import check_recording
from .participation import participation_records
from .transaction import transactional

Record = Expense | Participation
# The fields a person may correct, and that the history keeps, per kind of record.
FIELDS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.EXPENSE: ("date", "amount", "description"),
    RecordKind.PARTICIPATION: ("date", "category", "count", "note"),
}
MODELS: dict[RecordKind, type[Expense] | type[Participation]] = {
    RecordKind.EXPENSE: Expense,
    RecordKind.PARTICIPATION: Participation,
}


def record_or_none(experiment: Experiment, kind: RecordKind, record_id: int) -> Record | None:
    """The experiment's record of this kind and id, or None (another experiment's too)."""
    model = MODELS[kind]
    record = db.session.scalar(
        select(model).where(model.id == record_id, model.experiment_id == experiment.id)
    )
    return record if isinstance(record, Expense | Participation) else None


@transactional
def correct_expense(
    experiment: Experiment,
    expense: Expense,
    actor: User,
    values: Mapping[str, object],
    *,
    over_allocation_confirmed: bool = False,
) -> Expense:
    """Correct an expense; raises Invalid, NotAllowed, Conflict, or NeedsConfirmation when
    the correction takes spending over the allocation unconfirmed."""
    _check(experiment, expense, actor)
    checked = expense_values(values)
    amount = checked["amount"]
    assert isinstance(amount, Decimal)  # expense_values refused anything else
    check_allocation(experiment, amount - expense.amount, over_allocation_confirmed)
    _change(experiment, RecordKind.EXPENSE, expense, actor, checked)
    return expense


@transactional
def correct_participation(
    experiment: Experiment, record: Participation, actor: User, values: Mapping[str, object]
) -> Participation:
    """Correct a participation record as it would be recorded anew; raises Invalid (or
    FieldConflict for a date before the pilot's start), NotAllowed or Conflict."""
    _check(experiment, record, actor)
    (checked,) = participation_records(experiment, [(1, dict(values))], by_row=False)
    _change(
        experiment,
        RecordKind.PARTICIPATION,
        record,
        actor,
        {name: getattr(checked, name) for name in FIELDS[RecordKind.PARTICIPATION]},
    )
    return record


@transactional
def remove_record(experiment: Experiment, kind: RecordKind, record: Record, actor: User) -> None:
    """Remove an expense or participation record, keeping its values in the history."""
    _check(experiment, record, actor)
    db.session.add(
        RecordChange(
            experiment_id=experiment.id,
            kind=kind,
            record_id=record.id,
            action=RecordAction.REMOVED,
            changes={name: [plain(getattr(record, name)), None] for name in FIELDS[kind]},
            actor=actor,
        )
    )
    db.session.delete(record)


def history(experiment: Experiment) -> list[RecordChange]:
    """The experiment's corrections and removals, newest first."""
    return list(
        db.session.scalars(
            select(RecordChange)
            .where(RecordChange.experiment_id == experiment.id)
            .options(joinedload(RecordChange.actor))
            .order_by(RecordChange.id.desc())
        )
    )


def _check(experiment: Experiment, record: Record, actor: User) -> None:
    check_recording(experiment, actor)
    if record.experiment_id != experiment.id:
        raise NotAllowed(_("The record belongs to another experiment."))


def _change(
    experiment: Experiment,
    kind: RecordKind,
    record: Record,
    actor: User,
    values: Mapping[str, object],
) -> None:
    """Write the values that differ, and the history entry that keeps both sides."""
    changes = {
        name: [plain(getattr(record, name)), plain(value)]
        for name, value in values.items()
        if getattr(record, name) != value
    }
    if not changes:
        return
    for name, value in values.items():
        setattr(record, name, value)
    record.language = writing_language()  # the texts are the latest writer's
    db.session.add(
        RecordChange(
            experiment_id=experiment.id,
            kind=kind,
            record_id=record.id,
            action=RecordAction.CORRECTED,
            changes=changes,
            actor=actor,
        )
    )
