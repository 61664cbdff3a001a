"""Fixed pages: the accessibility statement with its feedback form, and the feedback list."""

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import limiter
from ..forms.feedback import FeedbackForm
from ..lifecycle import Role
from ..routing import page_number
from ..security import referring_path
from ..services import feedback as feedback_service
from .forms import rerender_status, saved
from .guards import EVERYONE, allow

bp = Blueprint("pages", __name__)

# When the statement was prepared and last reviewed (the law asks to show both).
STATEMENT_PREPARED = date(2026, 11, 23)
STATEMENT_REVIEWED = date(2026, 11, 23)
PER_PAGE = 50


def _page_from_referrer() -> str:
    """The path of the page the visitor came from, if it was on this site."""
    path = referring_path(request.referrer, request.host)
    if path is None or path.split("?")[0] == request.path:
        return ""
    return path


@bp.route("/accessibility", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@allow(EVERYONE)
def accessibility():
    form = FeedbackForm()
    if request.method == "GET":
        form.page_url.data = _page_from_referrer()
    elif saved(
        form,
        lambda: feedback_service.send_feedback(
            form.message.data,
            str(get_locale()),
            name=form.name.data,
            email=form.email.data,
            page_url=form.page_url.data,
            user=current_user if current_user.is_authenticated else None,
        ),
        _("Thank you. Your feedback has been sent to the programme managers."),
    ):
        return redirect(url_for(".accessibility"), 303)
    return render_template(
        "pages/accessibility.html",
        form=form,
        prepared=STATEMENT_PREPARED,
        reviewed=STATEMENT_REVIEWED,
    ), rerender_status(form)


@bp.get("/accessibility/feedback")
@allow(Role.MANAGER)
def feedback():
    page = page_number()
    results = feedback_service.recent_feedback(page, PER_PAGE)
    return render_template("pages/feedback.html", results=results)
