"""Managers' programme settings: the period, each year's budget, the calls for proposals."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import TypedDict

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Invalid, StaleVersion
from ..extensions import db
from ..i18n import money
from ..models import REVIEW_CRITERIA, Call, Programme, ProgrammeYear
from ..rules import (
    ANNUAL_BUDGET_MAX,
    NAME_MAX,
    PROGRAMME_TEXT_MAX,
    PROGRAMME_YEAR_MAX,
    PROGRAMME_YEAR_MIN,
    SCORE_MAX,
    SCORE_MIN,
    WEIGHT_MAX,
    WEIGHT_MIN,
)
from ..statistics import budget_years
from .inputs import Fields, whole_number_message
from .transaction import unit_of_work

# A period this long is a typing mistake, not a programme (and a page of budget rows).
MAX_YEARS = 20


class ProgrammeValues(TypedDict, total=False):
    """A programme's fields as the form gives them; a field left out counts as empty."""

    name: str | None
    description: str | None
    start_year: int | None
    end_year: int | None
    annual_budget: Decimal | None
    # The years the manager saw, each its own budget or None for the common annual one.
    budgets: dict[int, Decimal | None]
    version: int | None


class CallValues(TypedDict, total=False):
    """A call's fields as the form gives them; a field left out counts as empty."""

    title: str | None
    description: str | None
    opens_on: date | None
    closes_on: date | None
    # weight_<criterion> (0–10) and minimum_<criterion> (1–5 or empty), each criterion of
    # REVIEW_CRITERIA; left out, they stay as they are (new calls: weight 1, no minimum).


def programmes() -> list[Programme]:
    """Every programme, newest period first, with its years and calls loaded."""
    return list(
        db.session.scalars(
            select(Programme)
            .options(selectinload(Programme.years), selectinload(Programme.calls))
            .order_by(Programme.end_year.desc(), Programme.name)
        )
    )


def create_programme(values: ProgrammeValues) -> Programme:
    """Create a programme with a budget row for every year of its period; raises Invalid."""
    programme = Programme()
    with _programme_saved():
        _apply_programme(programme, values)
        db.session.add(programme)
    return programme


def update_programme(programme: Programme, values: ProgrammeValues) -> Programme:
    """Change the period, budgets and texts; raises Invalid (a removed year has pilots,
    a budget below what is allocated, a call outside the new period)."""
    if values.get("version") is not None and values["version"] != programme.version:
        raise StaleVersion(_stale_message())
    # Touch every year row first: this takes the rows' locks that budget.allocate takes,
    # so an allocation running now either finishes before our checks or waits for them.
    # A refusal releases the locks and forgets the half-applied change.
    try:
        with _programme_saved():
            for row in programme.years:
                row.allocation_serial += 1
            db.session.flush()
            _apply_programme(programme, values)
            # Every save updates the programme's row, budgets only too: its version is
            # checked and bumped, so a concurrent editor is told rather than overwritten.
            flag_modified(programme, "name")
    except StaleDataError as error:
        raise StaleVersion(_stale_message()) from error
    return programme


def _stale_message() -> str:
    return _(
        "Someone else changed this programme while you were editing it. Reload the "
        "page to see the current version."
    )


def _apply_programme(programme: Programme, values: ProgrammeValues) -> None:
    fields = Fields()
    name, description = _texts(fields, "name", values, _("Give the programme a name."))
    if name and _name_taken(name, programme):
        fields.fail("name", _("Another programme already has this name."))
    start = _year(
        fields, "start_year", values.get("start_year"), _("Give the first year of the period.")
    )
    end = _year(fields, "end_year", values.get("end_year"), _("Give the last year of the period."))
    if start is not None and end is not None:
        if end < start:
            fields.fail("end_year", _("The last year cannot be before the first year."))
        elif end - start + 1 > MAX_YEARS:
            fields.fail("end_year", _("A programme lasts at most %(n)d years.", n=MAX_YEARS))
    fields.raise_if_any()
    # Each is None only where its field failed, and raise_if_any refused any that failed.
    assert start is not None and end is not None

    period = range(start, end + 1)
    budgets = _budgets(values, period, {row.year: row for row in programme.years})
    if programme.id is not None:
        _check_removed_years(programme, period)
        _check_calls(programme.calls, period)

    programme.name = name
    programme.description = description
    programme.start_year, programme.end_year = start, end
    kept = [row for row in programme.years if row.year in period]
    have = {row.year for row in kept}
    for row in kept:
        row.annual_budget = budgets[row.year]
    programme.years = kept + [
        ProgrammeYear(year=y, annual_budget=budgets[y]) for y in period if y not in have
    ]
    if programme.id is not None:
        _check_allocated(programme)


