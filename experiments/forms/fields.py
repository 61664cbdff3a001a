"""Choice fields whose labels are translated when rendered, not when declared."""

from flask_babel import gettext
from wtforms import RadioField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice


def id_or_none(value: object) -> int | None:
    """A chosen record's id; None for the empty "Choose…" option (or anything not an id)."""
    text = "" if value is None else str(value)
    return int(text) if text.isdigit() else None


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms' SelectChoice objects."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(*p) for p in pairs]


class _Translated:
    """Takes (value, untranslated label) pairs; shows labels in the page's language."""

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, choices=None if choices is None else as_choices(choices), **kwargs)

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, pairs):
        self._choices = None if pairs is None else as_choices(pairs)

    def _label(self, choice) -> str:
        return gettext(choice.label) if isinstance(choice.label, str) else str(choice.label)

    def iter_choices(self):
        return [c._replace(label=self._label(c)) for c in super().iter_choices()]


class TranslatedSelectField(_Translated, SelectField):
    pass


class ChoiceRadioField(_Translated, RadioField):
    pass


class CheckboxesField(_Translated, SelectMultipleField):
    """A group of checkboxes (rendered inside a fieldset by the form macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SdgField(CheckboxesField):
    """The UN goals, shown with their numbers."""

    def _label(self, choice) -> str:
        return f"{choice.value}. {gettext(choice.label)}"
