"""The transition table, exhaustively: every (from, to, role, owner or not) through change_status.

The expected answers come from SPEC's table written out here a second time, so a wrong
edge in lifecycle.py and a service that ignores the table both fail.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from experiments import lifecycle
from experiments.errors import Conflict, NotAllowed, StaleVersion
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, StatusChange, User
from experiments.services.workflow import allowed_moves_message, change_status
from tests import builders

S = Status
APPLICANT, STAFF, MANAGER = {Role.APPLICANT}, {Role.STAFF, Role.MANAGER}, {Role.MANAGER}

# SPEC "The workflow": (from, to) → (who may, only the owning applicant).
SPEC_TABLE = {
    (S.DRAFT, S.SUBMITTED): (APPLICANT, True),
    (S.SUBMITTED, S.SCREENING): (STAFF, False),
    (S.SCREENING, S.PILOT): (MANAGER, False),
    (S.SCREENING, S.MORE_INFO): (STAFF, False),
    (S.MORE_INFO, S.SUBMITTED): (APPLICANT, True),
    (S.SCREENING, S.REJECTED): (STAFF, False),
    (S.PILOT, S.EVALUATION): (STAFF, False),
    (S.PILOT, S.DISCONTINUED): (MANAGER, False),
    (S.EVALUATION, S.ADOPTED): (MANAGER, False),
    (S.EVALUATION, S.DISCONTINUED): (MANAGER, False),
    **{
        (s, S.WITHDRAWN): (APPLICANT, True)
        for s in (S.DRAFT, S.SUBMITTED, S.SCREENING, S.MORE_INFO)
    },
}
SPEC_REQUIRES = {
    (S.SCREENING, S.PILOT): {"allocated_budget", "start_date", "planned_end_date", "owner_id"},
    (S.SCREENING, S.MORE_INFO): {"question"},
    (S.MORE_INFO, S.SUBMITTED): {"answer"},
    (S.SCREENING, S.REJECTED): {"reason"},
    (S.PILOT, S.EVALUATION): {"actual_end_date"},
    (S.PILOT, S.DISCONTINUED): {"reason"},
    (S.EVALUATION, S.ADOPTED): {"decision", "lessons_learned"},
    (S.EVALUATION, S.DISCONTINUED): {"reason", "lessons_learned"},
}
TERMINAL = {S.REJECTED, S.ADOPTED, S.DISCONTINUED, S.WITHDRAWN}
# The refusal of a move the table does not have, naming the moves it does (English).
REFUSALS = {
    S.DRAFT: "From “Draft” the proposal may move to: Submitted, Withdrawn.",
    S.SUBMITTED: "From “Submitted” the proposal may move to: In screening, Withdrawn.",
    S.SCREENING: (
        "From “In screening” the proposal may move to: "
        "Pilot, More information requested, Rejected, Withdrawn."
    ),
    S.MORE_INFO: (
        "From “More information requested” the proposal may move to: Submitted, Withdrawn."
    ),
    S.REJECTED: "“Rejected” is final: the proposal cannot move on.",
    S.PILOT: "From “Pilot” the proposal may move to: In evaluation, Discontinued.",
    S.EVALUATION: "From “In evaluation” the proposal may move to: Adopted, Discontinued.",
    S.ADOPTED: "“Adopted” is final: the proposal cannot move on.",
    S.DISCONTINUED: "“Discontinued” is final: the proposal cannot move on.",
    S.WITHDRAWN: "“Withdrawn” is final: the proposal cannot move on.",
}
ACTORS = [(role, owner) for role in Role for owner in (True, False)]


def test_the_table_is_specs_table():
    table = {(t.source, t.target): (set(t.roles), t.owner_only) for t in lifecycle.TRANSITIONS}
    assert table == SPEC_TABLE
    assert len(lifecycle.TRANSITIONS) == len(SPEC_TABLE)  # no edge listed twice


def test_each_edge_requires_what_spec_says():
    for edge in lifecycle.TRANSITIONS:
        assert SPEC_REQUIRES.get((edge.source, edge.target), set()) <= set(edge.requires), edge
        assert edge.label


# What each edge's history entry keeps as its reason: the text the move asks for.
SPEC_REASON_FIELD = {
    (S.SCREENING, S.MORE_INFO): "question",
    (S.MORE_INFO, S.SUBMITTED): "answer",
    (S.SCREENING, S.REJECTED): "reason",
    (S.PILOT, S.DISCONTINUED): "reason",
    (S.EVALUATION, S.ADOPTED): "decision",
    (S.EVALUATION, S.DISCONTINUED): "reason",
    **{(s, S.WITHDRAWN): "reason" for s in (S.DRAFT, S.SUBMITTED, S.SCREENING, S.MORE_INFO)},
}


def test_each_edge_carries_what_the_service_the_form_and_the_api_use(app):
    from experiments.api.schemas import TransitionSchema
    from experiments.forms.moves import move_form
    from experiments.services.workflow import GUARDS

    used_guards = set()
    with app.test_request_context():
        for edge in lifecycle.TRANSITIONS:
            key = (edge.source, edge.target)
            assert edge.reason_field == SPEC_REASON_FIELD.get(key), edge
            assert edge.reason_field is None or edge.reason_field in edge.fields, edge
            assert set(edge.fields) <= set(lifecycle.MOVE_FIELDS), edge
            # A move that takes input has a check that reads it; every named check exists.
            assert edge.guard is not None or not edge.fields, edge
            if edge.guard is not None:
                assert edge.guard in GUARDS, edge
                used_guards.add(edge.guard)
            form = move_form(edge, formdata=None)
            assert [f.short_name for f in form.move_fields] == list(edge.fields)
            for field in form.move_fields:
                required = field.short_name in edge.requires
                assert bool(field.flags.required) == required, (edge, field.short_name)
    assert used_guards == set(GUARDS)  # no check left behind by an edge that went away
    assert set(TransitionSchema().fields) == {"to", "version", *lifecycle.MOVE_FIELDS}


def test_terminal_states_have_no_way_out():
    assert lifecycle.TERMINAL == TERMINAL
    for state in TERMINAL:
        assert lifecycle.moves_from(state) == ()


def _fields(proposal: Proposal, staff_id: int) -> dict:
    """Everything any move may require, valid for this proposal."""
    start = date(proposal.programme.start_year + 1, 3, 1)
    return {
        "question": "Which library?",
        "answer": "Tapiola.",
        "reason": "Out of scope.",
        "decision": "Adopted city-wide.",
        "lessons_learned": "Start small.",
        "allocated_budget": Decimal("10000.00"),
        "start_date": start,
        "planned_end_date": start + timedelta(days=120),
        "owner_id": staff_id,
        "city_unit": "Libraries",
        "actual_end_date": (
            # After the start, and never in the future.
            min(proposal.experiment.start_date + timedelta(days=100), date.today())
            if proposal.experiment
            else start
        ),
    }


@pytest.mark.parametrize("target", list(Status))
@pytest.mark.parametrize("source", list(Status))
def test_change_status_follows_the_table(ctx, programme, source, target):
    users = {role: builders.make_user(role) for role in Role}
    stranger = builders.make_user(Role.APPLICANT)
    for role, is_owner in ACTORS:
        actor_id = users[role]
        proposal_id = builders.make_proposal(
            actor_id if is_owner else stranger, programme, status=source
        )
        if source == S.EVALUATION:
            builders.make_evaluation(proposal_id, users[Role.STAFF])
        proposal = db.session.get(Proposal, proposal_id)
        actor = db.session.get(User, actor_id)
        fields = _fields(proposal, users[Role.STAFF])
        case = (source, target, role, is_owner)

        spec = SPEC_TABLE.get((source, target))
        if spec is None:
            with pytest.raises(Conflict) as refused:
                change_status(proposal, target, actor, proposal.version, **fields)
            assert not isinstance(refused.value, StaleVersion), case
            assert refused.value.status_code == 409
            assert refused.value.message == REFUSALS[source], case
        elif role not in spec[0] or (spec[1] and not is_owner):
            with pytest.raises(NotAllowed) as refused:
                change_status(proposal, target, actor, proposal.version, **fields)
            assert refused.value.status_code == 403
        else:
            change_status(proposal, target, actor, proposal.version, **fields)
        db.session.rollback()
        db.session.expire_all()

        moved = spec is not None and role in spec[0] and (is_owner or not spec[1])
        proposal = db.session.get(Proposal, proposal_id)
        history = db.session.scalars(
            select(StatusChange).where(StatusChange.proposal_id == proposal_id)
        ).all()
        if moved:
            assert proposal.status == target, case
            assert proposal.version == 2, case
            assert [(h.from_status, h.to_status, h.actor_id) for h in history] == [
                (source, target, actor_id)
            ], case
            reason_field = SPEC_REASON_FIELD.get((source, target))
            assert history[0].reason == (fields[reason_field] if reason_field else None), case
        else:
            assert (proposal.status, proposal.version, history) == (source, 1, []), case


@pytest.mark.parametrize("source", list(Status))
def test_the_refusal_names_the_allowed_moves(ctx, source):
    assert allowed_moves_message(source) == REFUSALS[source]


def test_the_refusal_reaches_the_page(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED
        )
    auth.login("staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/adopted",
        data={"adopted-to": "adopted", "adopted-version": "1"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "From “Submitted” the proposal may move to: In screening, Withdrawn." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == 0


@pytest.mark.parametrize(
    "referrer, lands_on",
    [
        ("http://localhost/proposals/{id}?tab=history", "/proposals/{id}?tab=history"),
        ("https://evil.example/proposals/{id}", "/"),
        (None, "/"),
    ],
)
def test_a_refused_move_is_said_on_the_page_it_came_from(
    app, client, auth, programme, people, referrer, lands_on
):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED
        )
    auth.login("staff")
    headers = {"Referer": referrer.format(id=proposal_id)} if referrer else {}
    stale = client.post(
        f"/proposals/{proposal_id}/moves/screening",
        data={"screening-to": "screening", "screening-version": "7"},
        headers=headers,
    )
    assert stale.status_code == 303
    assert stale.headers["Location"] == lands_on.format(id=proposal_id)
    page = client.get(stale.headers["Location"])
    assert "Someone else changed this proposal while you were editing it." in page.text
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == Status.SUBMITTED
