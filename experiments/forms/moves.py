"""Forms for workflow moves, generated from the transition table's required fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..lifecycle import Transition
from ..rules import REASON_MAX
from .base import PageForm
from .fields import TranslatedSelectField
from .validators import MoneyField


def _text(label):
    return lambda required: TextAreaField(
        label, validators=[_need(required), Length(max=REASON_MAX)], render_kw={"rows": 4}
    )


def _need(required: bool):
    return DataRequired() if required else Optional()


# One builder per field name a move may require (SPEC: transition request bodies).
FIELD_BUILDERS = {
    "reason": _text(_l("Reason")),
    "question": _text(_l("Question to the applicant")),
    "answer": _text(_l("Your answer")),
    "decision": _text(_l("Decision")),
    "lessons_learned": _text(_l("Lessons learned")),
    "allocated_budget": lambda required: MoneyField(
        _l("Allocated budget (EUR)"), validators=[_need(required)]
    ),
    "start_date": lambda required: DateField(_l("Start date"), validators=[_need(required)]),
    "planned_end_date": lambda required: DateField(
        _l("Planned end date"),
        validators=[_need(required)],
        description=_l("After the start, at most 24 months later."),
    ),
    "actual_end_date": lambda required: DateField(
        _l("Actual end date"), validators=[_need(required)]
    ),
    "owner_id": lambda required: TranslatedSelectField(
        _l("Owner in the city"), coerce=int, validators=[InputRequired()]
    ),
    "city_unit": lambda required: StringField(
        _l("City unit"), validators=[_need(required), Length(max=200)]
    ),
}


class _MoveForm(PageForm):
    to = HiddenField()
    version = IntegerField(widget=HiddenField.widget)


def move_form(edge: Transition, **kwargs) -> FlaskForm:
    """A form with exactly the fields this edge takes, prefixed by its target state.

    Pass formdata=None for a blank form; owner choices are given by the caller.
    """
    owner_choices = kwargs.pop("owner_choices", [])

    class MoveForm(_MoveForm):
        pass

    for name in edge.fields:
        setattr(MoveForm, name, FIELD_BUILDERS[name](name in edge.requires))
    form = MoveForm(prefix=edge.target.value, **kwargs)
    if "owner_id" in edge.fields:
        form.owner_id.choices = owner_choices
    form.to.data = edge.target.value
    form.move_fields = [getattr(form, name) for name in edge.fields]
    return form


def move_values(form: FlaskForm, edge: Transition) -> dict:
    """The values of the edge's fields, as the workflow service takes them."""
    return {name: getattr(form, name).data for name in edge.fields}
