"""The programme scorecard: goals against targets, follow-ups, the risk card; XLSX and print."""

from collections.abc import Callable
from typing import TypeVar, cast

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..extensions import db
from ..forms.confirm import ConfirmForm, ask_again, is_confirmed
from ..forms.scorecard import FollowUpForm, GoalForm, RiskForm
from ..lifecycle import Role
from ..models import Programme, ProgrammeGoal, ProgrammeRisk
from ..models.scorecard import MANUAL_METRIC
from ..scorecard import (
    DIRECTION_LABELS,
    FOLLOW_UP_STATUS_LABELS,
    METRIC_BY_CODE,
    RISK_STATUS_LABELS,
    StatisticsCache,
    computed_value,
    goal_unit,
    metric_label,
    programme_scorecard,
    progress,
    risk_level,
    suggested_status,
)
from ..services import scorecard as service
from ..services.risks import risk_matrix
from .forms import rerender_status, saved
from .guards import EVERYONE, STAFF, allow

bp = Blueprint("scorecard", __name__, url_prefix="/scorecards")
T = TypeVar("T")


@bp.context_processor
def _helpers():
    return {
        "metric_label": metric_label,
        "FOLLOW_UP_STATUS_LABELS": FOLLOW_UP_STATUS_LABELS,
        "RISK_STATUS_LABELS": RISK_STATUS_LABELS,
        "DIRECTION_LABELS": DIRECTION_LABELS,
        "risk_level": risk_level,
        "locale": str(get_locale()),
        # Jinja's _() %-formats every string, so a stored text like "%" goes through this.
        "translated": gettext,
    }


