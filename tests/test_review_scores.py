"""The score kept on each proposal equals the weighted review average computed from the
reviews, after every kind of write that changes it (reviews saved and changed through the
API, a call's weights changed on its form, a review removed, a proposal moved to another
call); the migration's backfill computes the same; the lists read it; the audit trail and
an applicant's data export leave it out; the index serves the sort (query plans)."""

import importlib.util
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import AuditEntry, Call, Proposal, Review
from experiments.queries import REVIEW_AVERAGE, SORTS, with_weights
from tests import builders

CRITERIA = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")
MIGRATION = next(Path(__file__).parent.parent.glob("migrations/versions/551932df64ae_*.py"))


def _live() -> dict[int, tuple[object, int]]:
    """Per proposal, REVIEW_AVERAGE and the number of reviews, aggregated now."""
    rows = db.session.execute(
        with_weights(select(Review.proposal_id, REVIEW_AVERAGE, func.count(Review.id))).group_by(
            Review.proposal_id
        )
    )
    return {pid: (average, count) for pid, average, count in rows}


def _stored() -> dict[int, tuple[object, int]]:
    db.session.expire_all()
    return {
        pid: (score, count)
        for pid, score, count in db.session.execute(
            select(Proposal.id, Proposal.review_score, Proposal.review_count)
        )
    }


def assert_scores_kept(app) -> None:
    with app.app_context():
        live, stored = _live(), _stored()
        expected = {pid: live.get(pid, (None, 0)) for pid in stored}
        assert stored == expected


def _scores(need, benefit, reusability, feasibility, cost_effectiveness):
    return dict(
        zip(CRITERIA, (need, benefit, reusability, feasibility, cost_effectiveness), strict=True)
    )


def _call_form(call: Call, **weights) -> dict[str, str]:
    return {
        "title": call.title,
        "description": call.description or "A call.",
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        **{f"weight_{c}": str(weights.get(c, 1)) for c in CRITERIA},
        **{f"minimum_{c}": "" for c in CRITERIA},
    }


@pytest.fixture
def world(app, people, programme):
    """Proposals in screening: three in the programme's first call, one in a second call,
    one without reviews."""
    with app.app_context():
        first = db.session.scalar(select(Call.id).where(Call.programme_id == programme))
        opens, closes = builders.call_dates()
        second_call = Call(
            programme_id=programme, title="Second call", opens_on=opens, closes_on=closes
        )
        db.session.add(second_call)
        builders.commit()
        ids = [
            builders.make_proposal(
                people["applicant"], programme, status=Status.SCREENING, title=f"Idea {n}"
            )
            for n in range(5)
        ]
        db.session.get(Proposal, ids[3]).call_id = second_call.id
        builders.commit()
        return {"ids": ids, "first": first, "second": second_call.id}


