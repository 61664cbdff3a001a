"""Steering a programme with its scorecard: goals, follow-ups and programme risks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Invalid, NotAllowed
from ..extensions import db
from ..lifecycle import Role
from ..models import GoalFollowUp, Programme, ProgrammeGoal, ProgrammeRisk, User
from ..models.scorecard import MANUAL_METRIC, GoalDirection
from ..models.types import utcnow
from ..rules import FIGURE_MAX, GOAL_TEXT_MAX, REASON_MAX, UNIT_MAX
from ..scorecard import METRIC_BY_CODE, METRIC_CODES, StatisticsCache, computed_value
from ..vocabulary import RiskStatus
from .clock import today
from .inputs import Fields, exponent, to_decimal
from .risks import assessed, risk_values
from .transaction import transactional, unit_of_work

Code = TypeVar("Code", bound=StrEnum)


def _require_manager(actor: User) -> None:
    if actor is None or actor.role != Role.MANAGER:
        raise NotAllowed(_("Only programme managers may change the scorecard."))


def _figure(fields: Fields, name: str, value: object, *, required: bool) -> Decimal | None:
    """A number with at most two decimals, zero or more; a comma may be the decimal mark."""
    if fields.missing(value):
        if required:
            fields.fail(name, _("This is required."))
        return None
    figure = to_decimal(value)
    if figure is None:
        fields.fail(name, _("Enter a number, e.g. 150 or 12.5."))
    elif figure < 0 or figure > FIGURE_MAX:
        fields.fail(name, _("Enter a number that is zero or more."))
    elif exponent(figure) < -2:
        fields.fail(name, _("Use at most two decimals."))
    else:
        return figure
    return None


def _date(fields: Fields, name: str, value: object) -> date | None:
    if not isinstance(value, date):
        fields.fail(name, _("Enter a date, e.g. 31.12.2019."))
        return None
    return value


def _code(vocabulary: type[Code], value: object) -> Code:
    """The code of the list that value names; raises ValueError for any other value."""
    if not isinstance(value, str):
        raise ValueError(value)
    return vocabulary(value)


def programme_period(programme: Programme) -> tuple[date, date]:
    """The first and last day of the programme's years."""
    return date(programme.start_year, 1, 1), date(programme.end_year, 12, 31)


def _goal_values(
    programme: Programme, values: Mapping[str, object], goal: ProgrammeGoal | None
) -> dict[str, object]:
    """Check a goal's fields; raises Invalid naming every bad field."""
    fields = Fields()
    clean: dict[str, object] = {
        "text_fi": fields.text(
            "text_fi", values.get("text_fi"), max_length=GOAL_TEXT_MAX, required=True
        ),
        "text_sv": fields.text("text_sv", values.get("text_sv"), max_length=GOAL_TEXT_MAX),
        "text_en": fields.text("text_en", values.get("text_en"), max_length=GOAL_TEXT_MAX),
        "unit": fields.text("unit", values.get("unit"), max_length=UNIT_MAX, one_line=True),
        "target": _figure(fields, "target", values.get("target"), required=True),
    }
    metric = values.get("metric")
    if not isinstance(metric, str) or metric not in METRIC_CODES:
        fields.fail(
            "metric",
            _("Unknown metric “%(code)s”: choose one from the list.", code=str(metric or "")),
        )
    clean["metric"] = metric
    try:
        clean["direction"] = _code(GoalDirection, values.get("direction") or GoalDirection.AT_LEAST)
    except ValueError:
        fields.fail("direction", _("Choose whether the target is a minimum or a maximum."))
    start = _date(fields, "period_start", values.get("period_start"))
    end = _date(fields, "period_end", values.get("period_end"))
    if start and end:
        _check_goal_period(fields, programme, goal, start, end)
    if (
        goal is not None
        and goal.follow_ups
        and metric != goal.metric
        and "metric" not in fields.errors
    ):
        fields.fail(
            "metric",
            _(
                "The goal already has follow-ups: its metric can no longer change. "
                "Define a new goal instead."
            ),
        )
    fields.raise_if_any(_("The goal was not saved."))
    clean.update(period_start=start, period_end=end)
    return clean


def _check_goal_period(
    fields: Fields, programme: Programme, goal: ProgrammeGoal | None, start: date, end: date
) -> None:
    """A goal's period: within the programme's years, around every follow-up it has."""
    first, last = programme_period(programme)
    if end < start:
        fields.fail("period_end", _("The period must end on or after its start."))
    elif start < first or end > last:
        fields.fail(
            "period_start",
            _(
                "The period must lie within the programme's years %(start)d–%(end)d.",
                start=programme.start_year,
                end=programme.end_year,
            ),
        )
    elif goal is not None:
        outside = [f.date for f in goal.follow_ups if not start <= f.date <= end]
        if outside:
            fields.fail(
                "period_start",
                _(
                    "The goal has follow-ups outside this period (%(dates)s).",
                    dates=", ".join(format_date(d) for d in outside),
                ),
            )


