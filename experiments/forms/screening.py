"""The screening review form, its rubric, and the queue's bulk move."""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired

from ..rules import REASON_MAX, SCORE_MAX, SCORE_MIN
from .base import PageForm
from .confirm import ConfirmForm
from .fields import ChoiceRadioField

CRITERIA_LABELS = {
    "need": _l("Meets a real service need"),
    "benefit": _l("Benefit for the city and its customers"),
    "reusability": _l("Reusable across services and customer groups"),
    "feasibility": _l("Feasibility"),
    "cost_effectiveness": _l("Cost-effectiveness"),
}

# What a score of 1, 3 and 5 means for each criterion, so reviewers score alike.
RUBRICS = {
    "need": (
        (1, _l("No clear need: the problem is vague or already solved.")),
        (3, _l("A real need of one service or customer group.")),
        (5, _l("A pressing, well-evidenced need shared widely.")),
    ),
    "benefit": (
        (1, _l("Little benefit, or only for the proposer.")),
        (3, _l("A clear benefit for one service or customer group.")),
        (5, _l("A large, measurable benefit for the city and its customers.")),
    ),
    "reusability": (
        (1, _l("Fits this one case only.")),
        (3, _l("Could be reused in a few services.")),
        (5, _l("Reusable across many services and customer groups.")),
    ),
    "feasibility": (
        (1, _l("An unrealistic plan, schedule or team.")),
        (3, _l("Feasible, with some risks or open questions.")),
        (5, _l("A clear, realistic plan with the skills and partners in place.")),
    ),
    "cost_effectiveness": (
        (1, _l("The cost far exceeds the expected benefit.")),
        (3, _l("A reasonable cost for the expected benefit.")),
        (5, _l("A large benefit for a small cost.")),
    ),
}


# The choice of a reviewer who cannot judge a criterion: it then counts in no score.
ABSTAIN = "abstain"


def _score_value(value):
    return value if value in (ABSTAIN, None) else int(value)


def _score(label):
    return ChoiceRadioField(
        label,
        coerce=_score_value,
        choices=[
            *((n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)),
            (ABSTAIN, _l("Abstain")),
        ],
        validators=[InputRequired(message=_l("Give a score from 1 to 5."))],
    )


class ReviewForm(PageForm):
    """The scores and the comment; the review service checks them (reviews.review_values)."""

    need = _score(CRITERIA_LABELS["need"])
    benefit = _score(CRITERIA_LABELS["benefit"])
    reusability = _score(CRITERIA_LABELS["reusability"])
    feasibility = _score(CRITERIA_LABELS["feasibility"])
    cost_effectiveness = _score(CRITERIA_LABELS["cost_effectiveness"])
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 4, "maxlength": REASON_MAX})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        review = kwargs.get("obj")
        if kwargs.get("formdata", True) is None and review is not None:
            for name in CRITERIA_LABELS:  # a saved abstention shows as chosen
                if getattr(review, name) is None:
                    self[name].data = ABSTAIN

    def criteria(self) -> list[tuple[RadioField, tuple[tuple[int, LazyString], ...]]]:
        """Each score's field with its rubric, in the order of the criteria."""
        return [(self[name], RUBRICS[name]) for name in CRITERIA_LABELS]

    def values(self) -> dict[str, object]:
        """The scores (None where abstained) and the comment, as reviews.review_values takes
        them."""
        scores = {n: None if self[n].data == ABSTAIN else self[n].data for n in CRITERIA_LABELS}
        return {**scores, "comment": self.comment.data}


class BulkStartForm(ConfirmForm):
    """Start screening the proposals chosen in the queue; sent again from its confirmation."""

    # The service says which ids name proposals; here they need only be whole numbers.
    proposal = SelectMultipleField(coerce=int, validate_choice=False)
    # The queue's query string, to go back to the same view of it.
    back = HiddenField()
