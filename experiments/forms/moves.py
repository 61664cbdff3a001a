"""Forms for workflow moves, generated from the transition table's required fields.

They shape the input only; the workflow service checks the values (lengths and all).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..lifecycle import FieldKind, MoveField, Transition
from ..rules import LINE_MAX, REASON_MAX
from .base import PageForm
from .confirm import ConfirmForm
from .fields import TranslatedSelectField
from .validators import MoneyField


def _need(required: bool):
    return DataRequired() if required else Optional()


# One widget per kind of value a move takes; the table says which fields an edge takes.
_WIDGETS = {
    FieldKind.TEXT: lambda label, required, **kw: TextAreaField(
        label,
        validators=[_need(required)],
        render_kw={"rows": 4, "maxlength": REASON_MAX},
        **kw,
    ),
    FieldKind.LINE: lambda label, required, **kw: StringField(
        label, validators=[_need(required)], render_kw={"maxlength": LINE_MAX}, **kw
    ),
    FieldKind.MONEY: lambda label, required, **kw: MoneyField(
        label, validators=[_need(required)], **kw
    ),
    FieldKind.DATE: lambda label, required, **kw: DateField(
        label, validators=[_need(required)], **kw
    ),
    # The choices (active staff members) are given by the caller.
    FieldKind.STAFF_MEMBER: lambda label, required, **kw: TranslatedSelectField(
        label, coerce=int, validators=[InputRequired() if required else Optional()], **kw
    ),
}


def _form_field(field: MoveField, required: bool):
    description = {"description": _l(field.description)} if field.description else {}
    return _WIDGETS[field.kind](_l(field.label), required, **description)


class _MoveForm(PageForm):
    to = HiddenField()
    version = IntegerField(widget=HiddenField.widget)


class _IrreversibleMoveForm(ConfirmForm, _MoveForm):
    """A move that cannot be undone: made only when sent again from its confirmation page."""


def move_form(edge: Transition, **kwargs) -> FlaskForm:
    """A form with exactly the fields this edge takes, prefixed by its target state.

    An irreversible edge's form also has `confirmed` (see forms.confirm). Pass formdata=None
    for a blank form; owner choices are given by the caller.
    """
    owner_choices = kwargs.pop("owner_choices", [])

    base = _IrreversibleMoveForm if edge.irreversible else _MoveForm

    class MoveForm(base):
        pass

    for field in edge.move_fields:
        setattr(MoveForm, field.name, _form_field(field, field.name in edge.requires))
    form = MoveForm(prefix=edge.target.value, **kwargs)
    for field in edge.move_fields:
        if field.kind == FieldKind.STAFF_MEMBER:
            getattr(form, field.name).choices = owner_choices
    form.to.data = edge.target.value
    form.move_fields = [getattr(form, name) for name in edge.fields]
    return form


def move_values(form: FlaskForm, edge: Transition) -> dict:
    """The values of the edge's fields, as the workflow service takes them."""
    return {name: getattr(form, name).data for name in edge.fields}
