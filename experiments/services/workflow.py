"""change_status: the only code that moves a proposal from one state to another."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import lifecycle
from ..errors import Conflict, FieldConflict, Invalid, NotAllowed, StaleVersion
from ..extensions import db
from ..i18n import status_label
from ..lifecycle import STAFF_ROLES, Status
from ..models import Experiment, ExperimentPartner, Proposal, StatusChange, User
from ..models.types import utcnow
from ..models.written import writing_language
from ..rules import LINE_MAX, PILOT_MAX_MONTHS, REASON_MAX
from ..vocabulary import PartnerRole
from . import budget, notifications, subscriptions
from .clock import today
from .inputs import Fields, blank, to_id
from .proposals import _stale_message, missing_for_submission
from .report_schedule import default_interval
from .transaction import unit_of_work

# A move's fields by name, as the page or the API body gave them: each guard checks its own.
Values = Mapping[str, object]


def allowed_moves_message(status: Status) -> str:
    """The refusal that names what the table allows from a state."""
    targets = [status_label(t.target) for t in lifecycle.moves_from(status)]
    if not targets:
        return _("“%(state)s” is final: the proposal cannot move on.", state=status_label(status))
    return _(
        "From “%(state)s” the proposal may move to: %(moves)s.",
        state=status_label(status),
        moves=", ".join(targets),
    )


def change_status(
    proposal: Proposal, target: str, actor: User, version: int | None, **fields: object
) -> Proposal:
    """Move the proposal, write its history, commit once, then notify the applicant.

    Raises Conflict (not in the table, stale version), NotAllowed (role) or Invalid.
    """
    source = proposal.status
    edge = lifecycle.transition(source, target)
    if edge is None:
        raise Conflict(allowed_moves_message(source))
    if not lifecycle.may_take(edge, actor.role, proposal.owner_id == actor.id):
        raise NotAllowed(_("Your role may not make this move."))
    if version is None or version != proposal.version:
        raise StaleVersion(_stale_message())

    values = {name: fields.get(name) for name in edge.fields}
    if any(blank(values[name]) for name in edge.requires):
        check_move(proposal, edge.target, **values)  # refuses every field at once

    given = values.get(edge.reason_field) if edge.reason_field else None
    reason = given.strip() if isinstance(given, str) and given.strip() else None
    try:
        # A refusal of the guard releases the budget lock and any half-made change.
        with unit_of_work():
            if edge.guard is not None:
                GUARDS[edge.guard](proposal, values)
            proposal.status = edge.target
            if edge.target == Status.SUBMITTED and proposal.submitted_at is None:
                proposal.submitted_at = utcnow()
            db.session.add(
                StatusChange(
                    proposal=proposal,
                    from_status=source,
                    to_status=edge.target,
                    actor=actor,
                    reason=reason,
                )
            )
            db.session.flush()  # a stale version is found before the mail is written
            notifications.proposal_moved(proposal, source, reason)
            subscriptions.proposal_moved(proposal)
    except (StaleDataError, IntegrityError) as error:
        raise StaleVersion(_stale_message()) from error
    return proposal


def _check_submission(proposal: Proposal, values: Values) -> None:
    errors = missing_for_submission(proposal)
    if errors:
        raise FieldConflict(errors, _("Complete the proposal before submitting it."))


def _check_texts(proposal: Proposal, values: Values) -> None:
    """The question, answer or reason of a move: text, at most REASON_MAX characters."""
    fields = Fields()
    for name in ("question", "answer", "reason"):
        if name in values:
            fields.text(name, values[name], max_length=REASON_MAX)
    fields.raise_if_any()


def _check_answer(proposal: Proposal, values: Values) -> None:
    """The answer, and a proposal still complete after the applicant's edits."""
    _check_texts(proposal, values)
    errors = missing_for_submission(proposal)
    # The call may have closed since the first submission; it still awaits this answer.
    errors.pop("call_id", None)
    if errors:
        raise FieldConflict(errors, _("Complete the proposal before submitting it."))


def _pilot_fields(proposal: Proposal, values: Values) -> tuple[Fields, _PilotValues]:
    """The pilot's values, and every field's refusal at once: the year's budget too, read
    without its lock (start_pilot checks it again under the lock)."""
    fields = Fields()
    amount = fields.money("allocated_budget", values["allocated_budget"])
    start = fields.date("start_date", values["start_date"])
    end = fields.date("planned_end_date", values["planned_end_date"])
    if start is not None and end is not None:
        if end <= start:
            fields.fail("planned_end_date", _("The planned end must be after the start."))
        elif end > start + relativedelta(months=PILOT_MAX_MONTHS):
            fields.fail(
                "planned_end_date", _("A pilot may last at most %(n)d months.", n=PILOT_MAX_MONTHS)
            )
    owner_id = to_id(values["owner_id"])
    owner = db.session.get(User, owner_id) if owner_id is not None else None
    if owner is None or owner.role not in STAFF_ROLES or not owner.active:
        message = _("The owner must be a member of staff or a manager.")
        if owner_id is None:
            fields.fail("owner_id", message)
        else:  # a well-formed id that names no active staff member
            fields.conflict("owner_id", message)
    city_unit = fields.text(
        "city_unit", values.get("city_unit"), max_length=LINE_MAX, one_line=True
    )
    if amount is not None and start is not None:
        for name, messages in budget.shortfall(proposal.programme, start.year, amount).items():
            for message in messages:
                fields.conflict(name, message)
    return fields, _PilotValues(amount, start, end, owner, city_unit)


@dataclass(frozen=True)
class _PilotValues:
    allocated_budget: Decimal | None
    start_date: date | None
    planned_end_date: date | None
    owner: User | None
    city_unit: str


