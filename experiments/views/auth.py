"""Sign in (with a second factor where needed), sign out, sign up, reset a password."""

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import TooManyRequests

from .. import throttling
from ..errors import Conflict, TooManyAttempts
from ..extensions import db, limiter
from ..forms.account import PasswordCheckForm
from ..forms.auth import CodeForm, ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from ..models import User
from ..security import local_path, totp_qr_data_uri, totp_uri
from ..services import passwords, sign_in, signup
from ..services.second_factor import (
    ENROL_BY_LINK,
    awaits_enrolment,
    code_series,
    confirm_totp,
    may_enrol,
    second_factor_mandatory,
    second_factor_required,
    start_totp,
    user_for_enrolment,
    verify_second_factor,
)
from .forms import rerender_status, saved, saved_valid
from .guards import EVERYONE, SIGNED_IN, allow

bp = Blueprint("auth", __name__)

# Between the password and the one-time code: who, and until when (seconds).
PENDING = "pending_login"
PENDING_SECONDS = 300
# The id of the user who gave a one-time code (or enrolled) when this session signed in.
SECOND_FACTOR = "second_factor_passed"
# What a session that still owes its second factor may reach: the code step, an enrolment
# link, signing out, and static files. (The language switch is ?lang= on any page, the code
# step included.)
# The address a confirmation link confirmed, filled in on the sign-in form that follows.
SIGN_IN_ADDRESS = "sign_in_address"
# Health and metrics concern the server, not the person: no session is read for them.
OWING_MAY_USE = frozenset(
    {
        "auth.second_factor",
        "auth.enrol",
        "auth.logout",
        "static",
        "operations.healthz",
        "operations.readyz",
        "operations.metrics_text",
    }
)


def failed(response) -> bool:
    """Throttles count failed attempts: a form re-rendered with errors."""
    return response.status_code == 422


def _form_email_key() -> str:
    return "account:" + ((request.form.get("email") or "").strip().lower() or "-")


def _sign_in(user: User, target: str | None, second_factor: bool = False):
    session.pop(PENDING, None)
    login_user(user)
    sign_in.record_sign_in(user)
    mark_second_factor(user, second_factor)
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(local_path(target) or url_for("main.home"))  # no open redirects


def mark_second_factor(user: User, passed: bool = True) -> None:
    """Remember in the session whether this user signed in with a one-time code."""
    if passed:
        session[SECOND_FACTOR] = user.id
    else:
        session.pop(SECOND_FACTOR, None)


def _pend(user: User, target: str | None, enrolment: str | None = None) -> None:
    """Password given: the code step comes next, for a few minutes (and until too many
    wrong codes in a row end it); with an enrolment link, setting up the second factor."""
    session[PENDING] = {
        "id": user.id,
        "epoch": user.session_epoch,
        "series": code_series(user),
        "until": time.time() + PENDING_SECONDS,
        "next": local_path(target),
        "enrolment": enrolment,
    }


@bp.before_app_request
def _second_factor_owed():
    """A staff member, manager or admin signed in without a code gives one before going on.

    Sessions that began before REQUIRE_TOTP was on (or before the role needed it) are
    signed out into the code step, which then leads back to the page asked for; without a
    second factor yet, to sign-in, told to use their enrolment link. The API authenticates
    by token, not by this session.
    """
    if (
        not current_app.config.get("REQUIRE_TOTP")
        or "_user_id" not in session
        or request.endpoint in OWING_MAY_USE
        or request.path.startswith("/api/")
    ):
        return None
    if not current_user.is_authenticated or not second_factor_mandatory(current_user):
        return None
    if session.get(SECOND_FACTOR) == current_user.id:
        return None
    user = current_user._get_current_object()
    if awaits_enrolment(user):
        logout_user()
        flash(str(ENROL_BY_LINK), "error")
        return redirect(url_for("auth.login"))
    target = None
    if request.method == "GET":
        query = request.query_string.decode("utf-8", "replace")
        target = request.path + (f"?{query}" if query else "")
    flash(
        _(
            "Your role signs in in two steps: give the one-time code from your "
            "authenticator app to go on."
        ),
        "info",
    )
    logout_user()
    _pend(user, target)
    return redirect(url_for("auth.second_factor"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], deduct_when=failed)
