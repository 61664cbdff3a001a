"""Forms for programmes (period and annual budgets) and their calls for proposals."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..models import REVIEW_CRITERIA
from ..rules import (
    NAME_MAX,
    PROGRAMME_TEXT_MAX,
    PROGRAMME_YEAR_MAX,
    PROGRAMME_YEAR_MIN,
    SCORE_MAX,
    SCORE_MIN,
    WEIGHT_MAX,
    WEIGHT_MIN,
)
from ..services.inputs import to_int
from .base import PageForm
from .screening import CRITERIA_LABELS
from .validators import MoneyField, WholeNumberField


def _year(label):
    return WholeNumberField(
        label,
        validators=[InputRequired(message=_l("Give the year, e.g. 2025."))],
        render_kw={"inputmode": "numeric", "min": PROGRAMME_YEAR_MIN, "max": PROGRAMME_YEAR_MAX},
    )


def _name(label):
    return StringField(label, validators=[DataRequired()], render_kw={"maxlength": NAME_MAX})


def _description():
    return TextAreaField(
        _l("Description"),
        validators=[Optional()],
        render_kw={"rows": 5, "maxlength": PROGRAMME_TEXT_MAX},
    )


class ProgrammeForm(PageForm):
    """A programme's fields; the programme service checks them (lengths, the period, the
    budgets) and its messages come back onto these fields."""

    version = HiddenField()
    name = _name(_l("Name"))
    description = _description()
    start_year = _year(_l("First year"))
    end_year = _year(_l("Last year"))
    annual_budget = MoneyField(
        _l("Annual budget (EUR)"),
        validators=[Optional()],
        description=_l("Used for every year of the period that has no budget of its own."),
    )
    budget_years: tuple[int, ...] = ()

    @property
    def budget_fields(self) -> list:
        """The fields of the years that already have a budget, in year order."""
        return [self[budget_field_name(y)] for y in self.budget_years]

    def values(self) -> dict:
        """The typed values the programme service takes."""
        return {
            "name": self.name.data,
            "description": self.description.data,
            "start_year": self.start_year.data,
            "end_year": self.end_year.data,
            "annual_budget": self.annual_budget.data,
            "budgets": {y: self[budget_field_name(y)].data for y in self.budget_years},
            "version": to_int(self.version.data),
        }


def budget_field_name(year: int) -> str:
    """The form field (and the service's error key) of one year's budget."""
    return f"budget_{year}"


def programme_form(years=(), **kwargs) -> ProgrammeForm:
    """A programme form with one budget field for each of these (existing) years.

    Years the period gains take the common annual budget until they have their own row.
    """

    class Form(ProgrammeForm):
        budget_years = tuple(years)

    for year in years:
        setattr(
            Form,
            budget_field_name(year),
            MoneyField(
                _l("Budget for %(year)d (EUR)", year=year),
                validators=[Optional()],
            ),
        )
    return Form(**kwargs)


class CallForm(PageForm):
    """A call's fields; the programme service checks them."""

    title = _name(_l("Title"))
    description = _description()
    opens_on = DateField(
        _l("Opens on"),
        validators=[InputRequired(message=_l("Give the opening date."))],
        description=_l("Within the programme period."),
    )
    closes_on = DateField(
        _l("Closes on"),
        validators=[InputRequired(message=_l("Give the closing date."))],
        description=_l("On or after the opening date, within the programme period."),
    )

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data,
            "opens_on": self.opens_on.data,
            "closes_on": self.closes_on.data,
            # Only those sent: a form that leaves them out keeps the call's scoring as it is.
            **{name: self[name].data for name in SCORING_FIELDS if self[name].raw_data},
        }

    def weights(self) -> list:
        return [self[f"weight_{c}"] for c in REVIEW_CRITERIA]

    def minimums(self) -> list:
        return [self[f"minimum_{c}"] for c in REVIEW_CRITERIA]


_WEIGHT_MESSAGE = _l(
    "Give a whole number from %(low)d to %(high)d.", low=WEIGHT_MIN, high=WEIGHT_MAX
)
_MINIMUM_MESSAGE = _l(
    "Give a whole number from %(low)d to %(high)d, or leave it empty.",
    low=SCORE_MIN,
    high=SCORE_MAX,
)
# Each criterion's weight in the call's score and its minimum mean score (the programme
# service checks both).
for _criterion in REVIEW_CRITERIA:
    setattr(
        CallForm,
        f"weight_{_criterion}",
        WholeNumberField(
            CRITERIA_LABELS[_criterion],
            default=1,
            message=_WEIGHT_MESSAGE,
            validators=[Optional()],  # the service requires it, when the form sends it
            render_kw={"min": WEIGHT_MIN, "max": WEIGHT_MAX, "inputmode": "numeric"},
        ),
    )
    setattr(
        CallForm,
        f"minimum_{_criterion}",
        WholeNumberField(
            CRITERIA_LABELS[_criterion],
            message=_MINIMUM_MESSAGE,
            validators=[Optional()],
            render_kw={"min": SCORE_MIN, "max": SCORE_MAX, "inputmode": "numeric"},
        ),
    )
SCORING_FIELDS = [f"{kind}_{c}" for c in REVIEW_CRITERIA for kind in ("weight", "minimum")]
