"""The form that stages a decision on a screened proposal: a pilot's fields, or a reason."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.fields import HiddenField
from wtforms.validators import Optional

from ..lifecycle import MOVE_FIELDS, N_
from ..models import StagedMove
from ..rules import LINE_MAX, REASON_MAX
from .base import PageForm
from .fields import ChoiceRadioField, TranslatedSelectField, id_or_none
from .validators import MoneyField

MOVE_CHOICES = [
    (StagedMove.PILOT.value, N_("Start a pilot")),
    (StagedMove.REJECTED.value, N_("Reject")),
]


def _label(name: str):
    return _l(MOVE_FIELDS[name].label)


def _hint(name: str) -> dict:
    description = MOVE_FIELDS[name].description
    return {"description": _l(description)} if description else {}


class StagedDecisionForm(PageForm):
    """Every field optional here: the staging service asks for those the chosen move needs."""

    to_status = ChoiceRadioField(_l("Decision"), choices=MOVE_CHOICES, validate_choice=False)
    allocated_budget = MoneyField(_label("allocated_budget"), validators=[Optional()])
    start_date = DateField(_label("start_date"), validators=[Optional()])
    planned_end_date = DateField(
        _label("planned_end_date"), validators=[Optional()], **_hint("planned_end_date")
    )
    owner_id = TranslatedSelectField(
        _label("owner_id"), coerce=id_or_none, validators=[Optional()], **_hint("owner_id")
    )
    city_unit = StringField(_label("city_unit"), render_kw={"maxlength": LINE_MAX})
    reason = TextAreaField(
        _l("Reason for the rejection"), render_kw={"rows": 4, "maxlength": REASON_MAX}
    )
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])

    renames = {"to": "to_status"}

    def values(self) -> dict[str, object]:
        """The chosen move's fields, as the staging service takes them."""
        names = (
            ("allocated_budget", "start_date", "planned_end_date", "owner_id", "city_unit")
            if self.to_status.data == StagedMove.PILOT.value
            else ("reason",)
        )
        return {name: getattr(self, name).data for name in names}
