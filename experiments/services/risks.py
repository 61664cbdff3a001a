"""An experiment's risks as on the city's scorecards: adding, reassessing, the 4×4 matrix."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..errors import NotAllowed
from ..extensions import db
from ..models import Experiment, Risk, User
from ..models.written import writing_language
from ..rules import REASON_MAX, RISK_MAX, RISK_MIN
from ..vocabulary import RiskStatus
from .experiments import check_recording
from .inputs import Fields
from .transaction import transactional

OWNER_MAX = 200


@transactional
def add_risk(experiment: Experiment, actor: User, **values) -> Risk:
    """Add a risk as on the city's scorecards: probability and impact 1–4, a status."""
    check_recording(experiment, actor)
    risk = Risk(experiment_id=experiment.id, **_risk_values(**values))
    db.session.add(risk)
    return risk


@transactional
def reassess_risk(experiment: Experiment, risk: Risk, actor: User, **values) -> Risk:
    """Change a risk of the experiment as the pilot goes on (its status, above all)."""
    check_recording(experiment, actor)
    if risk.experiment_id != experiment.id:
        raise NotAllowed(_("The risk belongs to another experiment."))
    for name, value in _risk_values(**values).items():
        setattr(risk, name, value)
    risk.language = writing_language()  # the texts are the latest writer's
    return risk


def _risk_values(*, description, probability, impact, mitigation, status, owner="") -> dict:
    """A risk's checked values; raises Invalid naming each wrong field."""
    fields = Fields()
    values = {
        "description": fields.text(
            "description",
            description,
            max_length=REASON_MAX,
            required=True,
            message=_("Describe the risk."),
        ),
        "probability": fields.integer(
            "probability",
            probability,
            RISK_MIN,
            RISK_MAX,
            _("Probability is a whole number from 1 to 4."),
        ),
        "impact": fields.integer(
            "impact", impact, RISK_MIN, RISK_MAX, _("Impact is a whole number from 1 to 4.")
        ),
        "mitigation": fields.text("mitigation", mitigation, max_length=REASON_MAX),
        "status": fields.choice("status", status, RiskStatus),
        "owner": fields.text("owner", owner, max_length=OWNER_MAX, one_line=True),
    }
    fields.raise_if_any()
    return values


@dataclass(frozen=True)
class MatrixCell:
    probability: int
    impact: int
    risks: list  # (number in the experiment's list, risk)

    @property
    def score(self) -> int:
        return self.probability * self.impact


def risk_matrix(risks) -> list[tuple[int, list[MatrixCell]]]:
    """Rows of the 4×4 matrix, highest impact first: (impact, cells by probability 1–4)."""
    numbered = list(enumerate(risks, start=1))
    levels = range(RISK_MIN, RISK_MAX + 1)
    return [
        (
            impact,
            [
                MatrixCell(
                    p,
                    impact,
                    [(n, r) for n, r in numbered if r.probability == p and r.impact == impact],
                )
                for p in levels
            ],
        )
        for impact in reversed(levels)
    ]
