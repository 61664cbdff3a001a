"""The form that adds a message to a proposal's conversation."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from ..models import User
from ..rules import MESSAGE_MAX
from ..services import conversation
from ..vocabulary import MessageVisibility, choices
from .base import PageForm
from .fields import ChoiceRadioField


class MessageForm(PageForm):
    """The text, and for staff who reads it; the conversation service checks both."""

    text = TextAreaField(_l("Message"), render_kw={"rows": 4, "maxlength": MESSAGE_MAX})
    # Not on the applicant's form: the service takes no choice as the applicant's only one.
    visibility = ChoiceRadioField(
        _l("Who reads it"), choices=choices(MessageVisibility), validate_choice=False
    )

    @classmethod
    def for_writer(cls, writer: User, **kwargs) -> "MessageForm":
        """The writer's form; a new one (formdata=None) has the writer's default chosen."""
        form = cls(**kwargs)
        if not conversation.may_read_internal(writer):
            del form.visibility
        elif kwargs.get("formdata", True) is None:
            form.visibility.data = conversation.default_visibility(writer).value
        return form
