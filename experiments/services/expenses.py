"""Money an experiment spends: recording expenses, and spending against the allocation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import NeedsConfirmation
from ..extensions import db
from ..i18n import money
from ..models import Expense, Experiment, User
from ..rules import DESCRIPTION_MAX
from .experiments import check_recording
from .inputs import Fields
from .transaction import transactional


@transactional
def record_expense(
    experiment: Experiment,
    actor: User,
    *,
    date: object,
    amount: object,
    description: object,
    over_allocation_confirmed: bool = False,
) -> Expense:
    """Record money spent on the experiment; raises Invalid for a bad date, amount or text,
    NeedsConfirmation when it takes spending over the allocation unconfirmed."""
    check_recording(experiment, actor)
    values = expense_values({"date": date, "amount": amount, "description": description})
    check_allocation(experiment, _amount(values), over_allocation_confirmed)
    expense = Expense(experiment_id=experiment.id, **values)
    db.session.add(expense)
    return expense


def expense_values(values: Mapping[str, object]) -> dict[str, object]:
    """An expense's date, amount and description, each checked; raises Invalid naming each
    wrong field."""
    fields = Fields()
    checked: dict[str, object] = {
        "date": fields.date("date", values.get("date")),
        "amount": fields.money("amount", values.get("amount")),
        "description": fields.text(
            "description",
            values.get("description"),
            max_length=DESCRIPTION_MAX,
            required=True,
            message=_("Describe the expense."),
            one_line=True,
        ),
    }
    fields.raise_if_any()
    return checked


def check_allocation(experiment: Experiment, more: Decimal, confirmed: bool) -> None:
    """Raises NeedsConfirmation when spending `more` takes the experiment over its allocation
    and the person has not confirmed it: a pilot may overspend, but not by a slip."""
    if confirmed or more <= 0:
        return
    now = spending(experiment)
    after = now.spent + more
    if after > now.allocated:
        raise NeedsConfirmation(
            _(
                "With this, %(spent)s is spent of the %(allocated)s allocated: %(over)s over "
                "the allocation.",
                spent=money(after),
                allocated=money(now.allocated),
                over=money(after - now.allocated),
            )
        )


def _amount(values: Mapping[str, object]) -> Decimal:
    amount = values["amount"]
    assert isinstance(amount, Decimal)  # expense_values refused anything else
    return amount


@dataclass(frozen=True)
class Spending:
    allocated: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def over(self) -> bool:
        return self.spent > self.allocated


def spending(experiment: Experiment) -> Spending:
    """Allocated budget against the sum of the experiment's expenses."""
    spent = db.session.scalar(
        select(func.coalesce(func.sum(Expense.amount), 0)).where(
            Expense.experiment_id == experiment.id
        )
    )
    return Spending(experiment.allocated_budget, Decimal(spent or 0).quantize(Decimal("0.01")))
