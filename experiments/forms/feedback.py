"""The accessibility feedback form: everything but the message is optional."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..services.feedback import MESSAGE_MAX, NAME_MAX, PAGE_URL_MAX
from .base import PageForm


class FeedbackForm(PageForm):
    message = TextAreaField(
        _l("Your feedback"),
        validators=[DataRequired(), Length(max=MESSAGE_MAX)],
        description=_l("Tell us what was difficult to use or missing, and where."),
        render_kw={"rows": 6},
    )
    page_url = StringField(
        _l("Page address"),
        validators=[Optional(), Length(max=PAGE_URL_MAX)],
        description=_l("The page the feedback is about, if it is about one page."),
    )
    name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Your e-mail address (optional)"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Give it if you would like an answer."),
        render_kw={"autocomplete": "email"},
    )
