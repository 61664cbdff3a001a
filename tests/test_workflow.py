"""The guards of the moves up to the screening decision, through the one change_status."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from experiments.errors import Conflict, Invalid, NotAllowed, StaleVersion
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Call, Proposal, StatusChange, User
from experiments.services import proposals as proposal_service
from experiments.services.workflow import change_status
from tests import builders

pytestmark = pytest.mark.usefixtures("ctx")  # the services are called directly


@pytest.fixture
def applicant(ctx, people):
    return db.session.get(User, people["applicant"])


@pytest.fixture
def staff(ctx, people):
    return db.session.get(User, people["staff"])


def _proposal(owner: User, programme_id: int, status=Status.DRAFT, **overrides) -> Proposal:
    return db.session.get(
        Proposal, builders.make_proposal(owner.id, programme_id, status=status, **overrides)
    )


def _history(proposal_id: int) -> list[StatusChange]:
    return db.session.scalars(
        select(StatusChange)
        .where(StatusChange.proposal_id == proposal_id)
        .order_by(StatusChange.id)
    ).all()


def _unchanged(proposal_id: int, status: Status, version: int, moves: int = 0) -> None:
    """The proposal as it was: same status and version, no new history."""
    db.session.rollback()
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal_id)
    assert (proposal.status, proposal.version) == (status, version)
    assert len(_history(proposal_id)) == moves


def test_submit_an_incomplete_draft_lists_what_is_missing(applicant, programme, outbox):
    draft = proposal_service.create_draft(
        applicant, {"title": "Half an idea", "proposer_type": "company"}
    )
    with pytest.raises(Invalid) as refused:
        change_status(draft, Status.SUBMITTED, applicant, draft.version)
    assert set(refused.value.errors) == {
        "summary",
        "need",
        "service_area",
        "requested_budget",
        "planned_duration_months",
        "organisation",
        "city_centres",
    }
    _unchanged(draft.id, Status.DRAFT, 1)
    assert outbox == []


def test_a_resident_needs_no_organisation(applicant, programme):
    draft = _proposal(applicant, programme, proposer_type="resident")
    draft.organisation = None
    db.session.commit()
    change_status(draft, Status.SUBMITTED, applicant, draft.version)
    assert draft.status == Status.SUBMITTED


def test_a_closed_call_refuses_the_submission(applicant, programme, outbox):
    draft = _proposal(applicant, programme)
    draft.call.opens_on = date.today() - timedelta(days=40)
    draft.call.closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        change_status(draft, Status.SUBMITTED, applicant, draft.version)
    assert refused.value.errors == {
        "call_id": [f"The call “{draft.call.title}” is closed and takes no new submissions."]
    }
    _unchanged(draft.id, Status.DRAFT, 1)
    assert outbox == []


def test_a_call_closing_today_still_takes_submissions(applicant, programme):
    draft = _proposal(applicant, programme)
    draft.call.closes_on = date.today()
    db.session.commit()
    change_status(draft, Status.SUBMITTED, applicant, draft.version)
    assert draft.status == Status.SUBMITTED


def test_a_draft_cannot_join_a_closed_call(applicant, programme):
    closed = Call(
        programme_id=programme,
        title="Old call",
        opens_on=date(2000, 1, 1),
        closes_on=date(2000, 2, 1),
    )
    db.session.add(closed)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        proposal_service.create_draft(applicant, {"call_id": closed.id, "title": "Late"})
    assert "is closed and takes no new submissions" in refused.value.errors["call_id"][0]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_a_stale_version_is_refused_and_nothing_changes(applicant, programme, outbox):
    draft = _proposal(applicant, programme)
    with pytest.raises(StaleVersion) as refused:
        change_status(draft, Status.SUBMITTED, applicant, draft.version - 1)
    assert refused.value.status_code == 409
    assert "Someone else changed this proposal" in refused.value.message
    _unchanged(draft.id, Status.DRAFT, 1)
    assert outbox == []


def test_a_concurrent_change_is_refused_at_commit(applicant, staff, programme, outbox):
    """The version was read before someone else's commit: the database refuses the update."""
    proposal = _proposal(applicant, programme, status=Status.SUBMITTED)
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(version=Proposal.version + 1)
        .execution_options(synchronize_session=False)
    )
    assert proposal.version == 1  # what this request loaded
    with pytest.raises(StaleVersion):
        change_status(proposal, Status.SCREENING, staff, 1)
    _unchanged(proposal.id, Status.SUBMITTED, 1)
    assert outbox == []


