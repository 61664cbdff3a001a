"""What a generator plans before it writes: proposals, their experiments, and who acts.

Plans are plain rows and tuples; write_plans() inserts a chunk of them in bulk, every
child row pointing at its parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from .. import review_scores, search
from ..models import (
    Evaluation,
    Expense,
    Experiment,
    ExperimentPartner,
    Participation,
    Proposal,
    ProposalCentre,
    ProposalSdg,
    Review,
    Risk,
    RiskVersion,
    StatusChange,
    proposal_partner,
)
from .bulk import BulkWriter, child_columns
from .draws import DemoRandom

# The languages of the demo texts, by their index in the texts' pairs.
LANGUAGES = ("fi", "en")


@dataclass(frozen=True)
class Cast:
    """The dice, and the staff member and manager who act in every story."""

    rng: DemoRandom
    staff_id: int
    manager_id: int


@dataclass
class CallInfo:
    id: int
    opens_on: date
    closes_on: date


@dataclass
class PlannedExperiment:
    row: dict
    partners: list[tuple[int, str]] = field(default_factory=list)
    participation: list[tuple[date, str, int]] = field(default_factory=list)
    expenses: list[tuple[date, Decimal, str]] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    evaluation: dict | None = None


@dataclass
class PlannedProposal:
    row: dict
    centres: list[str]
    sdgs: list[int]
    partners: list[int] = field(default_factory=list)
    moves: list[tuple] = field(default_factory=list)  # (from, to, at, actor_id, reason)
    reviews: list[dict] = field(default_factory=list)
    experiment: PlannedExperiment | None = None


VERSIONED = ("probability", "impact", "mitigation", "status", "language")


def write_plans(writer: BulkWriter, plans: list[PlannedProposal], author_id: int) -> None:
    """Insert the planned proposals and everything that hangs on them, in bulk."""
    for plan in plans:
        plan.row["version"] = 1 + len(plan.moves)
        plan.row.setdefault("submitted_at", None)
    ids = writer.insert(Proposal, [p.row for p in plans], returning=True)
    pairs = list(zip(ids, plans, strict=True))
    writer.insert(
        ProposalCentre,
        columns=child_columns(
            pairs, "proposal_id", ("centre",), lambda p: [(c,) for c in p.centres]
        ),
    )
    writer.insert(
        ProposalSdg,
        columns=child_columns(pairs, "proposal_id", ("sdg",), lambda p: [(g,) for g in p.sdgs]),
    )
    writer.insert(
        proposal_partner,
        columns=child_columns(
            pairs, "proposal_id", ("organisation_id",), lambda p: [(o,) for o in p.partners]
        ),
    )
    writer.insert(
        StatusChange,
        columns=child_columns(
            pairs,
            "proposal_id",
            ("from_status", "to_status", "at", "actor_id", "reason", "language"),
            lambda p: [(*move, p.row["language"]) for move in p.moves],
        ),
    )
    writer.insert(Review, [{"proposal_id": i, **r} for i, p in pairs for r in p.reviews])
    _write_experiments(writer, [(i, p.experiment) for i, p in pairs if p.experiment], author_id)
    # Past the ORM, so past the session's own tracking: the index and the scores in the same
    # transaction.
    search.refresh(ids)
    review_scores.refresh(ids)


def _write_experiments(
    writer: BulkWriter, experiments: list[tuple[int, PlannedExperiment]], author_id: int
) -> None:
    """Insert the experiments of the proposals (by id) and their records."""
    experiment_ids = writer.insert(
        Experiment, [{"proposal_id": i, **e.row} for i, e in experiments], returning=True
    )
    done = list(zip(experiment_ids, (e for _, e in experiments), strict=True))
    writer.insert(
        ExperimentPartner,
        columns=child_columns(
            done, "experiment_id", ("organisation_id", "role"), lambda e: e.partners
        ),
    )
    participation = child_columns(
        done, "experiment_id", ("date", "category", "count"), lambda e: e.participation
    )
    participation["note"] = [""] * len(participation["date"])
    participation["created_at"] = [_afternoon(d) for d in participation["date"]]
    writer.insert(Participation, columns=participation)
    expenses = child_columns(
        done, "experiment_id", ("date", "amount", "description"), lambda e: e.expenses
    )
    expenses["created_at"] = [_afternoon(d) for d in expenses["date"]]
    writer.insert(Expense, columns=expenses)
    risks = [{"experiment_id": i, "owner": "", **r} for i, e in done for r in e.risks]
    risk_ids = writer.insert(Risk, risks, returning=True)
    # Each risk's one assessment so far, as the service keeps it.
    writer.insert(
        RiskVersion,
        [
            {
                "risk_id": risk_id,
                "assessed_at": risk["created_at"],
                **{key: risk[key] for key in VERSIONED},
            }
            for risk_id, risk in zip(risk_ids, risks, strict=True)
        ],
    )
    writer.insert(
        Evaluation,
        [
            {"experiment_id": i, "author_id": author_id, **e.evaluation}
            for i, e in done
            if e.evaluation
        ],
    )


@lru_cache(maxsize=1 << 14)
def _afternoon(day: date) -> datetime:
    """When a record dated `day` was entered: that afternoon."""
    return datetime(day.year, day.month, day.day, 13, tzinfo=UTC)
