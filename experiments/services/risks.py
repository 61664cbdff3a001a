"""An experiment's risks as on the city's scorecards: adding, reassessing, the 4×4 matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from ..errors import NotAllowed
from ..extensions import db
from ..models import Experiment, ProgrammeRisk, Risk, RiskVersion, User
from ..models.risk import RiskAssessment
from ..models.written import writing_language
from ..rules import NAME_MAX, REASON_MAX, RISK_MAX, RISK_MIN
from ..vocabulary import RiskStatus
from .experiments import check_recording
from .inputs import Fields
from .transaction import transactional


@transactional
def add_risk(experiment: Experiment, actor: User, **values: object) -> Risk:
    """Add a risk as on the city's scorecards: probability and impact 1–4, a status."""
    check_recording(experiment, actor)
    risk = Risk(experiment_id=experiment.id, **risk_values(values))
    db.session.add(risk)
    assessed(risk, actor)
    return risk


@transactional
def reassess_risk(experiment: Experiment, risk: Risk, actor: User, **values: object) -> Risk:
    """Change a risk of the experiment as the pilot goes on (its status, above all)."""
    check_recording(experiment, actor)
    if risk.experiment_id != experiment.id:
        raise NotAllowed(_("The risk belongs to another experiment."))
    for name, value in risk_values(values).items():
        setattr(risk, name, value)
    risk.language = writing_language()  # the texts are the latest writer's
    assessed(risk, actor)
    return risk


def assessed(risk: Risk | ProgrammeRisk, actor: User) -> RiskVersion:
    """Keep the risk's assessment as it now stands as a version of its own."""
    version = RiskVersion(
        probability=risk.probability,
        impact=risk.impact,
        mitigation=risk.mitigation,
        status=risk.status,
        assessed_by_id=actor.id,
        language=writing_language(),
    )
    risk.assessments.append(version)
    return version


def risk_values(values: Mapping[str, object], summary: str = "") -> dict[str, object]:
    """A risk assessment's checked values (an experiment's or a programme's; its owner is
    optional); raises Invalid naming each wrong field (and the summary, when given)."""
    fields = Fields()
    checked: dict[str, object] = {
        "description": fields.text(
            "description",
            values.get("description"),
            max_length=REASON_MAX,
            required=True,
            message=_("Describe the risk."),
        ),
        "probability": fields.integer(
            "probability",
            values.get("probability"),
            RISK_MIN,
            RISK_MAX,
            _(
                "Probability is a whole number from %(low)d to %(high)d.",
                low=RISK_MIN,
                high=RISK_MAX,
            ),
        ),
        "impact": fields.integer(
            "impact",
            values.get("impact"),
            RISK_MIN,
            RISK_MAX,
            _("Impact is a whole number from %(low)d to %(high)d.", low=RISK_MIN, high=RISK_MAX),
        ),
        "mitigation": fields.text("mitigation", values.get("mitigation"), max_length=REASON_MAX),
        "status": fields.choice("status", values.get("status"), RiskStatus),
        "owner": fields.text("owner", values.get("owner"), max_length=NAME_MAX, one_line=True),
    }
    fields.raise_if_any(summary)
    return checked


@dataclass(frozen=True)
class MatrixCell:
    probability: int
    impact: int
    risks: list[tuple[int, RiskAssessment]]  # (number in the experiment's list, risk)

    @property
    def score(self) -> int:
        return self.probability * self.impact


def risk_matrix(risks: Sequence[RiskAssessment]) -> list[tuple[int, list[MatrixCell]]]:
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