def test_each_move_writes_history_bumps_version_and_mails(applicant, staff, programme, outbox):
    proposal = _proposal(applicant, programme, title="Library robot")
    before = datetime.now(UTC)
    steps = [
        (Status.SUBMITTED, applicant, {}, None),
        (Status.SCREENING, staff, {}, None),
        (
            Status.MORE_INFO,
            staff,
            {"question": "  Which branch library?  "},
            "Which branch library?",
        ),
        (Status.SUBMITTED, applicant, {"answer": "Tapiola."}, "Tapiola."),
        (Status.SCREENING, staff, {}, None),
        (Status.REJECTED, staff, {"reason": "Out of scope."}, "Out of scope."),
    ]
    source = Status.DRAFT
    for n, (target, actor, fields, reason) in enumerate(steps, start=1):
        change_status(proposal, target, actor, proposal.version, **fields)
        assert (proposal.status, proposal.version) == (target, n + 1)
        entry = _history(proposal.id)[-1]
        assert (entry.from_status, entry.to_status, entry.actor_id, entry.reason) == (
            source,
            target,
            actor.id,
            reason,
        )
        assert before <= entry.at <= datetime.now(UTC)
        assert len(outbox) == n
        assert outbox[-1].to == [applicant.email]
        assert "Library robot" in outbox[-1].subject
        source = target
    assert len(_history(proposal.id)) == len(steps)
    assert reason in outbox[-1].body


def test_submitted_at_is_set_once(applicant, staff, programme):
    proposal = _proposal(applicant, programme)
    assert proposal.submitted_at is None
    change_status(proposal, Status.SUBMITTED, applicant, proposal.version)
    first = proposal.submitted_at
    assert first is not None and first.tzinfo is not None
    change_status(proposal, Status.SCREENING, staff, proposal.version)
    change_status(proposal, Status.MORE_INFO, staff, proposal.version, question="Where?")
    change_status(proposal, Status.SUBMITTED, applicant, proposal.version, answer="Here.")
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).submitted_at == first


@pytest.mark.parametrize(
    ("source", "target", "field"),
    [
        (Status.SCREENING, Status.MORE_INFO, "question"),
        (Status.MORE_INFO, Status.SUBMITTED, "answer"),
        (Status.SCREENING, Status.REJECTED, "reason"),
    ],
)
@pytest.mark.parametrize("given", [None, "", "   "])
def test_a_required_text_must_be_given(
    applicant, staff, programme, outbox, source, target, field, given
):
    proposal = _proposal(applicant, programme, status=source)
    actor = applicant if target == Status.SUBMITTED else staff
    with pytest.raises(Invalid) as refused:
        change_status(proposal, target, actor, proposal.version, **{field: given})
    assert list(refused.value.errors) == [field]
    _unchanged(proposal.id, source, 1)
    assert outbox == []


@pytest.mark.parametrize(
    "source", [Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.MORE_INFO]
)
def test_the_owner_withdraws_with_or_without_a_reason(applicant, programme, outbox, source):
    with_reason = _proposal(applicant, programme, status=source)
    change_status(with_reason, Status.WITHDRAWN, applicant, 1, reason="We found funding.")
    without = _proposal(applicant, programme, status=source)
    change_status(without, Status.WITHDRAWN, applicant, 1)
    assert [h.reason for h in _history(with_reason.id)] == ["We found funding."]
    assert [h.reason for h in _history(without.id)] == [None]
    assert [m.to for m in outbox] == [[applicant.email]] * 2


def test_another_applicant_cannot_move_it(applicant, programme, people, outbox):
    other = db.session.get(User, people["other"])
    proposal = _proposal(applicant, programme)
    for target in (Status.SUBMITTED, Status.WITHDRAWN):
        with pytest.raises(NotAllowed):
            change_status(proposal, target, other, proposal.version)
    _unchanged(proposal.id, Status.DRAFT, 1)
    assert outbox == []


