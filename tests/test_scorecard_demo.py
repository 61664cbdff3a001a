"""The demo programme's scorecard: published goals, two follow-ups from the statistics."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from experiments.demo.scorecard import FOLLOW_UPS, GOALS, RISKS, ensure_scorecard
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    Call,
    GoalFollowUp,
    Programme,
    ProgrammeGoal,
    ProgrammeRisk,
    ProgrammeYear,
    Proposal,
)
from experiments.scorecard import METRIC_BY_CODE
from experiments.statistics import programme_statistics
from tests import builders


def _programme() -> int:
    """A 2015–2021 programme with proposals submitted in 2015, 2016 and 2019."""
    programme = Programme(name="Agenda", start_year=2015, end_year=2021)
    for year in range(2015, 2022):
        programme.years.append(ProgrammeYear(year=year, annual_budget=Decimal("250000.00")))
    programme.calls.append(
        Call(title="Haku", opens_on=date(2015, 1, 1), closes_on=date(2021, 12, 31))
    )
    db.session.add(programme)
    db.session.commit()
    owner = builders.make_user(Role.APPLICANT)
    builders.make_user(Role.MANAGER, email="manager@kokeilu.example")
    for year, status in (
        (2015, Status.ADOPTED),
        (2015, Status.REJECTED),
        (2016, Status.SUBMITTED),
        (2019, Status.PILOT),
    ):
        proposal = db.session.get(
            Proposal, builders.make_proposal(owner, programme.id, status=status)
        )
        proposal.submitted_at = datetime(year, 3, 1, 12, tzinfo=UTC)
    db.session.commit()
    return programme.id


def _snapshot():
    return db.session.execute(
        select(ProgrammeGoal.metric, GoalFollowUp.date, GoalFollowUp.value, GoalFollowUp.status)
        .join(GoalFollowUp.goal)
        .order_by(ProgrammeGoal.position, GoalFollowUp.date)
    ).all()


def test_the_demo_scorecard_measures_the_published_goals_and_is_idempotent(ctx):
    pid = _programme()
    ensure_scorecard(db.session.get(Programme, pid))
    db.session.commit()
    first = _snapshot()
    ensure_scorecard(db.session.get(Programme, pid))
    db.session.commit()
    assert _snapshot() == first
    assert db.session.scalar(select(func.count(ProgrammeGoal.id))) == len(GOALS)
    assert db.session.scalar(select(func.count(ProgrammeRisk.id))) == len(RISKS)

    goals = db.session.scalars(select(ProgrammeGoal).order_by(ProgrammeGoal.position)).all()
    assert [(g.metric, g.target) for g in goals] == [
        ("proposals", Decimal("150.00")),
        ("carried_out", Decimal("20.00")),
        ("residents_customers", Decimal("6000.00")),
        ("partner_organisations", Decimal("70.00")),
        ("employees", Decimal("400.00")),
        ("budget_largest_year_share", Decimal("100.00")),
    ]
    assert all(g.text_fi and g.text_sv and g.text_en for g in goals)

    mid, final = FOLLOW_UPS
    whole = programme_statistics(pid)
    years = [programme_statistics(pid, year=y) for y in range(2015, mid.year + 1)]
    by_goal = {}
    for metric, on, value, _status in first:
        by_goal.setdefault(metric, {})[on] = value
    # The final review: the whole programme's statistics.
    assert by_goal["proposals"][final] == whole.proposals == 4
    assert by_goal["carried_out"][final] == whole.carried_out == 2
    # The mid-term review: the proposals submitted up to that year, from the yearly figures.
    assert by_goal["proposals"][mid] == sum(s.proposals for s in years) == 3
    assert by_goal["carried_out"][mid] == sum(s.carried_out for s in years) == 1
    largest = max(METRIC_BY_CODE["budget_largest_year_share"].value(s) for s in years)
    assert by_goal["budget_largest_year_share"][mid] == largest
    # Distinct partners do not add up over years: that goal has the final review only.
    assert set(by_goal["partner_organisations"]) == {final}