def _check_pilot(proposal: Proposal, values: Values) -> None:
    _pilot_fields(proposal, values)[0].raise_if_any()


def _start_pilot(proposal: Proposal, values: Values) -> None:
    """Create the experiment, allocating its budget under the programme year's lock."""
    fields, pilot = _pilot_fields(proposal, values)
    fields.raise_if_any()
    amount, start = pilot.allocated_budget, pilot.start_date
    # Each is None only where its field failed, and raise_if_any refused any that failed.
    assert amount is not None and start is not None and pilot.planned_end_date is not None
    if proposal.experiment is not None:
        raise Conflict(_("This proposal already has an experiment."))
    # Lock first, then check: a concurrent allocation waits here until we commit.
    budget.allocate(proposal.programme, start.year, amount)
    experiment = Experiment(
        proposal=proposal,
        allocated_budget=amount,
        start_date=start,
        planned_end_date=pilot.planned_end_date,
        owner=pilot.owner,
        city_unit=pilot.city_unit,
        report_interval_months=default_interval(start, pilot.planned_end_date),
    )
    db.session.add(experiment)
    # The proposal's organisation leads; its consortium partners carry over as partners.
    lead = proposal.organisation
    for organisation in ([lead] if lead else []) + proposal.partners:
        if all(p.organisation is not organisation for p in experiment.partners):
            role = PartnerRole.LEAD if organisation is lead else PartnerRole.PARTNER
            experiment.partners.append(ExperimentPartner(organisation=organisation, role=role))


def _end_fields(proposal: Proposal, values: Values) -> tuple[Fields, date | None]:
    """The actual end: on or after the start, and not after today."""
    experiment = _experiment(proposal)
    fields = Fields()
    end = fields.date("actual_end_date", values["actual_end_date"])
    if end is not None and end < experiment.start_date:
        fields.conflict(
            "actual_end_date",
            _(
                "The pilot cannot end before it started (%(start)s).",
                start=format_date(experiment.start_date),
            ),
        )
    elif end is not None and end > today():
        fields.fail(
            "actual_end_date",
            _("The pilot cannot end in the future: give today's date or an earlier one."),
        )
    return fields, end


def _check_end(proposal: Proposal, values: Values) -> None:
    _end_fields(proposal, values)[0].raise_if_any()


def _end_pilot(proposal: Proposal, values: Values) -> None:
    """Record the actual end (from the start to today) as the pilot goes to evaluation."""
    fields, end = _end_fields(proposal, values)
    fields.raise_if_any()
    _experiment(proposal).actual_end_date = end


def _discontinue_pilot(proposal: Proposal, values: Values) -> None:
    """Stop a running pilot: its reason and lessons, and today as its end once it started."""
    _record_decision(proposal, values)
    experiment = _experiment(proposal)
    day = today()
    if experiment.actual_end_date is None and day >= experiment.start_date:
        experiment.actual_end_date = day


def _decide(proposal: Proposal, values: Values) -> None:
    """Adopt or discontinue after evaluation; refused until an evaluation is recorded."""
    experiment = _experiment(proposal)
    if experiment.evaluation is None:
        raise Conflict(_("Record an evaluation before deciding on the experiment."))
    _record_decision(proposal, values)


def _record_decision(proposal: Proposal, values: Values) -> None:
    experiment = _experiment(proposal)
    fields = Fields()
    decision_field = "decision" if values.get("decision") is not None else "reason"
    decision = fields.text(decision_field, values.get(decision_field), max_length=REASON_MAX)
    lessons = fields.text("lessons_learned", values["lessons_learned"], max_length=REASON_MAX)
    fields.raise_if_any()
    experiment.decision = decision
    experiment.lessons_learned = lessons
    experiment.language = writing_language()  # of the decision and lessons just written


def _experiment(proposal: Proposal) -> Experiment:
    """The experiment of a pilot or one in evaluation; raises LookupError for any other."""
    # The table moves a proposal on from these states only after start_pilot made it.
    experiment = proposal.experiment
    if experiment is None:
        raise LookupError(f"proposal {proposal.id} has no experiment")
    return experiment


# The guards' checks that write nothing, to say every refusal before a move is confirmed.
CHECKS: dict[str, Callable[[Proposal, Values], None]] = {
    "complete_proposal": _check_submission,
    "texts": _check_texts,
    "answer": _check_answer,
    "start_pilot": _check_pilot,
    "end_pilot": _check_end,
}


def check_move(proposal: Proposal, target: str, **fields: object) -> None:
    """Check a move's fields as the move would, writing nothing; raises Invalid naming every
    refused field at once. The move checks them again (the budget under its lock)."""
    edge = lifecycle.transition(proposal.status, target)
    if edge is None:
        return
    values = {name: fields.get(name) for name in edge.fields}
    errors: dict[str, list[str]] = {}
    # Well-formed values that only the stored data refuses stay a FieldConflict (the API's 409).
    conflict = False
    check = CHECKS.get(edge.guard or "")
    try:
        if check is not None:
            check(proposal, values)
    except Invalid as error:
        errors = dict(error.errors)
        conflict = isinstance(error, FieldConflict)
    for name in edge.requires:
        if blank(values[name]):
            errors[name] = [_("This is required for this move.")]
            conflict = False
    if errors:
        raise (FieldConflict if conflict else Invalid)(errors)


# The checks the table's edges name (Transition.guard); each may refuse with a DomainError.
GUARDS: dict[str, Callable[[Proposal, Values], None]] = {
    "complete_proposal": _check_submission,
    "texts": _check_texts,
    "answer": _check_answer,
    "start_pilot": _start_pilot,
    "end_pilot": _end_pilot,
    "discontinue_pilot": _discontinue_pilot,
    "decide": _decide,
}
