"""The accessibility feedback form: everything but the message is optional.

The feedback service checks the values (feedback.send_feedback); the form gives the browser
its limits."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired

from ..rules import FEEDBACK_MAX, LINK_MAX, NAME_MAX
from .base import PageForm


class FeedbackForm(PageForm):
    message = TextAreaField(
        _l("Your feedback"),
        validators=[DataRequired()],
        description=_l("Tell us what was difficult to use or missing, and where."),
        render_kw={"rows": 6, "maxlength": FEEDBACK_MAX},
    )
    page_url = StringField(
        _l("Page address"),
        description=_l("The page the feedback is about, if it is about one page."),
        render_kw={"maxlength": LINK_MAX},
    )
    name = StringField(
        _l("Your name (optional)"), render_kw={"autocomplete": "name", "maxlength": NAME_MAX}
    )
    email = EmailField(
        _l("Your e-mail address (optional)"),
        description=_l("Give it if you would like an answer."),
        render_kw={"autocomplete": "email"},
    )
