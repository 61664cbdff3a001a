"""An experiment's public page, whole: every view that shows it (the page itself, and the
feedback and subscription forms shown again with their errors) renders it here, so that
no part of the page is ever missing its data."""

from flask import render_template

from .. import resident_feedback, timeline
from ..catalogue import PublicExperiment
from ..forms.experiment_feedback import ExperimentFeedbackForm
from ..forms.subscriptions import SubscribeForm


def experiment_page(
    item: PublicExperiment,
    *,
    feedback_form: ExperimentFeedbackForm | None = None,
    subscribe_form: SubscribeForm | None = None,
) -> str:
    """The page with its timeline, its feedback (the form, the figures and the approved
    comments) and the subscription form; a form given is shown as sent."""
    extra = {"subscribe_form": subscribe_form} if subscribe_form is not None else {}
    return render_template(
        "catalogue/show.html",
        item=item,
        timeline=timeline.experiment_timeline(item.id, item.status, item.planned_end_date),
        feedback_form=feedback_form or ExperimentFeedbackForm(formdata=None),
        feedback_summary=resident_feedback.feedback_summary(item.id),
        feedback_comments=resident_feedback.public_comments(item.id),
        **extra,
    )