def _programme(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    return programme


Item = TypeVar("Item", ProgrammeGoal, ProgrammeRisk)


def _of_programme(model: type[Item], programme: Programme, item_id: int) -> Item:
    """The programme's goal or risk of that id; 404 for another programme's, or a retired goal."""
    item = db.session.get(model, item_id)
    if item is None or item.programme_id != programme.id:
        abort(404)
    if isinstance(item, ProgrammeGoal) and item.retired_at is not None:
        abort(404)
    return item


def _show_url(programme: Programme, anchor: str | None = None) -> str:
    return url_for(".show", programme_id=programme.id, _anchor=anchor)


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


@bp.get("")
@allow(EVERYONE)
def index():
    programmes = db.session.scalars(
        select(Programme).order_by(Programme.start_year.desc(), Programme.name)
    ).all()
    return render_template("scorecard/index.html", programmes=programmes)


@bp.get("/<id:programme_id>")
@allow(EVERYONE)
def show(programme_id: int):
    programme = _programme(programme_id)
    card = programme_scorecard(programme, with_risks=_is_staff())
    # The experiments' risk matrix, so that both risk cards read the same way.
    return render_template(
        "scorecard/show.html",
        card=card,
        matrix=risk_matrix(card.risks),
        staff=_is_staff(),
        manager=_is_staff() and current_user.is_manager,
    )


@bp.get("/<id:programme_id>/scorecard.xlsx")
@allow(*STAFF)
def export(programme_id: int):
    # Loaded by the first workbook: a worker that never writes one saves openpyxl's 15 MB.
    from ..scorecard_xlsx import scorecard_workbook

    programme = _programme(programme_id)
    data = scorecard_workbook(programme_scorecard(programme), str(get_locale()))
    return send_file(
        data,
        as_attachment=True,
        download_name=f"scorecard-{programme.id}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _saved_or_form(
    programme: Programme,
    form: FlaskForm,
    save: Callable[[], T],
    message: str,
    anchor: Callable[[T], str],
    template: str,
    **shown,
):
    """Save the form and go back to the scorecard at anchor(what was saved); else the form's
    page again, with what the service refused."""
    result = saved(form, save, message)
    if result is not None:
        return redirect(_show_url(programme, anchor(cast(T, result))))
    return render_template(template, programme=programme, form=form, **shown), rerender_status(form)


def _removed(
    programme: Programme,
    heading: str,
    remove: Callable[[], None],
    message: str,
    anchor: str | None,
    **shown,
):
    """Remove, once confirmed: the confirmation page until the form comes from it confirmed."""
    form = ConfirmForm()
    if not (form.validate_on_submit() and is_confirmed(form)):
        ask_again(form)
        return render_template(
            "scorecard/confirm_delete.html",
            programme=programme,
            form=form,
            heading=heading,
            **shown,
        )
    remove()
    flash(message, "success")
    return redirect(_show_url(programme, anchor)), 303


@bp.route("/<id:programme_id>/goals/new", methods=["GET", "POST"])
@allow(Role.MANAGER)
def new_goal(programme_id: int):
    programme = _programme(programme_id)
    form = GoalForm()
    if request.method == "GET":
        first, last = service.programme_period(programme)
        form.period_start.data, form.period_end.data = first, last
    return _saved_or_form(
        programme,
        form,
        lambda: service.create_goal(programme, current_user, form.values()),
        _("The goal is saved."),
        lambda goal: f"goal-{goal.id}",
        "scorecard/goal_form.html",
        goal=None,
    )


@bp.route("/<id:programme_id>/goals/<id:goal_id>/edit", methods=["GET", "POST"])
@allow(Role.MANAGER)
def edit_goal(programme_id: int, goal_id: int):
    programme = _programme(programme_id)
    goal = _of_programme(ProgrammeGoal, programme, goal_id)
    form = GoalForm(obj=goal if request.method == "GET" else None)
    return _saved_or_form(
        programme,
        form,
        lambda: service.update_goal(goal, current_user, form.values()),
        _("The goal is saved."),
        lambda goal: f"goal-{goal.id}",
        "scorecard/goal_form.html",
        goal=goal,
    )


@bp.post("/<id:programme_id>/goals/<id:goal_id>/delete")
@allow(Role.MANAGER)
def delete_goal(programme_id: int, goal_id: int):
    """Retire a goal, once confirmed: off the scorecard, its follow-ups kept."""
    programme = _programme(programme_id)
    goal = _of_programme(ProgrammeGoal, programme, goal_id)
    return _removed(
        programme,
        _("Retire the goal"),
        lambda: service.retire_goal(goal, current_user),
        _("The goal is retired. It and its follow-ups are kept in the records."),
        None,
        goal=goal,
    )


@bp.route("/<id:programme_id>/goals/<id:goal_id>/follow-ups/new", methods=["GET", "POST"])
@allow(Role.MANAGER)
def new_follow_up(programme_id: int, goal_id: int):
    programme = _programme(programme_id)
    goal = _of_programme(ProgrammeGoal, programme, goal_id)
    cache = StatisticsCache(programme.id)
    current = computed_value(goal, cache) if goal.metric in METRIC_BY_CODE else None
    form = FollowUpForm()
    if request.method == "GET":
        form.date.data = min(max(service.today(), goal.period_start), goal.period_end)
        suggestion = suggested_status(progress(current, goal.target, goal.direction))
        form.status.data = suggestion.value if suggestion else None
    return _saved_or_form(
        programme,
        form,
        lambda: service.add_follow_up(goal, current_user, form.values(), cache),
        _("The follow-up is saved."),
        lambda _follow_up: f"goal-{goal.id}",
        "scorecard/follow_up_form.html",
        goal=goal,
        current=current,
        manual=goal.metric == MANUAL_METRIC,
        unit=goal_unit(goal),
    )


@bp.route("/<id:programme_id>/risks/new", methods=["GET", "POST"])
@allow(Role.MANAGER)
def new_risk(programme_id: int):
    programme = _programme(programme_id)
    form = RiskForm()
    return _saved_or_form(
        programme,
        form,
        lambda: service.create_risk(programme, current_user, form.values()),
        _("The risk is saved."),
        lambda _risk: "risks-title",
        "scorecard/risk_form.html",
        risk=None,
    )


@bp.route("/<id:programme_id>/risks/<id:risk_id>/edit", methods=["GET", "POST"])
@allow(Role.MANAGER)
def edit_risk(programme_id: int, risk_id: int):
    programme = _programme(programme_id)
    risk = _of_programme(ProgrammeRisk, programme, risk_id)
    form = RiskForm(obj=risk if request.method == "GET" else None)
    return _saved_or_form(
        programme,
        form,
        lambda: service.update_risk(risk, current_user, form.values()),
        _("The risk is saved."),
        lambda _risk: "risks-title",
        "scorecard/risk_form.html",
        risk=risk,
    )


@bp.post("/<id:programme_id>/risks/<id:risk_id>/delete")
@allow(Role.MANAGER)
def delete_risk(programme_id: int, risk_id: int):
    """Remove a programme risk, once confirmed."""
    programme = _programme(programme_id)
    risk = _of_programme(ProgrammeRisk, programme, risk_id)
    return _removed(
        programme,
        _("Remove the risk"),
        lambda: service.delete_risk(risk, current_user),
        _("The risk is removed."),
        "risks-title",
        risk=risk,
    )