def _texts(
    fields: Fields, key: str, values: ProgrammeValues | CallValues, missing: str
) -> tuple[str, str]:
    """A programme's name or a call's title (one line, required), and its description."""
    name = fields.text(
        key, values.get(key), max_length=NAME_MAX, required=True, message=missing, one_line=True
    )
    description = fields.text(
        "description", values.get("description"), max_length=PROGRAMME_TEXT_MAX
    )
    return name, description


def _name_taken(name: str, programme: Programme) -> bool:
    """Whether another programme has this name, in any letter case."""
    taken = select(Programme.id).where(
        func.lower(Programme.name) == name.lower(), Programme.id != programme.id
    )
    return db.session.scalar(taken) is not None


def _year(fields: Fields, field: str, value: object, missing: str) -> int | None:
    """A year of the programme's period, PROGRAMME_YEAR_MIN to PROGRAMME_YEAR_MAX."""
    if fields.missing(value):
        fields.fail(field, missing)
        return None
    low, high = PROGRAMME_YEAR_MIN, PROGRAMME_YEAR_MAX
    return fields.integer(
        field, value, low, high, _("Give a year from %(min)d to %(max)d.", min=low, max=high)
    )


def _budgets(
    values: ProgrammeValues, period: range, existing: dict[int, ProgrammeYear]
) -> dict[int, Decimal]:
    """Each year's budget: its own row's, else the common annual budget; raises Invalid."""
    fields = Fields()
    given = {
        year: fields.money(
            _budget_key(year), amount, minimum=Decimal(0), maximum=ANNUAL_BUDGET_MAX, required=False
        )
        for year, amount in (values.get("budgets") or {}).items()
        if year in period
    }
    default = fields.money(
        "annual_budget",
        values.get("annual_budget"),
        minimum=Decimal(0),
        maximum=ANNUAL_BUDGET_MAX,
        required=False,
    )
    fields.raise_if_any()
    budgets: dict[int, Decimal] = {}
    for year in period:
        if year in given:  # a row the manager saw: emptied means "use the common budget"
            amount = given[year] if given[year] is not None else default
        else:
            kept = existing.get(year)
            amount = kept.annual_budget if kept is not None else default
        if amount is None:
            fields.fail("annual_budget", _("Give the annual budget for %(year)d.", year=year))
        else:
            budgets[year] = amount
    fields.raise_if_any()
    return budgets


def _budget_key(year: int) -> str:
    """The error key of one year's budget row (the view puts it on that row's field)."""
    return f"budget_{year}"


def _check_removed_years(programme: Programme, period: range) -> None:
    errors: dict[str, list[str]] = {}
    for budget in budget_years(programme.id):
        if budget.year in period or not budget.pilots:
            continue
        amount, pilots = budget.allocated, budget.pilots
        field = "start_year" if budget.year < period.start else "end_year"
        errors.setdefault(field, []).append(
            ngettext(
                "%(year)d cannot be removed from the period: %(num)d pilot starting that "
                "year has %(amount)s allocated.",
                "%(year)d cannot be removed from the period: %(num)d pilots starting that "
                "year have %(amount)s allocated.",
                pilots,
                year=budget.year,
                amount=money(amount),
            )
        )
    if errors:
        raise Invalid(errors)


def _check_calls(calls: list[Call], period: range) -> None:
    outside = [c for c in calls if c.opens_on.year not in period or c.closes_on.year not in period]
    if outside:
        raise Invalid(
            {
                "start_year" if outside[0].opens_on.year < period.start else "end_year": [
                    _(
                        "The call “%(call)s” (%(opens)s – %(closes)s) would fall outside "
                        "the period; change the call first.",
                        call=c.title,
                        opens=c.opens_on.isoformat(),
                        closes=c.closes_on.isoformat(),
                    )
                    for c in outside
                ]
            }
        )


