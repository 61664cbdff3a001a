"""Programmes and their calls (managers): the period, each year's budget, the calls."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..audit_history import shown_history
from ..extensions import db
from ..forms.programmes import CallForm, budget_field_name, programme_form
from ..lifecycle import Role
from ..models import Call, Programme
from ..services import programmes as programme_service
from ..statistics import budget_years
from .forms import rerender_status, saved
from .guards import allow

bp = Blueprint("programmes", __name__, url_prefix="/programmes")


@bp.get("")
@allow(Role.MANAGER, Role.ADMIN)  # SPEC: admins manage programmes too
def index():
    return render_template("programmes/index.html", programmes=programme_service.programmes())


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.ADMIN)  # SPEC: admins manage programmes too
def new():
    form = programme_form()
    programme = saved(
        form,
        lambda: programme_service.create_programme(form.values()),
        _("The programme is saved."),
    )
    if programme is not None:
        return redirect(url_for(".show", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=None), rerender_status(form)


@bp.get("/<id:programme_id>")
@allow(Role.MANAGER, Role.ADMIN)  # SPEC: admins manage programmes too
def show(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    return render_template(
        "programmes/show.html",
        programme=programme,
        years=budget_years(programme.id),
        changes=shown_history("programme", programme.id),
    )


@bp.route("/<id:programme_id>/edit", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.ADMIN)  # SPEC: admins manage programmes too
def edit(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = programme_form(
        [row.year for row in programme.years],
        obj=_ProgrammeData(programme) if request.method == "GET" else None,
    )
    if saved(
        form,
        lambda: programme_service.update_programme(programme, form.values()),
        _("The programme is saved."),
    ):
        return redirect(url_for(".show", programme_id=programme.id))
    return render_template("programmes/form.html", form=form, programme=programme), rerender_status(
        form
    )


class _ProgrammeData:
    """A programme seen as the form's flat fields, one budget field per year."""

    def __init__(self, programme: Programme):
        for name in ("version", "name", "description", "start_year", "end_year"):
            setattr(self, name, getattr(programme, name))
        for row in programme.years:
            setattr(self, budget_field_name(row.year), row.annual_budget)


@bp.route("/<id:programme_id>/calls/new", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.ADMIN)  # SPEC: admins manage programmes too
def new_call(programme_id: int):
    programme = db.get_or_404(Programme, programme_id)
    form = CallForm()
    if saved(
        form,
        lambda: programme_service.create_call(programme, form.values()),
        _("The call is saved."),
    ):
        return redirect(url_for(".show", programme_id=programme.id))
    return render_template(
        "programmes/call_form.html", form=form, programme=programme, call=None
    ), rerender_status(form)


@bp.route("/<id:programme_id>/calls/<id:call_id>/edit", methods=["GET", "POST"])
@allow(Role.MANAGER, Role.ADMIN)  # SPEC: admins manage programmes too
def edit_call(programme_id: int, call_id: int):
    call = db.get_or_404(Call, call_id)
    if call.programme_id != programme_id:
        abort(404)
    form = CallForm(obj=call if request.method == "GET" else None)
    if saved(
        form, lambda: programme_service.update_call(call, form.values()), _("The call is saved.")
    ):
        return redirect(url_for(".show", programme_id=call.programme_id))
    return render_template(
        "programmes/call_form.html", form=form, programme=call.programme, call=call
    ), rerender_status(form)
