"""Steering a programme with its scorecard: goals, follow-ups and programme risks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Invalid, NotAllowed
from ..extensions import db
from ..lifecycle import Role
from ..models import GoalFollowUp, Programme, ProgrammeGoal, ProgrammeRisk, User
from ..models.scorecard import MANUAL_METRIC, GoalDirection
from ..rules import REASON_MAX, RISK_MAX, RISK_MIN
from ..scorecard import METRIC_BY_CODE, METRIC_CODES, StatisticsCache, computed_value
from ..vocabulary import RiskStatus
from .clock import today
from .inputs import text_error
from .transaction import transactional, unit_of_work

GOAL_TEXT_MAX = 500
UNIT_MAX = 40
OWNER_MAX = 200
TARGET_MAX = Decimal("999999999999.99")

Code = TypeVar("Code", bound=StrEnum)


def _require_manager(actor: User) -> None:
    if actor is None or actor.role != Role.MANAGER:
        raise NotAllowed(_("Only programme managers may change the scorecard."))


def _text(
    values: Mapping[str, object],
    name: str,
    errors: dict[str, list[str]],
    *,
    required: bool = False,
    limit: int = REASON_MAX,
    one_line: bool = False,
) -> str:
    given = values.get(name) or ""
    if not isinstance(given, str):
        errors.setdefault(name, []).append(_("Enter text."))
        return ""
    text = given.strip()
    error = text_error(text, one_line=one_line)
    if error:
        errors.setdefault(name, []).append(error)
    elif required and not text:
        errors.setdefault(name, []).append(_("This is required."))
    elif len(text) > limit:
        errors.setdefault(name, []).append(_("At most %(n)d characters.", n=limit))
    return text


def _figure(
    value: object, name: str, errors: dict[str, list[str]], *, required: bool
) -> Decimal | None:
    """A number with at most two decimals, zero or more; a comma may be the decimal mark."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.setdefault(name, []).append(_("This is required."))
        return None
    try:
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if isinstance(value, bool):
            raise InvalidOperation
        if isinstance(value, float):
            figure = Decimal(str(value))
        elif isinstance(value, Decimal | int | str):
            figure = Decimal(value)
        else:  # a form or a JSON body gives text or a number
            raise TypeError(value)
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault(name, []).append(_("Enter a number, e.g. 150 or 12.5."))
        return None
    exponent = figure.as_tuple().exponent  # a letter ("n", "N", "F") when not finite
    if not figure.is_finite() or not isinstance(exponent, int):
        errors.setdefault(name, []).append(_("Enter a number, e.g. 150 or 12.5."))
    elif figure < 0 or figure > TARGET_MAX:
        errors.setdefault(name, []).append(_("Enter a number that is zero or more."))
    elif exponent < -2:
        errors.setdefault(name, []).append(_("Use at most two decimals."))
    else:
        return figure
    return None


def _date(value: object, name: str, errors: dict[str, list[str]]) -> date | None:
    if not isinstance(value, date):
        errors.setdefault(name, []).append(_("Enter a date, e.g. 31.12.2019."))
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
    errors: dict[str, list[str]] = {}
    clean: dict[str, object] = {
        "text_fi": _text(values, "text_fi", errors, required=True, limit=GOAL_TEXT_MAX),
        "text_sv": _text(values, "text_sv", errors, limit=GOAL_TEXT_MAX),
        "text_en": _text(values, "text_en", errors, limit=GOAL_TEXT_MAX),
        "unit": _text(values, "unit", errors, limit=UNIT_MAX, one_line=True),
        "target": _figure(values.get("target"), "target", errors, required=True),
    }
    metric = values.get("metric")
    if not isinstance(metric, str) or metric not in METRIC_CODES:
        errors["metric"] = [
            _("Unknown metric “%(code)s”: choose one from the list.", code=str(metric or ""))
        ]
    clean["metric"] = metric
    try:
        clean["direction"] = _code(GoalDirection, values.get("direction") or GoalDirection.AT_LEAST)
    except ValueError:
        errors["direction"] = [_("Choose whether the target is a minimum or a maximum.")]
    start = _date(values.get("period_start"), "period_start", errors)
    end = _date(values.get("period_end"), "period_end", errors)
    if start and end:
        first, last = programme_period(programme)
        if end < start:
            errors.setdefault("period_end", []).append(
                _("The period must end on or after its start.")
            )
        elif start < first or end > last:
            errors.setdefault("period_start", []).append(
                _(
                    "The period must lie within the programme's years %(start)d–%(end)d.",
                    start=programme.start_year,
                    end=programme.end_year,
                )
            )
        elif goal is not None:
            outside = [f.date for f in goal.follow_ups if not start <= f.date <= end]
            if outside:
                errors.setdefault("period_start", []).append(
                    _(
                        "The goal has follow-ups outside this period (%(dates)s).",
                        dates=", ".join(format_date(d) for d in outside),
                    )
                )
    if goal is not None and goal.follow_ups and metric != goal.metric and "metric" not in errors:
        errors["metric"] = [
            _(
                "The goal already has follow-ups: its metric can no longer change. "
                "Define a new goal instead."
            )
        ]
    if errors:
        raise Invalid(errors, _("The goal was not saved."))
    clean.update(period_start=start, period_end=end)
    return clean


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
    """Change a goal's text, target, unit or period; raises NotAllowed or Invalid."""
    _require_manager(actor)
    clean = _goal_values(goal.programme, values, goal)
    for name, value in clean.items():
        setattr(goal, name, value)
    return goal


