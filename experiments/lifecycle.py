"""The proposal workflow as data: states, roles and the one transition table.

Pure Python: no Flask, no database. Everything that moves a proposal, draws an
action button or explains a refused move asks this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


def N_(message: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return message


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCREENING = "screening"
    MORE_INFO = "more_info"
    REJECTED = "rejected"
    PILOT = "pilot"
    EVALUATION = "evaluation"
    ADOPTED = "adopted"
    DISCONTINUED = "discontinued"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    APPLICANT = "applicant"
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"


TERMINAL = frozenset({Status.REJECTED, Status.ADOPTED, Status.DISCONTINUED, Status.WITHDRAWN})
# The applicant may change the proposal's content only in these states.
EDITABLE = frozenset({Status.DRAFT, Status.MORE_INFO})
# From pilot on a proposal is an experiment: public, with budget and people.
EXPERIMENT_STATES = frozenset(
    {Status.PILOT, Status.EVALUATION, Status.ADOPTED, Status.DISCONTINUED}
)
# An experiment's outcome: the manager's decision, with its reason and lessons.
DECIDED_STATES = frozenset({Status.ADOPTED, Status.DISCONTINUED})
# States whose proposals count as having "left draft" (SPEC: statistics).
SUBMITTED_STATES = frozenset(Status) - {Status.DRAFT}
# States a proposal can only be in after screening started.
SCREENED_STATES = EXPERIMENT_STATES | {Status.SCREENING, Status.MORE_INFO, Status.REJECTED}
STAFF_ROLES = frozenset({Role.STAFF, Role.MANAGER})
# A pilot's team takes records (expenses, participation, risks) while it runs and is evaluated.
RECORDING_STATES = frozenset({Status.PILOT, Status.EVALUATION})
# Staff review a proposal from its submission until the screening ends.
REVIEWABLE_STATES = frozenset({Status.SUBMITTED, Status.SCREENING, Status.MORE_INFO})
# A move into one of these ends the proposal without the city taking it up: its button is
# drawn as a destructive action, apart from the moves that carry the work on.
STOPPED_STATES = frozenset({Status.REJECTED, Status.DISCONTINUED, Status.WITHDRAWN})

STATUS_LABELS = {
    Status.DRAFT: N_("Draft"),
    Status.SUBMITTED: N_("Submitted"),
    Status.SCREENING: N_("In screening"),
    Status.MORE_INFO: N_("More information requested"),
    Status.REJECTED: N_("Rejected"),
    Status.PILOT: N_("Pilot"),
    Status.EVALUATION: N_("In evaluation"),
    Status.ADOPTED: N_("Adopted"),
    Status.DISCONTINUED: N_("Discontinued"),
    Status.WITHDRAWN: N_("Withdrawn"),
}

ROLE_LABELS = {
    Role.APPLICANT: N_("Applicant"),
    Role.STAFF: N_("City staff"),
    Role.MANAGER: N_("Programme manager"),
    Role.ADMIN: N_("Administrator"),
}


class FieldKind(StrEnum):
    """What a move's field holds; forms and API schemas build their input from it."""

    TEXT = "text"  # several lines, at most REASON_MAX characters
    LINE = "line"  # one line, at most LINE_MAX characters
    MONEY = "money"  # euros, at most BUDGET_MAX
    DATE = "date"
    STAFF_MEMBER = "staff_member"  # the id of an active staff member or manager


@dataclass(frozen=True)
class MoveField:
    """A value a workflow move may take (SPEC: transition request bodies)."""

    name: str
    kind: FieldKind
    label: str  # translated where shown
    description: str = ""


MOVE_FIELDS = {
    f.name: f
    for f in (
        MoveField("reason", FieldKind.TEXT, N_("Reason")),
        MoveField("question", FieldKind.TEXT, N_("Question to the applicant")),
        MoveField("answer", FieldKind.TEXT, N_("Your answer")),
        MoveField("decision", FieldKind.TEXT, N_("Decision")),
        MoveField("lessons_learned", FieldKind.TEXT, N_("Lessons learned")),
        MoveField("allocated_budget", FieldKind.MONEY, N_("Allocated budget (EUR)")),
        MoveField("start_date", FieldKind.DATE, N_("Start date")),
        MoveField(
            "planned_end_date",
            FieldKind.DATE,
            N_("Planned end date"),
            N_("After the start, at most 24 months later."),
        ),
        MoveField("actual_end_date", FieldKind.DATE, N_("Actual end date")),
        MoveField(
            "owner_id",
            FieldKind.STAFF_MEMBER,
            N_("Owner in the city"),
            N_("The staff member who runs the pilot."),
        ),
        MoveField("city_unit", FieldKind.LINE, N_("City unit")),
    )
}


