"""Small builders for test data. Each commits and returns the new row's id."""

from datetime import date, timedelta
from decimal import Decimal

from experiments.extensions import db
from experiments.lifecycle import EXPERIMENT_STATES, Role, Status
from experiments.models import (
    Call,
    Evaluation,
    Experiment,
    ExperimentMilestone,
    ExperimentReport,
    Organisation,
    Programme,
    ProgrammeYear,
    Proposal,
    StatusChange,
    User,
)
from experiments.models.types import utcnow
from experiments.security import hash_password
from experiments.statistics_cache import replace_token
from experiments.vocabulary import CityCentre, OrganisationType, ProposerType, ServiceArea

PASSWORD = "correct horse battery"
_counter = iter(range(1, 10**9))
_HASH = None


def commit() -> None:
    """Commit as the app's units of work do: cached statistics are stale from here on."""
    replace_token()
    db.session.commit()


def make_user(role=Role.APPLICANT, email=None, name=None, **fields) -> int:
    global _HASH
    _HASH = _HASH or hash_password(PASSWORD)  # hashing is slow on purpose; do it once
    n = next(_counter)
    user = User(
        email=email or f"{Role(role).value}{n}@test.example",
        name=name or f"{Role(role).value.title()} {n}",
        role=Role(role),
        password_hash=_HASH,
        **fields,
    )
    db.session.add(user)
    commit()
    return user.id


def make_programme(year: int | None = None, budget="250000.00", open_call=True) -> int:
    year = year or date.today().year
    n = next(_counter)
    programme = Programme(name=f"Programme {n}", start_year=year - 1, end_year=year + 1)
    for y in range(year - 1, year + 2):
        programme.years.append(ProgrammeYear(year=y, annual_budget=Decimal(budget)))
    opens, closes = call_dates(open_call)
    programme.calls.append(Call(title=f"Call {n}", opens_on=opens, closes_on=closes))
    db.session.add(programme)
    commit()
    return programme.id


def call_dates(open_call: bool = True) -> tuple[date, date]:
    """A call around today that stays inside today's year, so a test can still remove the
    programme's other years; a closed call ended yesterday (last year on 1 January)."""
    today = date.today()
    if not open_call:
        return today - timedelta(days=60), today - timedelta(days=1)
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    return max(today - timedelta(days=30), year_start), min(today + timedelta(days=30), year_end)


def complete_values(**overrides) -> dict:
    values = dict(
        title="Snow-clearing robot for Tapiola",
        summary="A pilot of an autonomous snow-clearing robot on pedestrian streets.",
        need="Pavements ice over before the crews arrive; residents slip and fall.",
        proposer_type=ProposerType.COMPANY,
        service_area=ServiceArea.MOBILITY,
        requested_budget=Decimal("15000.00"),
        planned_duration_months=6,
    )
    values.update(overrides)
    return values


def make_proposal(
    owner_id: int,
    programme_id: int,
    status=Status.DRAFT,
    experiment_owner_id: int | None = None,
    **overrides,
) -> int:
    """A complete proposal placed directly in a state (with the rows that state implies)."""
    programme = db.session.get(Programme, programme_id)
    proposal = Proposal(
        owner_id=owner_id,
        programme=programme,
        call=programme.calls[0],
        status=Status(status),
        **complete_values(**overrides),
    )
    proposal.organisation = Organisation(
        name=f"Robotics {next(_counter)} Oy", type=OrganisationType.COMPANY
    )
    proposal.city_centres = [CityCentre.TAPIOLA]
    proposal.sdgs = [11]
    if proposal.status != Status.DRAFT:
        proposal.submitted_at = utcnow()
    db.session.add(proposal)
    if proposal.status in EXPERIMENT_STATES:
        start = date(programme.start_year + 1, 3, 1)
        if start.year == date.today().year:
            # Started already, so that it may end today (an end is never in the future).
            start = min(start, date.today())
        experiment = Experiment(
            proposal=proposal,
            allocated_budget=Decimal("10000.00"),
            start_date=start,
            planned_end_date=start + timedelta(days=180),
            owner_id=experiment_owner_id or make_user(Role.STAFF),
        )
        db.session.add(experiment)
        if proposal.status != Status.PILOT:
            experiment.actual_end_date = start + timedelta(days=170)
    commit()
    return proposal.id


def make_evaluation(proposal_id: int, author_id: int) -> int:
    proposal = db.session.get(Proposal, proposal_id)
    evaluation = Evaluation(
        experiment=proposal.experiment,
        got_users=True,
        users_count=120,
        part_of_services=True,
        benefits_city="Fewer falls.",
        benefits_customers="Safer walks.",
        research_value=False,
        findings="Works on flat streets.",
        recommendation="adopt",
        author_id=author_id,
    )
    db.session.add(evaluation)
    commit()
    return evaluation.id


def add_history(proposal_id: int, actor_id: int, *moves, reason: str | None = None) -> None:
    """Status history rows, each move (from, to, aware moment), with the reason given."""
    for source, target, at in moves:
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=source,
                to_status=target,
                actor_id=actor_id,
                at=at,
                reason=reason,
            )
        )
    commit()


def make_report(
    experiment_id: int,
    author_id: int,
    period: tuple[date, date],
    summary: str,
    status="submitted",
    reviewer_id: int | None = None,
    reviewed_at=None,
    **fields,
) -> int:
    """A pilot report as the team sent it (and staff reviewed it, with reviewer_id)."""
    report = ExperimentReport(
        experiment_id=experiment_id,
        period_start=period[0],
        period_end=period[1],
        summary=summary,
        status=status,
        submitted_by_id=author_id,
        reviewed_by_id=reviewer_id,
        reviewed_at=reviewed_at,
        **fields,
    )
    db.session.add(report)
    commit()
    return report.id


def make_milestone(
    experiment_id: int, author_id: int, title: str, planned: date, done: date | None = None, **f
) -> int:
    milestone = ExperimentMilestone(
        experiment_id=experiment_id,
        created_by_id=author_id,
        title=title,
        planned_date=planned,
        done_date=done,
        **f,
    )
    db.session.add(milestone)
    commit()
    return milestone.id
