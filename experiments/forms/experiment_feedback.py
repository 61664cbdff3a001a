"""A resident's feedback on an experiment, and a moderator's decision on it.

The service checks the values (services/experiment_feedback); the form gives the browser
its shape and limits. `website` is a trap for robots: hidden from people and screen
readers, so anything in it was not written by a person.
"""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..i18n import LANGUAGE_NAMES
from ..models.written import writing_language
from ..rules import COMMENT_MAX, NAME_MAX, USEFULNESS_MAX, USEFULNESS_MIN
from .base import PageForm
from .fields import ChoiceRadioField

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
EMAIL_MAX = 254


class ExperimentFeedbackForm(PageForm):
    used = ChoiceRadioField(
        _l("Did you use the service?"),
        choices=YES_NO,
        validate_choice=False,
        validators=[InputRequired(message=_l("Answer yes or no."))],
    )
    usefulness = ChoiceRadioField(
        _l("How useful was it?"),
        choices=[(str(n), str(n)) for n in range(USEFULNESS_MIN, USEFULNESS_MAX + 1)],
        validate_choice=False,
        description=_l("1 not useful at all, 5 very useful."),
        validators=[InputRequired(message=_l("Choose how useful it was, from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        description=_l(
            "Shown on this page once the city's staff have read it. "
            "Please write no personal details."
        ),
        render_kw={"rows": 4, "maxlength": COMMENT_MAX},
    )
    language = SelectField(
        _l("Language of your comment"),
        # Each language named in itself, as in the language switcher.
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
        default=writing_language,
        validate_choice=False,
    )
    name = StringField(
        _l("Your name (optional)"), render_kw={"autocomplete": "name", "maxlength": NAME_MAX}
    )
    email = EmailField(
        _l("Your e-mail address (optional)"),
        description=_l(
            "Only if you would like the city to be able to contact you. Never published."
        ),
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX},
    )
    website = StringField(
        _l("Leave this field empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    def values(self) -> dict:
        yes = {"yes": True, "no": False}
        return {
            "used": yes.get(self.used.data or ""),
            "usefulness": self.usefulness.data,
            "comment": self.comment.data or "",
            "language": self.language.data,
            "name": self.name.data,
            "email": self.email.data,
        }

    def is_robot(self) -> bool:
        """Whether the hidden trap field was filled in."""
        return bool((self.website.data or "").strip())


class ModerationForm(PageForm):
    """Approve or reject: the decision is the button pressed (name="decision")."""

    decision = StringField()
