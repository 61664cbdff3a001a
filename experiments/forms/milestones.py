"""The form of an experiment's milestone (staff); the rules are services/milestones'."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..rules import LINE_MAX, MILESTONE_TEXT_MAX
from .base import PageForm
from .pilots import _Date, _date


class MilestoneForm(PageForm):
    title = StringField(
        _l("Milestone"),
        validators=[InputRequired(message=_l("Name the milestone."))],
        description=_l("For example: Robots in every library. Shown on the public page."),
        render_kw={"maxlength": LINE_MAX},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional()],
        description=_l("Optional. Shown on the public page too."),
        render_kw={"maxlength": MILESTONE_TEXT_MAX, "rows": 3},
    )
    planned_date = _date(_l("Planned date"))
    done_date = _Date(
        _l("Reached on"),
        validators=[Optional()],
        description=_l("Leave empty while the milestone is still ahead."),
    )

    def values(self) -> dict:
        return {
            "title": self.title.data or "",
            "description": self.description.data or "",
            "planned_date": self.planned_date.data,
            "done_date": self.done_date.data,
        }

    def fill(self, milestone) -> None:
        self.title.data = milestone.title
        self.description.data = milestone.description
        self.planned_date.data = milestone.planned_date
        self.done_date.data = milestone.done_date
