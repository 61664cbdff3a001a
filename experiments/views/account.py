"""A person's own account (language, password, second factor, their data) and the privacy
notice."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..errors import Invalid
from ..extensions import limiter
from ..forms.account import DeleteAccountForm, LanguageForm, PasswordCheckForm
from ..forms.auth import ChangePasswordForm, CodeForm
from ..security import local_path, totp_qr_data_uri, totp_uri
from ..services import preferences
from ..services.account_deletion import delete_account
from ..services.passwords import change_password
from ..services.personal_data import personal_data
from ..services.second_factor import (
    confirm_totp,
    disable_totp,
    second_factor_mandatory,
    second_factor_required,
    start_totp,
)
from .auth import failed, mark_second_factor
from .forms import rerender_status, saved
from .guards import EVERYONE, SIGNED_IN, allow

bp = Blueprint("account", __name__)


def _account_key() -> str:
    return f"user:{current_user.get_id() if current_user.is_authenticated else '-'}"


@bp.get("/privacy")
@allow(EVERYONE)
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/account")
@allow(SIGNED_IN)
def overview():
    return render_template(
        "account/overview.html", totp_required=second_factor_required(current_user)
    )


@bp.post("/account/language")
@allow(SIGNED_IN)
def language():
    """The header's language switch, signed in: saved for later visits and e-mail."""
    form = LanguageForm()
    try:
        preferences.choose_language(current_user, form.lang.data)
    except Invalid:
        abort(400)  # the switch offers only our languages: this request was made by hand
    session["lang"] = form.lang.data  # this visit too, whatever it chose with ?lang= before
    return redirect(local_path(form.next.data) or url_for("main.home"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_account_key, deduct_when=failed)
@allow(SIGNED_IN)
def password():
    form = ChangePasswordForm()
    if saved(
        form,
        lambda: change_password(current_user, form.current.data, form.password.data),
        _("Your password is changed. You were signed out everywhere else."),
    ):
        # This session goes on with the new epoch; the others end.
        login_user(current_user._get_current_object())
        return redirect(url_for("account.overview"))
    return render_template("account/password.html", form=form), rerender_status(form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"], key_func=_account_key)
@allow(SIGNED_IN)
def two_factor():
    """Turn on two-step sign-in: a key for an authenticator app, confirmed by its code."""
    if current_user.has_totp:
        return render_template(
            "account/two_factor.html",
            form=PasswordCheckForm(),
            required=not _optional(current_user),
        )
    form = CodeForm()
    secret = start_totp(current_user)
    if saved(
        form, lambda: confirm_totp(current_user, form.code.data), _("Two-step sign-in is on.")
    ):
        login_user(current_user._get_current_object())
        mark_second_factor(current_user)
        return redirect(url_for("account.overview"))
    uri = totp_uri(secret, current_user.email, current_app.config["TOTP_ISSUER"])
    enrolment = {"secret": secret, "uri": uri, "qr": totp_qr_data_uri(uri)}
    return (
        render_template("account/two_factor.html", form=form, enrolment=enrolment),
        rerender_status(form),
    )


def _optional(user) -> bool:
    return not second_factor_mandatory(user)


@bp.post("/account/two-factor/off")
@limiter.limit("10 per hour", key_func=_account_key)
@allow(SIGNED_IN)
def two_factor_off():
    form = PasswordCheckForm()
    if saved(
        form,
        lambda: disable_totp(current_user, form.password.data),
        _("Two-step sign-in is off."),
        category="info",
    ):
        return redirect(url_for("account.overview"))
    return (
        render_template("account/two_factor.html", form=form, required=not _optional(current_user)),
        422,
    )


@bp.get("/account/data.json")
@limiter.limit("10 per hour", key_func=_account_key)
@allow(SIGNED_IN)
def data():
    """Download everything stored about me, as JSON (GDPR art. 15 and 20)."""
    body = json.dumps(personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="kokeilu-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_account_key)
@allow(SIGNED_IN)
def delete():
    form = DeleteAccountForm()
    if saved(
        form,
        lambda: delete_account(current_user, form.password.data),
        _("Your account is deleted. Thank you for taking part."),
        category="info",
    ):
        logout_user()
        return redirect(url_for("main.home"))
    return render_template("account/delete.html", form=form), rerender_status(form)
