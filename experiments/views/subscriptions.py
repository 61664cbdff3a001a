"""E-mail updates on a public experiment: the form on its page, the confirming link, and
the one-click unsubscribe link every update carries."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import catalogue
from ..extensions import csrf, limiter
from ..forms.subscriptions import ConfirmSubscriptionForm, SubscribeForm
from ..services import subscriptions
from ..services.subscriptions import Answer, Outcome
from .experiment_page import experiment_page
from .forms import rerender_status, saved
from .guards import EVERYONE, allow

bp = Blueprint("subscriptions", __name__, url_prefix="/experiments")


def _address_key() -> str:
    return "subscription:" + ((request.form.get("email") or "").strip().lower() or "-")


@bp.app_template_global()
def subscription_form() -> SubscribeForm:
    """A new, empty form for the experiment page that has none of its own."""
    return SubscribeForm(formdata=None)


@bp.app_template_global()
def may_subscribe(status: str) -> bool:
    return subscriptions.may_subscribe(status)


@bp.post("/<id:experiment_id>/subscribe")
@limiter.limit("10 per hour")
@limiter.limit("5 per hour", key_func=_address_key)
@allow(EVERYONE)
def subscribe(experiment_id: int):
    item = catalogue.public_experiment(experiment_id)
    if item is None:
        abort(404)
    form = SubscribeForm()
    if saved(
        form,
        lambda: subscriptions.subscribe(experiment_id, form.email.data, str(get_locale())),
        # The same answer for every address: nothing tells whether it had subscribed.
        _(
            "Check your e-mail: we sent a link to confirm the updates. Nothing is sent to "
            "you before you confirm."
        ),
    ):
        return redirect(url_for("catalogue.show", experiment_id=experiment_id), 303)
    return experiment_page(item, subscribe_form=form), rerender_status(form)


def _page(template: str, answer: Answer, token: str, form=None):
    item = catalogue.public_experiment(answer.experiment_id) if answer.experiment_id else None
    status = 404 if answer.outcome == Outcome.INVALID else 200
    return render_template(
        template, answer=answer, outcomes=Outcome, item=item, token=token, form=form
    ), status


@bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour")
@allow(EVERYONE)
def confirm(token: str):
    """GET shows a button (mail scanners open links without meaning to confirm); its POST
    confirms."""
    form = ConfirmSubscriptionForm()
    if form.validate_on_submit():
        answer = subscriptions.confirm(token)
    else:
        answer = subscriptions.confirmation(token)
    return _page("subscriptions/confirm.html", answer, token, form)


@bp.route("/subscriptions/unsubscribe/<token>", methods=["GET", "POST"])
@allow(EVERYONE)
def unsubscribe(token: str):
    """GET asks first; POST unsubscribes at once, also from a mail program's one-click
    (RFC 8058): the signed token in the address is the authority, so no CSRF token."""
    if request.method == "POST":
        answer = subscriptions.unsubscribe(token)
    else:
        answer = subscriptions.unsubscription(token)
    return _page("subscriptions/unsubscribe.html", answer, token)


csrf.exempt(unsubscribe)
