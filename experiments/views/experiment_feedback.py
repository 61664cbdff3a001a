"""Residents' feedback on an experiment: the form on its public page, and the staff's
moderation list."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import catalogue, resident_feedback, throttling
from ..errors import Invalid
from ..extensions import db
from ..forms.experiment_feedback import ExperimentFeedbackForm, ModerationForm
from ..models import Experiment, ExperimentFeedback, FeedbackStatus
from ..routing import page_number, whole_number
from ..security import referring_path
from ..services import experiment_feedback as service
from .experiment_page import experiment_page
from .forms import rerender_status, saved
from .guards import EVERYONE, STAFF, allow

bp = Blueprint("experiment_feedback", __name__)

PER_PAGE = 30


def _thanks() -> str:
    return _("Thank you for your feedback. Comments are shown here once staff have read them.")


@bp.post("/experiments/<id:experiment_id>/feedback")
@allow(EVERYONE)
def send(experiment_id: int):
    item = catalogue.public_experiment(experiment_id)
    experiment = db.session.get(Experiment, experiment_id) if item else None
    if item is None or experiment is None or not service.takes_feedback(experiment):
        abort(404)
    wait = throttling.feedback_wait()
    if wait is not None:
        return (
            render_template("catalogue/feedback_throttled.html", item=item),
            429,
            {"Retry-After": str(wait)},
        )
    form = ExperimentFeedbackForm()
    # To the top, where the thanks are said.
    back = redirect(url_for("catalogue.show", experiment_id=item.id), 303)
    if form.is_robot():
        # Told as a person is, so that the robot learns nothing; nothing is stored.
        flash(_thanks(), "success")
        return back
    user = current_user if current_user.is_authenticated else None
    if saved(form, lambda: service.send_feedback(experiment, **form.values(), user=user), _thanks):
        return back
    return experiment_page(item, feedback_form=form), rerender_status(form)


def _status() -> FeedbackStatus:
    asked = request.args.get("status", "")
    return FeedbackStatus(asked) if asked in set(FeedbackStatus) else FeedbackStatus.PENDING


@bp.get("/feedback/experiments")
@allow(*STAFF)
def index():
    return _list()


def _list(form: ModerationForm | None = None, status_code: int = 200):
    status = _status()
    experiment_id = whole_number("experiment")
    experiment = db.session.get(Experiment, experiment_id) if experiment_id else None
    return render_template(
        "feedback/experiments.html",
        status=status,
        statuses=list(FeedbackStatus),
        experiment=experiment,
        counts=resident_feedback.status_counts(experiment_id),
        results=resident_feedback.moderation_page(status, experiment_id, page_number(), PER_PAGE),
        form=form or ModerationForm(formdata=None),
    ), status_code


@bp.post("/feedback/experiments/<id:feedback_id>")
@allow(*STAFF)
def moderate(feedback_id: int):
    feedback = db.session.get(ExperimentFeedback, feedback_id)
    if feedback is None:
        abort(404)
    form = ModerationForm()
    if form.validate_on_submit():
        try:
            service.moderate_feedback(feedback, form.decision.data, current_user)
        except Invalid as error:
            form.form_errors.extend(m for messages in error.errors.values() for m in messages)
        else:
            flash(_moderated(feedback.status), "success")
            back = referring_path(request.referrer, request.host)
            return redirect(back or url_for(".index"), 303)
    return _list(form, 422)


def _moderated(status: FeedbackStatus) -> str:
    if status == FeedbackStatus.APPROVED:
        return _("The feedback is approved: its comment is shown on the experiment's page.")
    return _("The feedback is rejected: it is neither counted nor shown.")


@bp.app_template_global()
def experiment_feedback_summary(experiment_id: int) -> resident_feedback.FeedbackSummary:
    """The feedback's figures, for the staff's experiment and evaluation pages."""
    return resident_feedback.feedback_summary(experiment_id)
