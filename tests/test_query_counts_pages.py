"""Each page runs the same number of SQL statements however much data it shows (no N+1).

The benchmark (bench/run.py) measures speed; this guards against the most common way to lose
it without timing anything: each page is counted on a small data set, the data set is grown
several times over with rows of every related kind, and the count must stay the same.
"""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from experiments import page_cache
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import (
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Proposal,
    Review,
    Risk,
    StatusChange,
)
from experiments.models.types import utcnow
from experiments.vocabulary import (
    CityCentre,
    OrganisationType,
    ParticipationCategory,
    PartnerRole,
    ProposerType,
    RiskStatus,
)
from tests import builders


@contextmanager
def counting(app):
    """Count the SQL statements sent to the database inside the block."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_for(app, client, path: str, warm: bool = True) -> list[str]:
    """The statements of one GET that renders the page; by default after a first GET that
    warms the per-process caches of results, with warm=False the first GET after the data
    changed (cached results rebuilt). Kept public pages are forgotten: what is counted is
    the page's own work (tests/test_page_cache.py counts a kept page's)."""
    if warm:
        # Twice: a statement built for the first time in a process (SQLAlchemy configures
        # its mappers and relationship clauses then) may key differently from the same
        # statement built later, so the first view's cached page ids are not found by the
        # second; from the second view on, one key.
        for _ in range(2):
            assert client.get(path).status_code == 200
    if page_cache.store(app) is not None:
        page_cache.store(app).clear()
    with counting(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    return list(statements)


def assert_same_count(small: list[str], large: list[str]) -> None:
    extra = [s for s in large if large.count(s) > small.count(s)]
    assert len(large) == len(small), (
        f"{len(small)} statements on the small data set, {len(large)} on the larger one; "
        f"repeated: {sorted(set(extra))[:3]}"
    )


# Builders: rows of every kind a page may show.


def _people(n: int, role=Role.STAFF) -> list[int]:
    return [builders.make_user(role) for _ in range(n)]


def _history(proposal_id: int, actors: list[int]) -> None:
    """One move per actor (the entries a page lists; the states need not form a path)."""
    for actor_id in actors:
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=Status.SUBMITTED,
                to_status=Status.SCREENING,
                actor_id=actor_id,
                at=utcnow(),
                reason="Looked at it.",
            )
        )
    db.session.commit()


def _reviews(proposal_id: int, reviewers: list[int]) -> None:
    for i, reviewer_id in enumerate(reviewers):
        score = 1 + i % 5
        db.session.add(
            Review(
                proposal_id=proposal_id,
                reviewer_id=reviewer_id,
                need=score,
                benefit=score,
                reusability=score,
                feasibility=score,
                cost_effectiveness=score,
                comment=f"Review {i}",
            )
        )
    db.session.commit()


def _experiment_rows(proposal_id: int, n: int) -> None:
    """Partners, participation, expenses and risks of a proposal's experiment."""
    experiment = db.session.scalar(select(Experiment).where(Experiment.proposal_id == proposal_id))
    day = experiment.start_date
    for i in range(n):
        organisation = Organisation(
            name=f"Partner {proposal_id}-{i} Oy", type=OrganisationType.COMPANY
        )
        db.session.add(
            ExperimentPartner(
                experiment=experiment, organisation=organisation, role=PartnerRole.PARTNER
            )
        )
        db.session.add(
            Participation(
                experiment_id=experiment.id,
                date=day + timedelta(days=i % 30),
                category=list(ParticipationCategory)[i % 3],
                count=10 + i,
            )
        )
        db.session.add(
            Expense(
                experiment_id=experiment.id,
                date=day + timedelta(days=i % 30),
                amount=Decimal("100.00"),
                description=f"Expense {i}",
            )
        )
        db.session.add(
            Risk(
                experiment_id=experiment.id,
                description=f"Risk {i}",
                probability=1 + i % 4,
                impact=1 + i % 4,
                mitigation="Watch it.",
                status=list(RiskStatus)[i % 3],
            )
        )
    db.session.commit()