def test_the_kept_score_follows_every_write(app, client, auth, api, people, programme, world):
    ids = world["ids"]
    assert_scores_kept(app)
    with app.app_context():
        assert db.session.get(Proposal, ids[0]).review_count == 0

    # Reviews saved through the API, one abstaining on a criterion.
    for pid, who, scores in (
        (ids[0], "staff", _scores(5, 4, 3, 2, 1)),
        (ids[0], "manager", _scores(2, None, 4, 4, 5)),
        (ids[1], "staff", _scores(3, 3, 3, 3, 3)),
        (ids[3], "manager", _scores(1, 5, None, None, 2)),
    ):
        response = api.put(f"/proposals/{pid}/review", who, json={**scores, "comment": ""})
        assert response.status_code in (200, 201), response.text
    assert_scores_kept(app)
    with app.app_context():
        first = db.session.get(Proposal, ids[0])
        # (5+4+3+2+1 + 2+4+4+5) / 9 criteria scored
        assert float(first.review_score) == pytest.approx(30 / 9)
        assert first.review_count == 2

    # A review changed.
    response = api.put(
        f"/proposals/{ids[0]}/review", "staff", json={**_scores(1, 1, 1, 1, 1), "comment": ""}
    )
    assert response.status_code in (200, 201), response.text
    assert_scores_kept(app)

    # The first call's weights changed on its form: its proposals' scores change too.
    auth.login("manager")
    with app.app_context():
        form = _call_form(db.session.get(Call, world["first"]), need=3, reusability=0)
    response = client.post(f"/programmes/{programme}/calls/{world['first']}/edit", data=form)
    assert response.status_code == 302, response.text
    assert_scores_kept(app)
    with app.app_context():
        first = db.session.get(Proposal, ids[0])
        # staff 1,1,1,1,1 and manager 2,-,4,4,5 with need×3 and reusability×0
        weighted = (3 * 1 + 1 + 1 + 1) + (3 * 2 + 4 + 5)
        assert float(first.review_score) == pytest.approx(weighted / (3 + 1 + 1 + 1 + 3 + 1 + 1))

    # Written directly (as the test builders and other services do), a review added and
    # another removed; a proposal moved to the second call.
    with app.app_context():
        db.session.add(
            Review(proposal_id=ids[2], reviewer_id=people["staff"], **_scores(4, 4, 4, 4, 5))
        )
        db.session.delete(db.session.scalar(select(Review).where(Review.proposal_id == ids[1])))
        db.session.get(Proposal, ids[0]).call_id = world["second"]
        builders.commit()
    assert_scores_kept(app)
    with app.app_context():
        assert db.session.get(Proposal, ids[1]).review_score is None
        assert db.session.get(Proposal, ids[1]).review_count == 0

    # A weight of 0 on every criterion a review scored: reviews, but no weighted score.
    with app.app_context():
        call = db.session.get(Call, world["second"])
        call.weight_need = call.weight_benefit = call.weight_cost_effectiveness = 0
        builders.commit()
    assert_scores_kept(app)
    with app.app_context():
        fourth = db.session.get(Proposal, ids[3])
        assert (fourth.review_score, fourth.review_count) == (None, 1)


def test_a_refused_review_leaves_the_score(app, api, people, world):
    pid = world["ids"][0]
    api.put(f"/proposals/{pid}/review", "staff", json={**_scores(5, 5, 5, 5, 5), "comment": ""})
    response = api.put(
        f"/proposals/{pid}/review", "staff", json={**_scores(6, 5, 5, 5, 5), "comment": ""}
    )
    assert response.status_code == 422
    with app.app_context():
        assert float(db.session.get(Proposal, pid).review_score) == 5.0
    assert_scores_kept(app)


def test_the_migrations_backfill_computes_the_same_score(app, people, world):
    spec = importlib.util.spec_from_file_location("backfill_migration", MIGRATION)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    ids = world["ids"]
    with app.app_context():
        call = db.session.get(Call, world["first"])
        call.weight_benefit, call.weight_feasibility = 4, 0
        for pid, reviewer, scores in (
            (ids[0], people["staff"], _scores(5, 4, 3, 2, 1)),
            (ids[0], people["manager"], _scores(2, None, 4, 4, 5)),
            (ids[1], people["staff"], _scores(None, None, None, 2, None)),
            (ids[3], people["staff"], _scores(1, 5, 3, None, 2)),
        ):
            db.session.add(Review(proposal_id=pid, reviewer_id=reviewer, **scores))
        builders.commit()
        kept = _stored()
        db.session.execute(update(Proposal).values(review_score=None, review_count=0))
        db.session.execute(text(migration.BACKFILL))
        builders.commit()
        assert _stored() == kept
    assert_scores_kept(app)