def _check_allocated(programme: Programme) -> None:
    """Refuse a year's budget below what its pilots already have (the year's rows are locked)."""
    db.session.flush()
    errors = {
        _budget_key(budget.year): [
            _(
                "%(amount)s is already allocated to pilots starting in %(year)d; "
                "the budget cannot be less.",
                amount=money(budget.allocated),
                year=budget.year,
            )
        ]
        for budget in budget_years(programme.id)
        if budget.annual < budget.allocated
    }
    if errors:
        raise Invalid(errors)


def create_call(programme: Programme, values: CallValues) -> Call:
    """Add a call for proposals within the programme's period; raises Invalid."""
    call = Call()
    with unit_of_work():
        _apply_call(call, programme, values)
        call.programme = programme
        db.session.add(call)
    return call


def update_call(call: Call, values: CallValues) -> Call:
    """Change a call's title, description or dates; raises Invalid."""
    with unit_of_work():
        _apply_call(call, call.programme, values)
    return call


def _apply_call(call: Call, programme: Programme, values: CallValues) -> None:
    fields = Fields()
    title, description = _texts(fields, "title", values, _("Give the call a title."))
    opens = values.get("opens_on")
    closes = values.get("closes_on")
    period = _("%(start)d–%(end)d", start=programme.start_year, end=programme.end_year)
    if opens is None:
        fields.fail("opens_on", _("Give the opening date."))
    elif not programme.start_year <= opens.year <= programme.end_year:
        fields.fail(
            "opens_on",
            _("The call must open within the programme period (%(period)s).", period=period),
        )
    if closes is None:
        fields.fail("closes_on", _("Give the closing date."))
    elif opens is not None and closes < opens:
        fields.fail("closes_on", _("The call must close on or after the day it opens."))
    elif not programme.start_year <= closes.year <= programme.end_year:
        fields.fail(
            "closes_on",
            _("The call must close within the programme period (%(period)s).", period=period),
        )
    scoring = _scoring(fields, values)
    fields.raise_if_any()
    # Each is None only where its field failed, and raise_if_any refused any that failed.
    assert opens is not None and closes is not None
    call.title = title
    call.description = description
    call.opens_on, call.closes_on = opens, closes
    for name, value in scoring.items():
        setattr(call, name, value)


def _scoring(fields: Fields, values: CallValues) -> dict[str, int | None]:
    """The criteria's weights (WEIGHT_MIN–WEIGHT_MAX, not all zero) and minimum mean scores
    (SCORE_MIN–SCORE_MAX, or none) that values gives."""
    given: Mapping[str, object] = values
    scoring: dict[str, int | None] = {}
    weight_message = whole_number_message(WEIGHT_MIN, WEIGHT_MAX)
    minimum_message = _(
        "Give a whole number from %(low)d to %(high)d, or leave it empty.",
        low=SCORE_MIN,
        high=SCORE_MAX,
    )
    for c in REVIEW_CRITERIA:
        if f"weight_{c}" in given:
            scoring[f"weight_{c}"] = fields.integer(
                f"weight_{c}", given[f"weight_{c}"], WEIGHT_MIN, WEIGHT_MAX, weight_message
            )
        if f"minimum_{c}" in given:
            scoring[f"minimum_{c}"] = fields.integer(
                f"minimum_{c}",
                given[f"minimum_{c}"],
                SCORE_MIN,
                SCORE_MAX,
                minimum_message,
                required=False,
            )
    weights = [scoring.get(f"weight_{c}") for c in REVIEW_CRITERIA if f"weight_{c}" in given]
    if len(weights) == len(REVIEW_CRITERIA) and all(w == 0 for w in weights):
        fields.fail(
            f"weight_{REVIEW_CRITERIA[0]}", _("At least one criterion must weigh more than 0.")
        )
    return scoring


@contextmanager
def _programme_saved() -> Iterator[None]:
    """One unit of work; a name taken meanwhile by a concurrent request is a field error."""
    try:
        with unit_of_work():
            yield
    except IntegrityError as error:
        raise Invalid({"name": [_("Another programme already has this name.")]}) from error