@allow(EVERYONE)
def login():
    form = LoginForm()
    if request.method == "GET" and session.get(SIGN_IN_ADDRESS):
        form.email.data = session.pop(SIGN_IN_ADDRESS)
    if form.validate_on_submit():
        throttling.check_sign_in(form.email.data)
        user = sign_in.authenticate(form.email.data, form.password.data, confirmed_only=False)
        if user is not None and user.email_confirmed_at is None:
            # Only someone who knows the password learns that the address is unconfirmed.
            signup.resend_confirmation(user)
            form.email.errors.append(
                _("Confirm your e-mail address first. We have sent you a new link.")
            )
        elif user is not None and awaits_enrolment(user):
            # The password alone never sets up the second factor: the link mailed does.
            form.email.errors.append(str(ENROL_BY_LINK))
        elif user is not None and second_factor_required(user):
            _pend(user, request.args.get("next"))
            return redirect(url_for("auth.second_factor"))
        elif user is not None:
            return _sign_in(user, request.args.get("next"))
        else:
            throttling.sign_in_failed(form.email.data)
            form.email.errors.append(_("The e-mail address or password is wrong."))
    return render_template("auth/login.html", form=form), rerender_status(form)


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    user = db.session.get(User, pending.get("id"))
    if user is None or not user.active or user.session_epoch != pending.get("epoch"):
        return None
    if code_series(user) != pending.get("series"):
        return None  # ended by wrong codes, here or on another device
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], deduct_when=failed)
@allow(EVERYONE)
def second_factor():
    """The one-time code after the password; after an enrolment link, setting it up first."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    target = session[PENDING].get("next")
    link = session[PENDING].get("enrolment")
    form = CodeForm()
    enrolling = not user.has_totp
    if enrolling and not may_enrol(user, link):
        session.pop(PENDING, None)
        flash(str(ENROL_BY_LINK), "error")
        return redirect(url_for("auth.login"))
    secret = start_totp(user) if enrolling else None
    if form.validate_on_submit():
        if enrolling:
            if saved_valid(
                form, lambda: confirm_totp(user, form.code.data, link), _("Two-step sign-in is on.")
            ):
                return _sign_in(user, target, second_factor=True)
        elif _code_accepted(user, form.code.data):
            return _sign_in(user, target, second_factor=True)
        elif code_series(user) != session[PENDING].get("series"):
            session.pop(PENDING, None)
            flash(_("Too many wrong codes. Sign in again from the start."), "error")
            return redirect(url_for("auth.login"))
        else:
            form.code.errors.append(_("The code is wrong or too old. Enter the current code."))
    enrolment = _enrolment(user, secret) if enrolling else None
    return (
        render_template("auth/second_factor.html", form=form, enrolment=enrolment),
        rerender_status(form),
    )


@bp.route("/login/enrol/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], deduct_when=failed)
@allow(EVERYONE)
def enrol(token: str):
    """An enrolment link: the account's password, then the second factor is set up."""
    user = user_for_enrolment(token)
    if user is None:
        flash(
            _(
                "This enrolment link has expired or was used already. Ask an administrator "
                "to send a new one."
            ),
            "error",
        )
        return redirect(url_for("auth.login"))
    form = PasswordCheckForm()
    if form.validate_on_submit():
        throttling.check_sign_in(user.email)
        if sign_in.authenticate(user.email, form.password.data) is not None:
            _pend(user, None, enrolment=token)
            return redirect(url_for("auth.second_factor"))
        throttling.sign_in_failed(user.email)
        form.password.errors.append(_("Your password is wrong."))
    return render_template("auth/enrol.html", form=form, account=user), rerender_status(form)


def _code_accepted(user: User, code: str) -> bool:
    try:
        return verify_second_factor(user, code)
    except TooManyAttempts as error:
        session.pop(PENDING, None)
        raise TooManyRequests(description=error.message, retry_after=error.retry_after) from error


def _enrolment(user: User, secret: str) -> dict:
    uri = totp_uri(secret, user.email, current_app.config["TOTP_ISSUER"])
    return {"secret": secret, "uri": uri, "qr": totp_qr_data_uri(uri)}


@bp.post("/logout")
@allow(SIGNED_IN)
def logout():
    sign_in.end_other_sessions(current_user)
    logout_user()
    session.pop(SECOND_FACTOR, None)
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_form_email_key)
@allow(EVERYONE)
def register():
    form = RegisterForm()
    if saved(
        form,
        lambda: signup.register(form.email.data, form.password.data, form.values()),
        None,
        check=lambda: signup.registration_values(
            form.values(), form.password.data or "", form.email.data or ""
        ),
    ):
        # The same answer whether or not the address had an account already.
        return render_template("auth/check_email.html", email=form.email.data)
    return render_template("auth/register.html", form=form), rerender_status(form)


@bp.get("/register/confirm/<token>")
@limiter.limit("30 per hour")
@allow(EVERYONE)
def confirm_email(token: str):
    """The address confirmed by its link: signed in at once when the password alone signs this
    account in; otherwise (or when the link is used again) the sign-in, its address filled."""
    confirmation = signup.confirm_email(token)
    if confirmation is None:
        flash(_("This link has expired or is not valid. Sign in to get a new one."), "error")
        return redirect(url_for("auth.login"))
    user = confirmation.user
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("main.home"))
    if (
        confirmation.first
        and user.active
        and not current_user.is_authenticated
        and not second_factor_required(user)
    ):
        flash(_("Your e-mail address is confirmed."), "success")
        return _sign_in(user, None)
    flash(_("Your e-mail address is confirmed. Sign in to propose an experiment."), "success")
    session[SIGN_IN_ADDRESS] = user.email
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_form_email_key)
@allow(EVERYONE)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_password_reset(form.email.data)
        return render_template("auth/check_email.html", email=form.email.data, reset=True)
    return render_template("auth/forgot_password.html", form=form), rerender_status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@allow(EVERYONE)
def reset_password(token: str):
    if passwords.user_for_reset(token) is None:
        flash(_("This link has expired or was used already. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    try:
        changed = saved(
            form,
            lambda: passwords.reset_password(token, form.password.data),
            _("Your password is changed. Sign in with the new one."),
            conflicts=False,
        )
    except Conflict:  # used up between the check above and now
        abort(404)
    if changed:
        logout_user()
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), rerender_status(form)