def test_the_queue_sorts_by_the_kept_score(app, client, auth, people, world):
    ids = world["ids"]
    with app.app_context():
        for pid, score in ((ids[0], 2), (ids[1], 5), (ids[2], 3), (ids[3], 3)):
            db.session.add(
                Review(
                    proposal_id=pid, reviewer_id=people["staff"], **dict.fromkeys(CRITERIA, score)
                )
            )
        builders.commit()
    auth.login("manager")
    page = client.get("/screening?sort=-score&mine=0").text
    order = [page.index(f">Idea {n}</a>") for n in (1, 2, 3, 0, 4)]
    assert order == sorted(order)
    page = client.get("/screening?sort=score&mine=0").text
    order = [page.index(f">Idea {n}</a>") for n in (0, 2, 3, 1, 4)]
    assert order == sorted(order)
    row = re.search(r">Idea 1</a>.*?</tr>", page, re.S)
    assert row and '<td class="num" data-label="Average score">5</td>' in row.group(0)


def test_the_score_is_no_ones_change_in_the_trail(app, client, api, people, world):
    pid = world["ids"][0]
    api.put(f"/proposals/{pid}/review", "staff", json={**_scores(5, 5, 5, 5, 5), "comment": ""})
    with app.app_context():
        assert db.session.get(Proposal, pid).review_count == 1
        entries = db.session.scalars(select(AuditEntry.changes)).all()
    assert entries
    assert not [e for e in entries if "review_score" in e or "review_count" in e]


def test_an_applicants_data_export_has_no_review_score(app, client, auth, api, people, world):
    pid = world["ids"][0]
    api.put(f"/proposals/{pid}/review", "staff", json={**_scores(5, 5, 5, 5, 5), "comment": ""})
    auth.login("applicant")
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert '"Idea 0"' in response.text
    assert "review_score" not in response.text and "review_count" not in response.text


def _plan(statement) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return "\n".join(row[-1] for row in rows)
    # Whether an index can give the order, not which plan a test-sized table's statistics
    # favour: with sorting and bitmap scans priced out, only an ordered index scan is cheap.
    for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
        db.session.execute(text(f"SET LOCAL {setting} = off"))
    return "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))


def test_the_indexes_serve_the_score_sort(app, people, programme):
    with app.app_context():
        # SQLite takes the (status, review_score) index; PostgreSQL chooses between the two
        # score indexes by its statistics of the (test-sized, shared) table.
        exact = db.engine.dialect.name == "sqlite"
        score_index = r"ix_proposal_status_score" if exact else r"ix_proposal_(type_)?status_score"
        page = (
            select(Proposal.id)
            .where(Proposal.status == Status.SCREENING)
            .order_by(*SORTS["-score"])
            .limit(25)
        )
        plan = _plan(page)
        assert re.search(score_index, plan), plan
        # The queue as staff screen it: one proposer type, its three states, best first.
        queue = (
            select(Proposal.id)
            .where(
                Proposal.proposer_type == "company",
                Proposal.status.in_(["submitted", "screening", "more_info"]),
            )
            .order_by(*SORTS["-score"])
            .limit(25)
        )
        if db.engine.dialect.name == "sqlite":  # PostgreSQL's choice follows its statistics
            plan = _plan(queue)
            assert "COVERING INDEX ix_proposal_type_status_score" in plan, plan
        best = (
            select(Proposal.id)
            .where(Proposal.status == Status.SCREENING, Proposal.review_score.is_not(None))
            .order_by(Proposal.review_score.desc(), Proposal.id)
            .limit(5)
        )
        plan = _plan(best)
        assert re.search(score_index, plan), plan
        db.session.rollback()


def test_a_proposal_without_a_call_weighs_each_criterion_once(app, people, programme):
    with app.app_context():
        pid = builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
        db.session.get(Proposal, pid).call_id = None
        builders.commit()
        db.session.add(
            Review(proposal_id=pid, reviewer_id=people["staff"], **_scores(1, 2, 3, 4, None))
        )
        builders.commit()
        assert float(db.session.get(Proposal, pid).review_score) == 2.5
    assert_scores_kept(app)
