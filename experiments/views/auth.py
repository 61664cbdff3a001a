"""Sign in, sign out, sign up."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import Invalid
from ..extensions import db, limiter
from ..forms.auth import LoginForm, RegisterForm
from ..lifecycle import Role
from ..services import accounts, organisations
from .forms import apply_errors, rerender_status

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """The ?next= target if it stays on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def _login_key() -> str:
    return (request.form.get("email") or "").strip().lower() or "-"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_login_key)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
        form.email.errors.append(_("The e-mail address or password is wrong."))
    return render_template("auth/login.html", form=form), rerender_status(form)


@bp.post("/logout")
@login_required
def logout():
    accounts.end_other_sessions(current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            organisation = None
            if form.organisation_name.data and form.proposer_type.data != "resident":
                organisation = organisations.find_or_create(
                    form.organisation_name.data, form.organisation_type,
                    form.organisation_business_id.data,
                )
            user = accounts.create_user(
                form.email.data, form.name.data, form.password.data, role=Role.APPLICANT,
                proposer_type=form.proposer_type.data, locale=form.locale.data,
                organisation=organisation,
            )
        except Invalid as error:
            db.session.rollback()
            apply_errors(form, error, {"business_id": "organisation_business_id"})
        else:
            login_user(user)
            flash(_("Your account is ready. You can now propose an experiment."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form), rerender_status(form)
