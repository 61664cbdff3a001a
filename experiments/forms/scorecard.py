"""Forms of the programme scorecard: goals, follow-ups and programme risks."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import TextInput

from ..models.scorecard import GoalDirection
from ..rules import GOAL_TEXT_MAX, NAME_MAX, REASON_MAX, RISK_MAX, RISK_MIN, UNIT_MAX
from ..scorecard import DIRECTION_LABELS, FOLLOW_UP_STATUS_LABELS, RISK_STATUS_LABELS
from ..scorecard import metric_choices as _metric_choices
from ..services.inputs import to_decimal
from ..vocabulary import RiskStatus
from .base import PageForm
from .fields import ChoiceRadioField, TranslatedSelectField


class FigureField(Field):
    """A number typed as people write it: spaces and a decimal comma are fine. The scorecard
    service checks its range and places."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Enter a number, e.g. 150 or 12.5.")

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            return
        self.data = to_decimal(text)
        if self.data is None:
            raise ValueError(self.message)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class MetricField(TranslatedSelectField):
    """The metric list; an unknown code is refused by name, not as 'Not a valid choice'."""

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(
                _l("Unknown metric “%(code)s”: choose one from the list.", code=self.data or "")
            )


_GOAL_HINT = _l("At most %(n)d characters.", n=GOAL_TEXT_MAX)


class GoalForm(PageForm):
    text_fi = TextAreaField(
        _l("Goal in Finnish"),
        validators=[DataRequired()],
        description=_GOAL_HINT,
        render_kw={"rows": 2, "lang": "fi", "maxlength": GOAL_TEXT_MAX},
    )
    text_sv = TextAreaField(
        _l("Goal in Swedish"),
        validators=[Optional()],
        description=_l("Optional; the Finnish text is shown when missing."),
        render_kw={"rows": 2, "lang": "sv", "maxlength": GOAL_TEXT_MAX},
    )
    text_en = TextAreaField(
        _l("Goal in English"),
        validators=[Optional()],
        description=_l("Optional; the Finnish text is shown when missing."),
        render_kw={"rows": 2, "lang": "en", "maxlength": GOAL_TEXT_MAX},
    )
    metric = MetricField(
        _l("Metric"),
        choices=_metric_choices(),
        description=_l(
            "A programme statistic is computed from the records; a manual metric "
            "is entered with each follow-up. A goal whose period lies within one "
            "calendar year is measured with that year's statistics."
        ),
    )
    direction = TranslatedSelectField(
        _l("Target type"),
        choices=[(d.value, DIRECTION_LABELS[d]) for d in GoalDirection],
        default=GoalDirection.AT_LEAST.value,
    )
    target = FigureField(
        _l("Target"),
        validators=[InputRequired(message=_l("Enter the target."))],
        message=_l("Enter the target as a number, e.g. 150 or 12.5."),
    )
    unit = StringField(
        _l("Unit"),
        validators=[Optional()],
        description=_l("Optional; the metric's own unit is used when empty."),
        render_kw={"maxlength": UNIT_MAX},
    )
    period_start = DateField(
        _l("Period starts"), validators=[InputRequired(message=_l("Enter a date."))]
    )
    period_end = DateField(
        _l("Period ends"), validators=[InputRequired(message=_l("Enter a date."))]
    )

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "text_fi",
                "text_sv",
                "text_en",
                "metric",
                "direction",
                "target",
                "unit",
                "period_start",
                "period_end",
            )
        }


class FollowUpForm(PageForm):
    date = DateField(_l("Follow-up date"), validators=[InputRequired(message=_l("Enter a date."))])
    value = FigureField(_l("Value on that date"), validators=[Optional()])
    status = ChoiceRadioField(
        _l("Status"),
        choices=[(s.value, FOLLOW_UP_STATUS_LABELS[s]) for s in RiskStatus],
        validators=[InputRequired(message=_l("Choose green, yellow or red."))],
    )
    comment = TextAreaField(
        _l("Comment"), validators=[Optional()], render_kw={"rows": 4, "maxlength": REASON_MAX}
    )

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("date", "value", "status", "comment")}


_LEVELS = [(n, str(n)) for n in range(RISK_MIN, RISK_MAX + 1)]


class RiskForm(PageForm):
    description = TextAreaField(
        _l("Risk"), validators=[DataRequired()], render_kw={"rows": 3, "maxlength": REASON_MAX}
    )
    probability = ChoiceRadioField(
        _l("Probability (1 = unlikely, 4 = very likely)"),
        coerce=int,
        choices=_LEVELS,
        validators=[InputRequired(message=_l("Choose from 1 to 4."))],
    )
    impact = ChoiceRadioField(
        _l("Impact (1 = minor, 4 = severe)"),
        coerce=int,
        choices=_LEVELS,
        validators=[InputRequired(message=_l("Choose from 1 to 4."))],
    )
    mitigation = TextAreaField(
        _l("Mitigation"), validators=[Optional()], render_kw={"rows": 3, "maxlength": REASON_MAX}
    )
    owner = StringField(_l("Owner"), validators=[Optional()], render_kw={"maxlength": NAME_MAX})
    status = ChoiceRadioField(
        _l("Status"),
        choices=[(s.value, RISK_STATUS_LABELS[s]) for s in RiskStatus],
        validators=[InputRequired(message=_l("Choose green, yellow or red."))],
    )

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "description",
                "probability",
                "impact",
                "mitigation",
                "owner",
                "status",
            )
        }
