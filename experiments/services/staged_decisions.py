"""Staged decisions: a manager prepares a call's pilots and rejections, sees them against
each year's budget, then applies them all in one transaction or none at all."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from .. import lifecycle
from ..errors import Conflict, DomainError, FieldConflict, Invalid, NotAllowed, StaleVersion
from ..extensions import db
from ..i18n import money, status_label
from ..lifecycle import Role, Status
from ..models import Call, Proposal, StagedDecision, StagedMove, User
from ..models.types import utcnow
from ..rules import LINE_MAX, REASON_MAX
from ..statistics import budget_years
from . import budget
from .inputs import Fields, to_id
from .proposals import _stale_message
from .transaction import unit_of_work
from .workflow import change_status, check_move

# The fields each staged move keeps: those of its edge in the workflow table.
MOVE_FIELDS = {
    move: lifecycle.transition(Status.SCREENING, move.value).fields  # type: ignore[union-attr]
    for move in StagedMove
}


class ApplyRefused(FieldConflict):
    """Some staged decisions cannot be made: errors maps each proposal's id to its reasons.
    Nothing was applied."""


@dataclass(frozen=True)
class YearSimulation:
    """A programme year: its budget, allocated to pilots, staged for pilots, and what would
    remain once every staged pilot started (negative when they do not all fit)."""

    year: int
    annual: Decimal
    allocated: Decimal
    staged: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.annual - self.allocated - self.staged


@dataclass(frozen=True)
class Simulation:
    years: tuple[YearSimulation, ...]
    # The staged pilots that do not fit, in staging order: each earlier pilot that fits takes
    # its share first, so dropping these leaves every other one fitting.
    not_fitting: tuple[int, ...]
    # Why each of those does not fit, by proposal id.
    reasons: dict[int, str]


@dataclass(frozen=True)
class Applied:
    pilots: int
    rejections: int
    proposal_ids: tuple[int, ...]


def _manager(actor: User) -> None:
    if actor.role != Role.MANAGER:
        raise NotAllowed(_("Only a programme manager may stage and apply decisions."))


def staged_for(call: Call, *, fresh: bool = False) -> list[StagedDecision]:
    """The call's staged decisions in staging order, with their proposals (one statement).
    fresh: read the rows and proposals again from the database, not from the session."""
    query = (
        select(StagedDecision)
        .where(StagedDecision.call_id == call.id)
        .options(
            joinedload(StagedDecision.proposal),
            joinedload(StagedDecision.owner),
            joinedload(StagedDecision.staged_by),
        )
        .order_by(StagedDecision.id)
    )
    if fresh:
        query = query.execution_options(populate_existing=True)
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class ScreenedRow:
    """A proposal of the call in screening, its review average and count, its staged move."""

    proposal: Proposal
    average: Decimal | float | None
    reviews: int
    staged: StagedDecision | None


def screened(call: Call, staged: list[StagedDecision]) -> list[ScreenedRow]:
    """The call's proposals in screening, best review average first (one statement)."""
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.call_id == call.id, Proposal.status == Status.SCREENING)
        .order_by(Proposal.submitted_at, Proposal.id)
    ).all()
    by_proposal = {row.proposal_id: row for row in staged}
    rows = [
        ScreenedRow(p, p.review_score, p.review_count, by_proposal.get(p.id)) for p in proposals
    ]
    return sorted(rows, key=lambda r: (r.average is None, -float(r.average or 0)))


def _values(to: StagedMove, fields: dict[str, object]) -> dict[str, object]:
    """The staged move's own fields, typed as stored (check_move has accepted them)."""
    check = Fields()
    if to == StagedMove.PILOT:
        return {
            "allocated_budget": check.money("allocated_budget", fields.get("allocated_budget")),
            "start_date": check.date("start_date", fields.get("start_date")),
            "planned_end_date": check.date("planned_end_date", fields.get("planned_end_date")),
            "owner_id": to_id(fields.get("owner_id")),
            "city_unit": check.text(
                "city_unit", fields.get("city_unit"), max_length=LINE_MAX, one_line=True
            ),
            "reason": None,
        }
    return {
        "allocated_budget": None,
        "start_date": None,
        "planned_end_date": None,
        "owner_id": None,
        "city_unit": "",
        "reason": check.text("reason", fields.get("reason"), max_length=REASON_MAX),
    }


def stage(
    call: Call,
    proposal: Proposal,
    actor: User,
    to: str,
    version: int | None = None,
    **fields: object,
) -> StagedDecision:
    """Stage (or change) the decision on a screened proposal of the call, checking its
    fields as the move will; raises Invalid, Conflict or NotAllowed. version: the proposal's
    version the manager saw, where a page knows it (StaleVersion if it has changed)."""
    _manager(actor)
    if version is not None and version != proposal.version:
        raise StaleVersion(_stale_message())
    if proposal.call_id != call.id:
        raise Conflict(_("The proposal is not in this call."))
    try:
        move = StagedMove(to)
    except ValueError:
        raise Invalid({"to": [_("Choose to start a pilot or to reject.")]}) from None
    edge = lifecycle.transition(proposal.status, move.value)
    if edge is None:
        raise Conflict(
            _(
                "Only a proposal in screening can be decided on; this one is “%(state)s”.",
                state=status_label(proposal.status),
            )
        )
    given = {name: fields.get(name) for name in MOVE_FIELDS[move]}
    check_move(proposal, move.value, **given)
    values = _values(move, given)
    with unit_of_work():
        row = db.session.scalar(
            select(StagedDecision).where(StagedDecision.proposal_id == proposal.id)
        )
        if row is None:
            row = StagedDecision(proposal=proposal, call=call)
            db.session.add(row)
        row.to_status = move
        for name, value in values.items():
            setattr(row, name, value)
        row.proposal_version = proposal.version
        row.staged_by = actor
        row.staged_at = utcnow()
        try:
            db.session.flush()
        except IntegrityError as error:  # another manager staged it at the same moment
            raise Conflict(
                _("Someone else staged this proposal just now. Please look again.")
            ) from error
    return row