@dataclass(frozen=True)
class Transition:
    """One edge of the workflow: who may take it, what it needs and what it records."""

    source: Status
    target: Status
    roles: frozenset[Role]
    label: str  # the action button; translated where shown
    requires: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    owner_only: bool = False  # only the applicant who owns the proposal
    # The name of the check in services.workflow.GUARDS that runs before the move (it may
    # refuse, or do the move's own work such as creating the experiment).
    guard: str | None = None
    # The field whose text becomes the history entry's reason.
    reason_field: str | None = None
    # What the move does that cannot be taken back, said before it is made (translated where
    # shown). A move with a consequence is irreversible: pages ask for a confirmation first.
    consequence: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return self.requires + self.optional

    @property
    def irreversible(self) -> bool:
        return bool(self.consequence)

    @property
    def destructive(self) -> bool:
        return self.target in STOPPED_STATES

    @property
    def move_fields(self) -> tuple[MoveField, ...]:
        return tuple(MOVE_FIELDS[name] for name in self.fields)


_APPLICANT = frozenset({Role.APPLICANT})
_STAFF = STAFF_ROLES
_MANAGER = frozenset({Role.MANAGER})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Status.DRAFT,
        Status.SUBMITTED,
        _APPLICANT,
        N_("Submit"),
        owner_only=True,
        guard="complete_proposal",
    ),
    Transition(Status.SUBMITTED, Status.SCREENING, _STAFF, N_("Start screening")),
    Transition(
        Status.SCREENING,
        Status.PILOT,
        _MANAGER,
        N_("Start a pilot"),
        requires=("allocated_budget", "start_date", "planned_end_date", "owner_id"),
        optional=("city_unit",),
        guard="start_pilot",
        consequence=N_(
            "The proposal becomes a pilot: the budget is allocated from the programme "
            "year, the experiment is published in the public catalogue and the applicant is told."
        ),
    ),
    Transition(
        Status.SCREENING,
        Status.MORE_INFO,
        _STAFF,
        N_("Ask for more information"),
        requires=("question",),
        guard="texts",
        reason_field="question",
    ),
    Transition(
        Status.MORE_INFO,
        Status.SUBMITTED,
        _APPLICANT,
        N_("Answer and resubmit"),
        requires=("answer",),
        owner_only=True,
        guard="answer",
        reason_field="answer",
    ),
    Transition(
        Status.SCREENING,
        Status.REJECTED,
        _STAFF,
        N_("Reject"),
        requires=("reason",),
        guard="texts",
        reason_field="reason",
        consequence=N_(
            "The proposal is rejected and its handling ends. The applicant is told, with "
            "your reason."
        ),
    ),
    Transition(
        Status.PILOT,
        Status.EVALUATION,
        _STAFF,
        N_("End the pilot and evaluate"),
        requires=("actual_end_date",),
        guard="end_pilot",
        consequence=N_(
            "The pilot ends on the date given and goes to evaluation; it cannot be restarted."
        ),
    ),
    Transition(
        Status.PILOT,
        Status.DISCONTINUED,
        _MANAGER,
        N_("Discontinue the pilot"),
        requires=("reason", "lessons_learned"),
        guard="discontinue_pilot",
        reason_field="reason",
        consequence=N_(
            "The pilot stops and the experiment is recorded as discontinued. Your reason "
            "and the lessons learned are published in the public catalogue and the applicant "
            "is told."
        ),
    ),
    Transition(
        Status.EVALUATION,
        Status.ADOPTED,
        _MANAGER,
        N_("Adopt"),
        requires=("decision", "lessons_learned"),
        guard="decide",
        reason_field="decision",
        consequence=N_(
            "The experiment is recorded as adopted. The decision and the lessons learned are "
            "published in the public catalogue and the applicant is told."
        ),
    ),
    Transition(
        Status.EVALUATION,
        Status.DISCONTINUED,
        _MANAGER,
        N_("Discontinue"),
        requires=("reason", "lessons_learned"),
        guard="decide",
        reason_field="reason",
        consequence=N_(
            "The experiment is recorded as discontinued. Your reason and the lessons learned "
            "are published in the public catalogue and the applicant is told."
        ),
    ),
    *(
        Transition(
            source,
            Status.WITHDRAWN,
            _APPLICANT,
            N_("Withdraw"),
            optional=("reason",),
            owner_only=True,
            guard="texts",
            reason_field="reason",
            consequence=N_(
                "The proposal is withdrawn and the city stops handling it. It cannot be "
                "submitted again; to try again, make a new proposal."
            ),
        )
        for source in (Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.MORE_INFO)
    ),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}


def transition(source: Status | str, target: Status | str) -> Transition | None:
    """The table's edge from source to target, or None if the table has none."""
    try:
        return _BY_EDGE.get((Status(source), Status(target)))
    except ValueError:
        return None


def moves_from(source: Status | str) -> tuple[Transition, ...]:
    """Every edge leaving a state, in table order."""
    return tuple(t for t in TRANSITIONS if t.source == Status(source))


def may_take(t: Transition, role: Role | str | None, is_owner: bool) -> bool:
    """Whether a user with this role (owning the proposal or not) may take the edge."""
    if role is None or Role(role) not in t.roles:
        return False
    return is_owner or not t.owner_only


def moves_for(
    source: Status | str, role: Role | str | None, is_owner: bool
) -> tuple[Transition, ...]:
    """The edges leaving a state that this user may take."""
    return tuple(t for t in moves_from(source) if may_take(t, role, is_owner))
