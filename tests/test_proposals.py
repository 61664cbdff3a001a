"""The applicant's proposal pages: new, edit, show, mine; every invalid field; CSRF."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Call, Organisation, Proposal, StatusChange
from tests import builders

VALID_BUSINESS_ID = "0112038-9"
BAD_BUSINESS_ID = "1234567-8"  # SPEC's example of the format; its check digit is wrong


def _call_id(app, programme_id):
    with app.app_context():
        return db.session.scalar(select(Call.id).where(Call.programme_id == programme_id))


def _form(call_id, **overrides):
    data = {
        "call_id": str(call_id),
        "title": "Snow robot",
        "summary": "A robot clears snow.",
        "need": "Icy pavements.",
        "proposer_type": "company",
        "organisation_name": "Robotics Oy",
        "organisation_business_id": VALID_BUSINESS_ID,
        "service_area": "mobility",
        "city_centres": ["tapiola", "leppavaara"],
        "requested_budget": "15000.50",
        "planned_duration_months": "6",
        "sdgs": ["9", "11"],
        "partners-0-name": "Aalto University",
        "partners-0-business_id": "",
        "partners-0-type": "research",
    }
    data.update(overrides)
    return data


def _count(app, model=Proposal):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def applicant(auth, client):
    auth.login("applicant")
    return auth


def test_new_saves_a_draft_with_every_field(app, client, applicant, programme):
    page = client.get("/proposals/new")
    assert page.status_code == 200
    response = client.post("/proposals/new", data=_form(_call_id(app, programme)))
    assert response.status_code == 302, response.text
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        p = db.session.get(Proposal, proposal_id)
        assert (p.title, p.summary, p.need, p.proposer_type, p.service_area) == (
            "Snow robot",
            "A robot clears snow.",
            "Icy pavements.",
            "company",
            "mobility",
        )
        assert p.requested_budget == Decimal("15000.50")
        assert p.planned_duration_months == 6
        assert sorted(p.city_centres) == ["leppavaara", "tapiola"]
        assert p.sdgs == [9, 11]
        assert (p.organisation.name, p.organisation.business_id) == (
            "Robotics Oy",
            VALID_BUSINESS_ID,
        )
        assert [o.name for o in p.partners] == ["Aalto University"]
        assert (p.status, p.version, p.submitted_at) == (Status.DRAFT, 1, None)
        assert p.programme_id == programme
        assert p.history == []


def test_an_incomplete_draft_is_saved(app, client, applicant, programme):
    response = client.post(
        "/proposals/new", data={"call_id": _call_id(app, programme), "title": "Idea"}
    )
    assert response.status_code == 302
    assert _count(app) == 1


def test_the_form_offers_only_open_calls(app, client, applicant, programme):
    with app.app_context():
        db.session.add(
            Call(
                programme_id=programme,
                title="Closed call",
                opens_on=date(2001, 1, 1),
                closes_on=date(2001, 2, 1),
            )
        )
        db.session.commit()
        closed = db.session.scalar(select(Call.id).where(Call.title == "Closed call"))
    page = client.get("/proposals/new")
    assert "Closed call" not in page.text
    response = client.post("/proposals/new", data=_form(closed))
    assert response.status_code == 422
    assert _count(app) == 0


def _invalid(field, value):
    return pytest.param(field, value, id=f"{field}={str(value)[:12]}")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "ab", "Use at least 3 characters."),
        ("title", "t" * 201, "At most 200 characters."),
        ("summary", "s" * 2001, "At most 2000 characters."),
        ("need", "n" * 5001, "At most 5000 characters."),
        ("requested_budget", "-1", "The amount may not be negative."),
        ("requested_budget", "10000000.01", "The amount may be at most 10 000 000 euros."),
        ("requested_budget", "100.123", "Use at most two decimals (cents)."),
        ("requested_budget", "abc", "Not a valid decimal value."),
        ("requested_budget", "NaN", "Enter an amount in euros, e.g. 12500 or 12500.50."),
        ("planned_duration_months", "0", "Give a whole number from 1 to 24."),
        ("planned_duration_months", "25", "Give a whole number from 1 to 24."),
        ("planned_duration_months", "six", "Not a valid integer value."),
        ("sdgs", ["11", "18"], "Give a whole number from 1 to 17."),
        ("city_centres", ["tapiola", "helsinki"], "Unknown value “helsinki”; choose one of:"),
        ("service_area", "space", "Unknown value “space”; choose one of:"),
        ("proposer_type", "alien", "Unknown value “alien”; choose one of:"),
        (
            "organisation_business_id",
            BAD_BUSINESS_ID,
            "Enter a valid Finnish business ID (Y-tunnus), e.g. 0112038-9.",
        ),
        ("partners-0-business_id", "123", "Enter a valid Finnish business ID (Y-tunnus)"),
    ],
)
def test_each_invalid_field_is_refused(app, client, applicant, programme, field, value, message):
    response = client.post("/proposals/new", data=_form(_call_id(app, programme), **{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert f'href="#{field}"' in response.text  # the summary links to the field
    # What was typed is shown again.
    shown = value[-1] if isinstance(value, list) else value
    if field not in ("sdgs", "city_centres", "service_area", "proposer_type"):
        assert f'value="{shown}"' in response.text or f"{shown}</textarea>" in response.text
    assert _count(app) == 0
    assert _count(app, Organisation) == 0


def test_a_resident_gives_no_organisation(app, client, applicant, programme):
    response = client.post(
        "/proposals/new",
        data=_form(_call_id(app, programme), proposer_type="resident", organisation_business_id=""),
    )
    assert response.status_code == 422
    assert "A resident proposes without an organisation." in response.text
    assert _count(app) == 0
    response = client.post(
        "/proposals/new",
        data=_form(
            _call_id(app, programme),
            proposer_type="resident",
            organisation_name="",
            organisation_business_id="",
        ),
    )
    assert response.status_code == 302


def test_edit_saves_changes_and_bumps_the_version(app, client, applicant, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    page = client.get(f"/proposals/{proposal_id}/edit")
    assert page.status_code == 200
    assert 'value="Snow-clearing robot for Tapiola"' in page.text
    data = _form(_call_id(app, programme), title="Snow robot, version two", version="1")
    response = client.post(f"/proposals/{proposal_id}/edit", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert (proposal.title, proposal.version) == ("Snow robot, version two", 2)


def test_edit_with_a_stale_version_is_refused(app, client, applicant, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    data = _form(_call_id(app, programme), title="Overwrite", version="0")
    response = client.post(f"/proposals/{proposal_id}/edit", data=data)
    assert response.status_code == 422
    assert "Someone else changed this proposal" in response.text
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).title == "Snow-clearing robot for Tapiola"


def test_an_invalid_edit_saves_nothing(app, client, applicant, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    data = _form(
        _call_id(app, programme),
        title="New title",
        version="1",
        organisation_business_id=BAD_BUSINESS_ID,
    )
    response = client.post(f"/proposals/{proposal_id}/edit", data=data)
    assert response.status_code == 422
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert (proposal.title, proposal.version) == ("Snow-clearing robot for Tapiola", 1)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.MORE_INFO])
def test_edit_is_allowed_while_draft_or_more_info(
    app, client, applicant, programme, people, status
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=status)
    assert client.get(f"/proposals/{proposal_id}/edit").status_code == 200
    assert "Edit the proposal" in client.get(f"/proposals/{proposal_id}").text


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.SCREENING, Status.REJECTED, Status.WITHDRAWN, Status.PILOT]
)
def test_edit_is_refused_after_submission(app, client, applicant, programme, people, status):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, status=status)
    response = client.get(f"/proposals/{proposal_id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal_id}")
    response = client.post(
        f"/proposals/{proposal_id}/edit",
        data=_form(_call_id(app, programme), title="Sneaky", version="1"),
    )
    assert response.status_code == 302
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert (proposal.title, proposal.version) == ("Snow-clearing robot for Tapiola", 1)
    assert "Edit the proposal" not in client.get(f"/proposals/{proposal_id}").text


def test_show_has_the_details_and_the_timeline(app, client, applicant, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )
    page = client.get(f"/proposals/{proposal_id}")
    assert page.status_code == 200
    assert '<h1 lang="en">Snow-clearing robot for Tapiola</h1>' in page.text
    assert "Draft → Submitted" in page.text
    assert "Withdraw" in page.text  # the move the owner may make now


def test_submit_through_the_page_to_a_closed_call(
    app, client, applicant, programme, people, outbox
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
        call = db.session.get(Proposal, proposal_id).call
        call.opens_on, call.closes_on = builders.call_dates(open_call=False)
        title = call.title
        db.session.commit()
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )
    assert response.status_code == 422
    assert f"The call “{title}” is closed and takes no new submissions." in response.text
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == Status.DRAFT
        assert _count(app, StatusChange) == 0
    assert outbox == []


def test_submit_an_incomplete_draft_through_the_page(app, client, applicant, programme):
    client.post("/proposals/new", data={"call_id": _call_id(app, programme), "title": "Idea"})
    with app.app_context():
        proposal_id = db.session.scalar(select(Proposal.id))
    response = client.post(
        f"/proposals/{proposal_id}/moves/submitted",
        data={"submitted-to": "submitted", "submitted-version": "1"},
    )
    assert response.status_code == 422
    assert "Complete the proposal before submitting it." in response.text
    assert "Write a summary." in response.text


def test_mine_lists_only_my_proposals(app, client, applicant, programme, people):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, title="Mine, mine")
        builders.make_proposal(people["other"], programme, title="Someone else's")
    page = client.get("/proposals/mine")
    assert page.status_code == 200
    assert "Mine, mine" in page.text
    assert "Someone else" not in page.text


def test_another_applicant_gets_404(app, client, auth, programme, people):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    auth.login("other")
    assert client.get(f"/proposals/{proposal_id}").status_code == 404
    assert client.get(f"/proposals/{proposal_id}/edit").status_code == 404
    response = client.post(
        f"/proposals/{proposal_id}/edit", data=_form(_call_id(app, programme), version="1")
    )
    assert response.status_code == 404
    response = client.post(
        f"/proposals/{proposal_id}/moves/withdrawn",
        data={"withdrawn-to": "withdrawn", "withdrawn-version": "1"},
    )
    assert response.status_code == 404
    assert client.get("/proposals/999999").status_code == 404
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == Status.DRAFT


@pytest.mark.parametrize(
    "path", ["/proposals/new", "/proposals/mine", "/proposals/{id}", "/proposals/{id}/edit"]
)
def test_anonymous_is_sent_to_login(app, client, programme, people, path):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
    path = path.format(id=proposal_id)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path.replace('/', '%2F')}"


def test_staff_may_not_propose(client, auth, programme):
    auth.login("staff")
    assert client.get("/proposals/new").status_code == 403


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_csrf_token_is_required(app, client, people, programme):
    app.config["WTF_CSRF_ENABLED"] = True
    token = _csrf_token(client.get("/login").text)
    assert (
        client.post(
            "/login", data={"email": "applicant@test.example", "password": builders.PASSWORD}
        ).status_code
        == 400
    )
    response = client.post(
        "/login",
        data={
            "email": "applicant@test.example",
            "password": builders.PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    data = _form(_call_id(app, programme))
    response = client.post("/proposals/new", data=data)
    assert response.status_code == 400
    assert _count(app) == 0
    data["csrf_token"] = _csrf_token(client.get("/proposals/new").text)
    assert client.post("/proposals/new", data=data).status_code == 302
    assert _count(app) == 1


def test_a_call_can_be_chosen_from_its_link(app, client, applicant, programme):
    with app.app_context():
        second = builders.make_programme()
        call_id = db.session.scalar(select(Call.id).where(Call.programme_id == second))
    page = client.get(f"/proposals/new?call={call_id}")
    assert re.search(
        rf'<option selected value="{call_id}">|<option value="{call_id}" selected', page.text
    )
    assert client.get("/proposals/new?call=abc").status_code == 200


def test_a_draft_with_control_characters_stored_earlier_is_withdrawn_with_notice(
    app, client, applicant, programme, people, outbox
):
    # Stored before such texts were refused: the mail's subject must still be one line.
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, title="Two\r\nlines\x0b", summary="Odd\x01text"
        )
    response = client.post(
        f"/proposals/{proposal_id}/moves/withdrawn",
        data={"withdrawn-to": "withdrawn", "withdrawn-version": "1", "withdrawn-confirmed": "yes"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == Status.WITHDRAWN
    assert [m.subject for m in outbox] == ["Your proposal “Two lines”: Withdrawn"]


def test_the_proposal_page_leads_back_to_where_each_reader_works(
    app, client, auth, programme, people
):
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme, Status.SUBMITTED)
    auth.login("applicant")
    page = client.get(f"/proposals/{proposal_id}").text
    assert '<a href="/proposals/mine">Back to your proposals</a>' in page
    auth.login("staff")
    page = client.get(f"/proposals/{proposal_id}").text
    assert '<a href="/screening">Back to the screening queue</a>' in page