def unstage(call: Call, proposal_id: int, actor: User) -> None:
    """Remove the call's staged decision on the proposal; 404 is the caller's if none."""
    _manager(actor)
    with unit_of_work():
        row = db.session.scalar(
            select(StagedDecision).where(
                StagedDecision.call_id == call.id, StagedDecision.proposal_id == proposal_id
            )
        )
        if row is None:
            raise LookupError(proposal_id)
        db.session.delete(row)


def simulate(call: Call, staged: list[StagedDecision] | None = None) -> Simulation:
    """Each programme year's budget after every staged pilot, and which pilots do not fit."""
    rows = staged_for(call) if staged is None else staged
    years = {y.year: y for y in budget_years(call.programme_id)}
    left = {year: y.remaining for year, y in years.items()}
    staged_sum = dict.fromkeys(years, Decimal("0.00"))
    not_fitting: list[int] = []
    reasons: dict[int, str] = {}
    for row in rows:
        if row.to_status != StagedMove.PILOT:
            continue
        assert row.start_date is not None and row.allocated_budget is not None
        year, amount = row.start_date.year, row.allocated_budget
        if year not in years:
            not_fitting.append(row.proposal_id)
            reasons[row.proposal_id] = _("The programme has no budget for %(year)d.", year=year)
            continue
        staged_sum[year] += amount
        if amount > left[year]:
            not_fitting.append(row.proposal_id)
            reasons[row.proposal_id] = _(
                "%(amount)s does not fit: after the pilots already allocated and staged "
                "before it, %(remaining)s of the %(year)d budget remains.",
                amount=money(amount),
                remaining=money(max(left[year], Decimal("0.00"))),
                year=year,
            )
        else:
            left[year] -= amount
    return Simulation(
        years=tuple(
            YearSimulation(y.year, y.annual, y.allocated, staged_sum[y.year])
            for y in years.values()
        ),
        not_fitting=tuple(not_fitting),
        reasons=reasons,
    )


def _messages(error: DomainError) -> list[str]:
    if isinstance(error, Invalid):
        return [m for messages in error.errors.values() for m in messages]
    return [error.message]


def _failures(call: Call, rows: list[StagedDecision]) -> dict[str, list[str]]:
    """Why each staged decision cannot be made now, by proposal id (as text)."""
    failures: dict[str, list[str]] = {}
    simulation = simulate(call, rows)
    for row in rows:
        proposal = row.proposal
        reasons: list[str] = []
        if lifecycle.transition(proposal.status, row.to_status.value) is None:
            reasons.append(
                _(
                    "The proposal is no longer in screening: it is “%(state)s”.",
                    state=status_label(proposal.status),
                )
            )
        elif proposal.version != row.proposal_version:
            reasons.append(
                _("The proposal has changed since the decision was staged: stage it again.")
            )
        else:
            try:
                check_move(proposal, row.to_status.value, **_fields_of(row))
            except Invalid as error:
                reasons += _messages(error)
        if row.proposal_id in simulation.reasons:
            reasons.append(simulation.reasons[row.proposal_id])
        if reasons:
            failures[str(row.proposal_id)] = list(dict.fromkeys(reasons))
    return failures


def _fields_of(row: StagedDecision) -> dict[str, object]:
    return {name: getattr(row, name) for name in MOVE_FIELDS[row.to_status]}


def _refused(failures: dict[str, list[str]]) -> ApplyRefused:
    return ApplyRefused(
        failures,
        _(
            "Nothing was applied: %(n)d of the staged decisions cannot be made.",
            n=len(failures),
        ),
    )


def apply(call: Call, actor: User) -> Applied:
    """Make every staged decision of the call through the workflow, in one transaction
    under the budget lock, and remove them; all or nothing. Raises ApplyRefused naming
    each decision that cannot be made, or Conflict when nothing is staged (any more)."""
    _manager(actor)
    with unit_of_work():
        # The lock first: a second manager applying waits here, then finds nothing staged.
        budget.lock_years(call.programme)
        rows = staged_for(call, fresh=True)
        if not rows:
            raise Conflict(
                _(
                    "No decisions are staged for this call: another manager may have "
                    "applied or removed them."
                )
            )
        failures = _failures(call, rows)
        if failures:
            raise _refused(failures)
        for row in rows:
            try:
                change_status(
                    row.proposal,
                    row.to_status.value,
                    actor,
                    row.proposal_version,
                    **_fields_of(row),
                )
            except DomainError as error:
                raise _refused({str(row.proposal_id): _messages(error)}) from error
            db.session.delete(row)
        try:
            db.session.flush()
        except StaleDataError as error:
            raise Conflict(
                _("Another manager changed the staged decisions just now. Please look again.")
            ) from error
        pilots = sum(1 for row in rows if row.to_status == StagedMove.PILOT)
        return Applied(pilots, len(rows) - pilots, tuple(row.proposal_id for row in rows))
