"""Correcting and removing an experiment's expenses and participation records (staff)."""

from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import NeedsConfirmation
from ..forms.confirm import ConfirmForm, ask_again, is_confirmed
from ..forms.pilots import ExpenseForm, ParticipationForm
from ..i18n import code_label, money, number
from ..models import Expense, Experiment, Participation
from ..models.experiment import RecordAction, RecordChange, RecordKind
from ..services import corrections
from ..services.experiments import experiment_or_404, may_record
from .forms import rerender_status, saved
from .guards import SIGNED_IN, allow
from .pilots import ID, bp, confirm_overspending, warn_if_overspent

# The kinds of record in the address: its kind, form, form prefix and the page's section.
KINDS = {
    "expenses": (RecordKind.EXPENSE, ExpenseForm, "expense"),
    "participation": (RecordKind.PARTICIPATION, ParticipationForm, "participation"),
}
RECORD = f"/{ID}/<any(expenses, participation):kind>/<id:record_id>"


def _record(experiment_id: int, kind: str, record_id: int):
    """The experiment (or 404), the kind's entry and the record of the experiment (or 404)."""
    experiment = experiment_or_404(experiment_id, current_user)
    record_kind, form_class, prefix = KINDS[kind]
    record = corrections.record_or_none(experiment, record_kind, record_id)
    if record is None:
        abort(404)
    return experiment, (record_kind, form_class, prefix), record


def _back(experiment: Experiment, kind: str):
    return redirect(url_for(".show", experiment_id=experiment.id, _anchor=kind), 303)


@bp.route(RECORD, methods=["GET", "POST"])
@allow(SIGNED_IN)
def correct_record(experiment_id: int, kind: str, record_id: int):
    """A record's own page: correct it (spending over the allocation is confirmed first), or
    go on to remove it."""
    experiment, (record_kind, form_class, prefix), record = _record(experiment_id, kind, record_id)
    if not may_record(experiment):
        return _back(experiment, kind)
    form = form_class(prefix=prefix, obj=record if request.method == "GET" else None)
    if request.method == "GET" and isinstance(record, Participation):
        form.category.data = record.category.value

    def save():
        if isinstance(record, Expense):
            return warn_if_overspent(
                experiment,
                corrections.correct_expense(
                    experiment,
                    record,
                    current_user,
                    form.values(),
                    over_allocation_confirmed=is_confirmed(form),
                ),
            )
        return corrections.correct_participation(experiment, record, current_user, form.values())

    try:
        if saved(form, save, _("The correction is saved.")):
            return _back(experiment, kind)
    except NeedsConfirmation as question:
        return confirm_overspending(experiment, form, question, request.path)
    return render_template(
        "pilots/record_form.html",
        experiment=experiment,
        proposal=experiment.proposal,
        kind=kind,
        record=record,
        form=form,
    ), rerender_status(form)


@bp.post(f"{RECORD}/remove")
@allow(SIGNED_IN)
def remove_record(experiment_id: int, kind: str, record_id: int):
    """Remove a record, once confirmed; the history keeps what it said."""
    experiment, (record_kind, _form, _prefix), record = _record(experiment_id, kind, record_id)
    form = ConfirmForm()
    if not (form.validate_on_submit() and is_confirmed(form)):
        ask_again(form)
        return render_template(
            "pilots/confirm_remove.html",
            experiment=experiment,
            proposal=experiment.proposal,
            kind=kind,
            record=record,
            form=form,
        )
    corrections.remove_record(experiment, record_kind, record, current_user)
    flash(
        _("The expense is removed.")
        if record_kind == RecordKind.EXPENSE
        else _("The participation record is removed."),
        "success",
    )
    return _back(experiment, kind)


# The history's field names as the forms label them.
FIELD_LABELS = {
    "date": _l("Date"),
    "amount": _l("Amount (EUR)"),
    "description": _l("What was bought"),
    "category": _l("Who took part"),
    "count": _l("Number of people"),
    "note": _l("Note"),
}


@bp.app_template_global()
def record_change_title(change: RecordChange) -> str:
    """What the history entry did, in words."""
    if change.kind == RecordKind.EXPENSE:
        if change.action == RecordAction.REMOVED:
            return _("Expense removed")
        return _("Expense corrected")
    if change.action == RecordAction.REMOVED:
        return _("Participation record removed")
    return _("Participation record corrected")


@bp.app_template_global()
def record_field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


@bp.app_template_global()
def record_value(name: str, value: object) -> str:
    """A value the history kept (JSON: ISO dates, decimal strings, codes), as people read it."""
    if value is None or value == "":
        return "–"
    if name == "date":
        return format_date(date.fromisoformat(str(value)))
    if name == "amount":
        return money(Decimal(str(value)))
    if name == "category":
        return code_label("ParticipationCategory", str(value))
    if name == "count":
        return number(Decimal(str(value)))
    return str(value)
