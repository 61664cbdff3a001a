"""Validators shared by the forms."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, widgets
from wtforms.validators import ValidationError


class MoneyField(DecimalField):
    """Euros with at most two decimals; a comma is accepted as the decimal mark."""

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
            if not self.data.is_finite():
                self.data = None
                raise ValueError(_l("Enter an amount in euros, e.g. 12500 or 12500.50."))
            if self.data.as_tuple().exponent < -2:
                self.data = None
                raise ValueError(_l("Use at most two decimals (cents)."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"


class Between:
    """Inclusive range with a message that names the limits."""

    def __init__(self, low, high, message=None):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field):
        if field.data is None:
            return
        if not (self.low <= field.data <= self.high):
            raise ValidationError(
                self.message
                or _l(
                    "Enter a value from %(low)s to %(high)s.",
                    low=_fmt(self.low),
                    high=_fmt(self.high),
                )
            )


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.0f}".replace(",", " ")
    return str(value)