def test_staff_cannot_submit_for_the_applicant(applicant, staff, programme):
    proposal = _proposal(applicant, programme)
    with pytest.raises(NotAllowed):
        change_status(proposal, Status.SUBMITTED, staff, proposal.version)
    _unchanged(proposal.id, Status.DRAFT, 1)


def test_a_terminal_state_refuses_every_move(applicant, staff, programme):
    proposal = _proposal(applicant, programme, status=Status.REJECTED)
    with pytest.raises(Conflict) as refused:
        change_status(proposal, Status.SCREENING, staff, proposal.version)
    assert refused.value.message == "“Rejected” is final: the proposal cannot move on."
    _unchanged(proposal.id, Status.REJECTED, 1)


@pytest.mark.parametrize(
    ("locale", "now", "before"),
    [
        ("fi", "Esikäsittelyssä", "Lähetetty"),
        ("sv", "Under granskning", "Inlämnad"),
        ("en", "In screening", "Submitted"),
    ],
)
def test_the_mail_is_in_the_applicants_language(ctx, programme, outbox, locale, now, before):
    owner = db.session.get(User, builders.make_user(Role.APPLICANT, locale=locale))
    staff = db.session.get(User, builders.make_user(Role.STAFF, locale="en"))
    proposal = _proposal(owner, programme, status=Status.SUBMITTED, title="Bike lanes")
    change_status(proposal, Status.SCREENING, staff, proposal.version)
    (message,) = outbox
    assert message.to == [owner.email]
    assert "Bike lanes" in message.subject
    assert now in message.subject
    assert before in message.body
    if locale == "en":
        assert message.subject == "Your proposal “Bike lanes”: In screening"
    assert f"/proposals/{proposal.id}" in message.body


def test_the_staff_question_reaches_the_applicant(applicant, staff, programme, outbox):
    proposal = _proposal(applicant, programme, status=Status.SCREENING)
    change_status(proposal, Status.MORE_INFO, staff, 1, question="How many robots?")
    assert "How many robots?" in outbox[0].body


def test_the_answer_needs_a_proposal_still_complete(applicant, programme, outbox):
    """Fields are editable in more_info; the resubmission checks them as a submission does."""
    proposal = _proposal(applicant, programme, status=Status.MORE_INFO)
    proposal_service.update_content(
        proposal, applicant, proposal.version, {"summary": None, "city_centres": []}
    )
    with pytest.raises(Invalid) as refused:
        change_status(proposal, Status.SUBMITTED, applicant, proposal.version, answer="Here.")
    assert set(refused.value.errors) == {"summary", "city_centres"}
    _unchanged(proposal.id, Status.MORE_INFO, 2)
    assert outbox == []


def test_the_answer_is_taken_after_the_call_closed(applicant, programme):
    proposal = _proposal(applicant, programme, status=Status.MORE_INFO)
    proposal.call.opens_on = date.today() - timedelta(days=90)
    proposal.call.closes_on = date.today() - timedelta(days=30)
    db.session.commit()
    change_status(proposal, Status.SUBMITTED, applicant, proposal.version, answer="Here.")
    assert proposal.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("source", "target", "field"),
    [
        (Status.SCREENING, Status.MORE_INFO, "question"),
        (Status.MORE_INFO, Status.SUBMITTED, "answer"),
        (Status.SCREENING, Status.REJECTED, "reason"),
        (Status.SUBMITTED, Status.WITHDRAWN, "reason"),
    ],
)
@pytest.mark.parametrize("given", ["x" * 5001, 42, ["a list"]])
def test_a_move_text_must_be_text_of_sane_length(
    applicant, staff, programme, outbox, source, target, field, given
):
    proposal = _proposal(applicant, programme, status=source)
    actor = applicant if target in (Status.SUBMITTED, Status.WITHDRAWN) else staff
    with pytest.raises(Invalid) as refused:
        change_status(proposal, target, actor, proposal.version, **{field: given})
    assert list(refused.value.errors) == [field]
    _unchanged(proposal.id, source, 1)
    assert outbox == []
