"""The screening review form and the queue's filters."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from ..rules import REASON_MAX, SCORE_MAX, SCORE_MIN
from .base import PageForm
from .fields import ChoiceRadioField

CRITERIA_LABELS = {
    "need": _l("Meets a real service need"),
    "benefit": _l("Benefit for the city and its customers"),
    "reusability": _l("Reusable across services and customer groups"),
    "feasibility": _l("Feasibility"),
    "cost_effectiveness": _l("Cost-effectiveness"),
}


def _score(label):
    return ChoiceRadioField(
        label,
        coerce=int,
        choices=[(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)],
        validators=[InputRequired(message=_l("Give a score from 1 to 5."))],
    )


class ReviewForm(PageForm):
    need = _score(CRITERIA_LABELS["need"])
    benefit = _score(CRITERIA_LABELS["benefit"])
    reusability = _score(CRITERIA_LABELS["reusability"])
    feasibility = _score(CRITERIA_LABELS["feasibility"])
    cost_effectiveness = _score(CRITERIA_LABELS["cost_effectiveness"])
    comment = TextAreaField(
        _l("Comment"), validators=[Length(max=REASON_MAX)], render_kw={"rows": 4}
    )