def _proposals(
    programme_id: int, n: int, status=Status.SUBMITTED, with_rows: bool = False
) -> list[int]:
    """n proposals, each with its own applicant, reviewers and history (and experiment rows)."""
    made = []
    types = list(ProposerType)
    for i in range(n):
        owner_id = builders.make_user(Role.APPLICANT)
        proposal_id = builders.make_proposal(
            owner_id,
            programme_id,
            status=status,
            title=f"Proposal number {i}",
            proposer_type=types[i % len(types)],
        )
        staff = _people(2)
        _reviews(proposal_id, staff)
        _history(proposal_id, [owner_id, *staff])
        if with_rows:
            _experiment_rows(proposal_id, 2)
        made.append(proposal_id)
    return made


# The pages.


def test_staff_queue(app, client, auth, people, programme):
    path = "/screening?sort=-score"
    with app.app_context():
        _proposals(programme, 2)
    auth.login("staff")
    small = statements_for(app, client, path)
    with app.app_context():
        _proposals(programme, 23, status=Status.SCREENING)
        other = builders.make_programme(open_call=False)
        _proposals(other, 5, status=Status.MORE_INFO)
    large = statements_for(app, client, path)
    assert client.get(path).text.count("/proposals/") >= 25
    assert_same_count(small, large)


def test_staff_queue_deep_page(app, client, auth, people, programme):
    path = "/screening?sort=submitted_at&page=2"
    with app.app_context():
        _proposals(programme, 27)
    auth.login("staff")
    small = statements_for(app, client, path)
    with app.app_context():
        _proposals(programme, 30)
    large = statements_for(app, client, path)
    assert_same_count(small, large)


@pytest.mark.parametrize(
    "path", ["/screening?status=all&sort=-waiting&q=number", "/screening?sort=reviews"]
)
def test_staff_queue_markers(app, client, auth, people, programme, path):
    """Waiting time, reviews done, "answered" and "mine": a fixed number of statements."""
    with app.app_context():
        _proposals(programme, 2)
    auth.login("staff")
    small = statements_for(app, client, path)
    with app.app_context():
        for proposal_id in _proposals(programme, 20):
            owner_id = db.session.get(Proposal, proposal_id).owner_id
            for source, target, actor in (
                (Status.SCREENING, Status.MORE_INFO, people["staff"]),
                (Status.MORE_INFO, Status.SUBMITTED, owner_id),
            ):
                db.session.add(
                    StatusChange(
                        proposal_id=proposal_id,
                        from_status=source,
                        to_status=target,
                        actor_id=actor,
                        at=utcnow(),
                    )
                )
            _reviews(proposal_id, [people["staff"], people["manager"]])
        db.session.commit()
    large = statements_for(app, client, path)
    assert client.get(path).text.count("marker-answered") >= 20
    assert_same_count(small, large)


def test_applicants_list_with_questions(app, client, auth, people, programme):
    with app.app_context():
        first = builders.make_proposal(people["applicant"], programme, status=Status.MORE_INFO)
        _history(first, [people["staff"]])
    auth.login("applicant")
    small = statements_for(app, client, "/proposals/mine")
    with app.app_context():
        for _ in range(15):
            proposal_id = builders.make_proposal(
                people["applicant"], programme, status=Status.MORE_INFO
            )
            db.session.add(
                StatusChange(
                    proposal_id=proposal_id,
                    from_status=Status.SCREENING,
                    to_status=Status.MORE_INFO,
                    actor_id=builders.make_user(Role.STAFF),
                    at=utcnow(),
                    reason="Why?",
                )
            )
        db.session.commit()
    large = statements_for(app, client, "/proposals/mine")
    assert client.get("/proposals/mine").text.count("The city asked you a question") == 16
    assert_same_count(small, large)


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_proposal_page(app, client, auth, people, programme, who):
    with app.app_context():
        (proposal_id,) = _proposals(programme, 1, status=Status.EVALUATION, with_rows=True)
        builders.make_evaluation(proposal_id, people["staff"])
    path = f"/proposals/{proposal_id}"
    auth.login(who)
    small = statements_for(app, client, path)
    with app.app_context():
        reviewers = _people(8)
        _reviews(proposal_id, reviewers)
        _history(proposal_id, _people(8) + reviewers)
        _experiment_rows(proposal_id, 12)
        proposal = db.session.get(Proposal, proposal_id)
        proposal.city_centres = list(CityCentre)
        proposal.sdgs = range(1, 18)
        proposal.partners = [
            Organisation(name=f"Consortium {i} ry", type=OrganisationType.COMMUNITY)
            for i in range(6)
        ]
        db.session.commit()
    large = statements_for(app, client, path)
    assert_same_count(small, large)


