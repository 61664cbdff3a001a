"""Fields shared by the forms: money and whole numbers as people type them."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, widgets
from wtforms.validators import StopValidation

from ..rules import INTEGER_MAX


class MoneyField(DecimalField):
    """Euros as typed ("12 500,50"): a Decimal, whose places and limits the service checks."""

    # A text box, not type=number: browsers drop "12 500,50" from a number box silently.
    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace("\u00a0", "").replace(" ", "").replace(",", ".")]
        super().process_formdata(valuelist)
        if self.data is not None:
            if not self.data.is_finite():  # "NaN" or "Infinity" reads as no amount at all
                self.data = None
                raise ValueError(_l("Enter an amount in euros, e.g. 12500 or 12500.50."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"


class WholeNumberField(IntegerField):
    """A whole number that the database can hold; message, if given, says what to enter.

    A number that cannot be read is said once: the range checks after it are skipped (WTForms'
    NumberRange would even fail on a number too large for a float).
    """

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # nothing typed: InputRequired or Optional decides
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message or str(error)) from error
        if self.data is not None and not -INTEGER_MAX <= self.data <= INTEGER_MAX:
            self.data = None
            raise ValueError(self.message or _l("Enter a number with fewer digits."))

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
