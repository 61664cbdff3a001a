"""Fields whose choices carry untranslated labels and are translated when rendered."""

from flask_babel import gettext
from wtforms import SelectField, SelectMultipleField, widgets


class _Translated:
    def iter_choices(self):
        return [
            choice._replace(label=gettext(choice.label))
            if isinstance(choice.label, str) else choice
            for choice in super().iter_choices()
        ]


class TranslatedSelectField(_Translated, SelectField):
    pass


class CheckboxesField(_Translated, SelectMultipleField):
    """A group of checkboxes (rendered inside a fieldset by the form macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()