def test_public_catalogue(app, client, people, programme):
    path = "/experiments"
    with app.app_context():
        _proposals(programme, 2, status=Status.PILOT, with_rows=True)
    small = statements_for(app, client, path)
    with app.app_context():
        _proposals(programme, 10, status=Status.ADOPTED, with_rows=True)
        _proposals(programme, 10, status=Status.EVALUATION, with_rows=True)
        _proposals(programme, 5, status=Status.SUBMITTED)
    large = statements_for(app, client, path)
    assert client.get(path).text.count("Proposal number") >= 20
    assert_same_count(small, large)


@pytest.mark.parametrize("warm", [True, False], ids=["cached", "computed"])
def test_public_home(app, client, people, programme, warm):
    """Figures, open calls (each naming its programme) and the newest results."""
    path = "/"
    with app.app_context():
        _proposals(programme, 1, status=Status.ADOPTED, with_rows=True)
    small = statements_for(app, client, path, warm)
    with app.app_context():
        _proposals(programme, 6, status=Status.ADOPTED, with_rows=True)
        _proposals(programme, 6, status=Status.DISCONTINUED, with_rows=True)
        _proposals(programme, 6, status=Status.SUBMITTED)
        for _ in range(4):
            builders.make_programme()  # each with an open call
    large = statements_for(app, client, path, warm)
    assert client.get(path).text.count('class="call-card"') == 5
    assert_same_count(small, large)


@pytest.mark.parametrize("warm", [True, False], ids=["cached", "computed"])
@pytest.mark.parametrize("who", [None, "manager"])
def test_dashboard(app, client, auth, people, programme, who, warm):
    path = f"/statistics?programme={programme}"
    if who:
        auth.login(who)
    with app.app_context():
        _proposals(programme, 1, status=Status.PILOT, with_rows=True)
        _proposals(programme, 1)
    small = statements_for(app, client, path, warm)
    with app.app_context():
        _proposals(programme, 6, status=Status.ADOPTED, with_rows=True)
        _proposals(programme, 6, status=Status.REJECTED)
        _proposals(programme, 6, status=Status.SCREENING)
        _proposals(programme, 6, status=Status.WITHDRAWN)
        other = builders.make_programme(open_call=False)
        _proposals(other, 3, status=Status.PILOT, with_rows=True)
    large = statements_for(app, client, path, warm)
    assert_same_count(small, large)


@pytest.mark.parametrize("warm", [True, False], ids=["cached", "computed"])
def test_statistics_api(app, client, people, programme, warm):
    path = f"/api/v1/statistics?programme={programme}"
    with app.app_context():
        _proposals(programme, 1, status=Status.PILOT, with_rows=True)
    small = statements_for(app, client, path, warm)
    with app.app_context():
        _proposals(programme, 8, status=Status.ADOPTED, with_rows=True)
        _proposals(programme, 8, status=Status.REJECTED)
    large = statements_for(app, client, path, warm)
    assert_same_count(small, large)
    if warm:  # served from the cache: the generation token, no aggregate
        assert len(large) <= 2, large


# The API's lists: documents dumped from the models read nothing the view did not load.


def api_statements(app, api, path: str, who: str | None) -> list[str]:
    """The statements of one API GET, after a first that issues the token and warms caches."""
    assert api.get(path, who).status_code == 200
    with counting(app) as statements:
        response = api.get(path, who)
    assert response.status_code == 200, response.text[:500]
    return list(statements)