@transactional
def create_goal(programme: Programme, actor: User, values: Mapping[str, object]) -> ProgrammeGoal:
    """Add a goal to the programme's scorecard; raises NotAllowed or Invalid."""
    _require_manager(actor)
    clean = _goal_values(programme, values, None)
    last = db.session.scalar(
        select(ProgrammeGoal.position)
        .where(ProgrammeGoal.programme_id == programme.id)
        .order_by(ProgrammeGoal.position.desc())
        .limit(1)
    )
    goal = ProgrammeGoal(programme=programme, position=(last or 0) + 1, **clean)
    db.session.add(goal)
    return goal


@transactional
def update_goal(goal: ProgrammeGoal, actor: User, values: Mapping[str, object]) -> ProgrammeGoal:
    """Change a goal's text, target, unit or period; raises NotAllowed, Conflict or Invalid."""
    _require_manager(actor)
    _require_current(goal)
    clean = _goal_values(goal.programme, values, goal)
    for name, value in clean.items():
        setattr(goal, name, value)
    return goal


@transactional
def retire_goal(goal: ProgrammeGoal, actor: User) -> None:
    """Take a goal off the current scorecard; it and its follow-ups stay stored with the
    trail. Raises NotAllowed, or Conflict when it is retired already."""
    _require_manager(actor)
    _require_current(goal)
    goal.retired_at = utcnow()
    goal.retired_by_id = actor.id


def _require_current(goal: ProgrammeGoal) -> None:
    if goal.retired_at is not None:
        raise Conflict(_("The goal is retired: it is no longer on the scorecard."))


def add_follow_up(
    goal: ProgrammeGoal,
    actor: User,
    values: Mapping[str, object],
    cache: StatisticsCache | None = None,
) -> GoalFollowUp:
    """Record the goal's state on a date, a computed value as now; raises NotAllowed, Invalid."""
    # Refused: a date outside the period, in the future or already followed up; a manual
    # value missing. Later records never change the value saved here.
    _require_manager(actor)
    _require_current(goal)
    fields = Fields()
    on = _date(fields, "date", values.get("date"))
    if on is not None:
        if not goal.period_start <= on <= goal.period_end:
            fields.fail(
                "date",
                _(
                    "The date must lie within the goal's period %(start)s–%(end)s.",
                    start=format_date(goal.period_start),
                    end=format_date(goal.period_end),
                ),
            )
        elif on > today():
            fields.fail("date", _("A follow-up cannot be dated in the future."))
        elif any(f.date == on for f in goal.follow_ups):
            fields.fail("date", _("The goal already has a follow-up on this date."))
    status = _status(fields, values.get("status"))
    comment = fields.text("comment", values.get("comment"), max_length=REASON_MAX)
    if goal.metric == MANUAL_METRIC:
        value = _figure(fields, "value", values.get("value"), required=True)
    elif goal.metric in METRIC_BY_CODE:
        # The statistic as it is now: later records never change this follow-up.
        value = computed_value(goal, cache or StatisticsCache(goal.programme_id))
    else:
        fields.fail("value", _("The goal's metric is unknown; correct the goal first."))
    fields.raise_if_any(_("The follow-up was not saved."))
    follow_up = GoalFollowUp(
        goal=goal,
        date=on,
        metric=goal.metric,
        value=value,
        target=goal.target,
        comment=comment,
        status=status,
        author=actor,
    )
    try:
        with unit_of_work():
            db.session.add(follow_up)
    except IntegrityError as error:  # the same date saved by someone else meanwhile
        raise Invalid({"date": [_("The goal already has a follow-up on this date.")]}) from error
    return follow_up


def _risk_values(values: Mapping[str, object]) -> dict[str, object]:
    """A programme risk's values, by the rule of every risk assessment (risks.risk_values)."""
    return risk_values(values, _("The risk was not saved."))


def _status(fields: Fields, value: object) -> RiskStatus | None:
    """A follow-up's status: green, yellow or red."""
    try:
        return _code(RiskStatus, value)
    except ValueError:
        fields.fail("status", _("Choose green, yellow or red."))
        return None


@transactional
def create_risk(programme: Programme, actor: User, values: Mapping[str, object]) -> ProgrammeRisk:
    """Add a risk to the programme's risk card; raises NotAllowed or Invalid."""
    _require_manager(actor)
    risk = ProgrammeRisk(programme=programme, **_risk_values(values))
    db.session.add(risk)
    assessed(risk, actor)
    return risk


@transactional
def update_risk(risk: ProgrammeRisk, actor: User, values: Mapping[str, object]) -> ProgrammeRisk:
    """Reassess a programme risk; raises NotAllowed or Invalid."""
    _require_manager(actor)
    for name, value in _risk_values(values).items():
        setattr(risk, name, value)
    assessed(risk, actor)
    return risk


@transactional
def delete_risk(risk: ProgrammeRisk, actor: User) -> None:
    """Remove a programme risk; raises NotAllowed."""
    _require_manager(actor)
    db.session.delete(risk)