@transactional
def delete_goal(goal: ProgrammeGoal, actor: User) -> None:
    """Remove a goal and its follow-ups; raises NotAllowed."""
    _require_manager(actor)
    db.session.delete(goal)


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
    errors: dict[str, list[str]] = {}
    on = _date(values.get("date"), "date", errors)
    if on is not None:
        if not goal.period_start <= on <= goal.period_end:
            errors["date"] = [
                _(
                    "The date must lie within the goal's period %(start)s–%(end)s.",
                    start=format_date(goal.period_start),
                    end=format_date(goal.period_end),
                )
            ]
        elif on > today():
            errors["date"] = [_("A follow-up cannot be dated in the future.")]
        elif any(f.date == on for f in goal.follow_ups):
            errors["date"] = [_("The goal already has a follow-up on this date.")]
    try:
        status = _code(RiskStatus, values.get("status"))
    except ValueError:
        errors["status"] = [_("Choose green, yellow or red.")]
    comment = _text(values, "comment", errors)
    if goal.metric == MANUAL_METRIC:
        value = _figure(values.get("value"), "value", errors, required=True)
    elif goal.metric in METRIC_BY_CODE:
        # The statistic as it is now: later records never change this follow-up.
        value = computed_value(goal, cache or StatisticsCache(goal.programme_id))
    else:
        errors["value"] = [_("The goal's metric is unknown; correct the goal first.")]
    if errors:
        raise Invalid(errors, _("The follow-up was not saved."))
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
    errors: dict[str, list[str]] = {}
    clean: dict[str, object] = {
        "description": _text(values, "description", errors, required=True),
        "mitigation": _text(values, "mitigation", errors),
        "owner": _text(values, "owner", errors, limit=OWNER_MAX, one_line=True),
    }
    for name in ("probability", "impact"):
        given = values.get(name)
        level = (
            given
            if isinstance(given, int) and not isinstance(given, bool)
            else (int(given) if isinstance(given, str) and given.strip().isdigit() else None)
        )
        if level is None or not RISK_MIN <= level <= RISK_MAX:
            errors[name] = [_("Choose from %(low)d to %(high)d.", low=RISK_MIN, high=RISK_MAX)]
        clean[name] = level
    try:
        clean["status"] = _code(RiskStatus, values.get("status"))
    except ValueError:
        errors["status"] = [_("Choose green, yellow or red.")]
    if errors:
        raise Invalid(errors, _("The risk was not saved."))
    return clean


@transactional
def create_risk(programme: Programme, actor: User, values: Mapping[str, object]) -> ProgrammeRisk:
    """Add a risk to the programme's risk card; raises NotAllowed or Invalid."""
    _require_manager(actor)
    risk = ProgrammeRisk(programme=programme, **_risk_values(values))
    db.session.add(risk)
    return risk


@transactional
def update_risk(risk: ProgrammeRisk, actor: User, values: Mapping[str, object]) -> ProgrammeRisk:
    """Reassess a programme risk; raises NotAllowed or Invalid."""
    _require_manager(actor)
    for name, value in _risk_values(values).items():
        setattr(risk, name, value)
    return risk


@transactional
def delete_risk(risk: ProgrammeRisk, actor: User) -> None:
    """Remove a programme risk; raises NotAllowed."""
    _require_manager(actor)
    db.session.delete(risk)