@pytest.mark.parametrize("who", ["staff", "applicant"])
def test_api_proposals(app, api, people, programme, who):
    path = "/proposals?per_page=100"
    with app.app_context():
        for proposal_id in _proposals(programme, 2, status=Status.PILOT, with_rows=True):
            db.session.get(Proposal, proposal_id).owner_id = people["applicant"]
        db.session.commit()
    small = api_statements(app, api, path, who)
    with app.app_context():
        made = _proposals(programme, 6, status=Status.ADOPTED, with_rows=True)
        made += _proposals(programme, 6, status=Status.SCREENING)
        for proposal_id in made:
            proposal = db.session.get(Proposal, proposal_id)
            proposal.owner_id = people["applicant"]
            proposal.city_centres = list(CityCentre)
            proposal.sdgs = range(1, 18)
        db.session.commit()
    large = api_statements(app, api, path, who)
    assert len(api.get(path, who).get_json()["items"]) == 14
    assert_same_count(small, large)


@pytest.mark.parametrize(
    "records",
    [
        "/experiments/{experiment}/partners",
        "/experiments/{experiment}/participation",
        "/experiments/{experiment}/expenses",
        "/experiments/{experiment}/risks",
        "/proposals/{proposal}/history",
    ],
)
def test_api_records(app, api, people, programme, records):
    with app.app_context():
        (proposal_id,) = _proposals(programme, 1, status=Status.PILOT, with_rows=True)
        experiment_id = db.session.scalar(
            select(Experiment.id).where(Experiment.proposal_id == proposal_id)
        )
    path = records.format(experiment=experiment_id, proposal=proposal_id)
    small = api_statements(app, api, path, "staff")
    with app.app_context():
        _experiment_rows(proposal_id, 12)
        _history(proposal_id, _people(12))
    large = api_statements(app, api, path, "staff")
    assert len(api.get(path, "staff").get_json()["items"]) > 12
    assert_same_count(small, large)


def test_api_public_experiments(app, api, people, programme):
    path = "/public/experiments?per_page=100"
    with app.app_context():
        _proposals(programme, 2, status=Status.PILOT, with_rows=True)
    small = api_statements(app, api, path, None)
    with app.app_context():
        _proposals(programme, 10, status=Status.ADOPTED, with_rows=True)
        _proposals(programme, 5, status=Status.SUBMITTED)
    large = api_statements(app, api, path, None)
    assert len(api.get(path).get_json()["items"]) == 12
    assert_same_count(small, large)


def _follow_up(experiment_id: int, staff_id: int, n: int) -> None:
    """n accepted reports, n milestones reached and n ahead, and n moves of the history."""
    experiment = db.session.get(Experiment, experiment_id)
    day = experiment.start_date
    for i in range(n):
        builders.make_report(
            experiment_id,
            staff_id,
            (day, day),
            f"Report {i}",
            status="accepted",
            reviewer_id=staff_id,
            reviewed_at=utcnow(),
        )
        builders.make_milestone(experiment_id, staff_id, f"Reached {i}", day, day)
        builders.make_milestone(experiment_id, staff_id, f"Ahead {i}", day + timedelta(days=400))
    builders.add_history(
        experiment.proposal_id,
        staff_id,
        *[(Status.SCREENING, Status.PILOT, utcnow()) for _ in range(n)],
    )


@pytest.mark.parametrize("who", [None, "staff"])
def test_an_experiments_timeline_and_milestones(app, client, auth, people, programme, who):
    """The public page's timeline and the staff page's milestones, however many there are."""
    with app.app_context():
        (proposal_id,) = _proposals(programme, 1, status=Status.PILOT, with_rows=True)
        experiment_id = db.session.get(Proposal, proposal_id).experiment.id
        builders.make_evaluation(proposal_id, people["staff"])
        _follow_up(experiment_id, people["staff"], 1)
    path = f"/pilots/{experiment_id}" if who else f"/experiments/{experiment_id}"
    if who:
        auth.login(who)
    small = statements_for(app, client, path)
    with app.app_context():
        _follow_up(experiment_id, people["staff"], 12)
    large = statements_for(app, client, path)
    assert client.get(path).text.count("Ahead ") >= 13
    assert_same_count(small, large)
