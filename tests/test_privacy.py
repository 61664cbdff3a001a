"""Privacy: the notice, necessary cookies only, my data as JSON, deleting my account,
and sections marked as business secrets kept out of everything public."""

import json
import re

import pytest
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import ApiToken, Feedback, Proposal, Review, StatusChange, User
from experiments.models.types import utcnow
from experiments.statistics import programme_statistics, statistics_json
from tests import builders

SECRET = "Our unreleased sensor design: 4 lidar units at 0.3 m spacing"


def test_the_privacy_notice_is_public_and_linked_from_every_page(client, programme):
    page = client.get("/privacy")
    assert page.status_code == 200 and "<h1>Privacy notice" in page.text.replace("\n", "")
    for path in ("/", "/login", "/accessibility", "/experiments"):
        assert 'href="/privacy"' in client.get(path).text, path


def test_forms_that_take_personal_data_link_to_the_notice(client, auth, programme):
    assert 'href="/privacy"' in client.get("/register").text
    auth.login("applicant")
    assert 'href="/privacy"' in client.get("/proposals/new").text


def test_only_necessary_cookies(client, auth, programme):
    for path in ("/", "/experiments", "/statistics", "/privacy", "/login"):
        assert "Set-Cookie" not in client.get(path).headers, path
    response = auth.login("applicant")
    names = {c.split("=", 1)[0] for c in response.headers.getlist("Set-Cookie")}
    assert names == {"session"}


@pytest.fixture
def history(app, people, programme):
    """The applicant's proposal, moved by them, reviewed by staff; ids."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING
        )
        db.session.add_all(
            [
                StatusChange(
                    proposal_id=proposal_id,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    actor_id=people["applicant"],
                    reason="Sent by me",
                ),
                StatusChange(
                    proposal_id=proposal_id,
                    from_status=Status.SUBMITTED,
                    to_status=Status.SCREENING,
                    actor_id=people["staff"],
                ),
                Review(
                    proposal_id=proposal_id,
                    reviewer_id=people["staff"],
                    need=4,
                    benefit=4,
                    reusability=3,
                    feasibility=5,
                    cost_effectiveness=2,
                    comment="Promising, costly",
                ),
                ApiToken(user_id=people["applicant"], token_hash="0" * 64, expires_at=utcnow()),
                Feedback(
                    user_id=people["applicant"],
                    name="Applicant",
                    email="applicant@test.example",
                    message="The focus ring is faint.",
                    locale="fi",
                ),
            ]
        )
        db.session.commit()
        return proposal_id


def test_download_my_data(client, auth, history):
    auth.login("applicant")
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.text)
    assert data["account"]["email"] == "applicant@test.example"
    assert data["account"]["name"] == "Applicant"
    records = data["records"]
    assert [p["title"] for p in records["proposal"]] == ["Snow-clearing robot for Tapiola"]
    assert records["proposal"][0]["requested_budget"] == "15000.00"
    assert [h["reason"] for h in records["status_change"]] == ["Sent by me"]
    assert "review" not in records  # reviews of my proposal are the staff's, not mine
    assert len(records["api_token"]) == 1
    assert [f["message"] for f in records["feedback"]] == ["The focus ring is faint."]
    for secret in ("password_hash", "totp_secret", "token_hash", "session_epoch", "0" * 64):
        assert secret not in response.text


def test_staff_download_the_reviews_they_wrote(client, auth, history):
    auth.login("staff")
    records = client.get("/account/data.json").json["records"]
    assert [r["comment"] for r in records["review"]] == ["Promising, costly"]
    assert [h["to_status"] for h in records["status_change"]] == ["screening"]


def test_my_data_needs_a_signed_in_user(client):
    assert client.get("/account/data.json").status_code == 302


def _statistics(app, programme_id):
    with app.app_context():
        return statistics_json(programme_statistics(programme_id))


def test_deleting_my_account_erases_me_and_keeps_the_statistics(
    app, client, auth, people, programme, history
):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
    before = _statistics(app, programme)
    auth.login("applicant")
    other_device = app.test_client()
    type(auth)(other_device).login("applicant")

    wrong = client.post("/account/delete", data={"password": "not my password", "understood": "y"})
    assert wrong.status_code == 422
    unticked = client.post("/account/delete", data={"password": builders.PASSWORD})
    assert unticked.status_code == 422
    assert _user(app, people["applicant"]).name == "Applicant"

    response = client.post(
        "/account/delete", data={"password": builders.PASSWORD, "understood": "y"}
    )
    assert response.status_code == 302
    assert client.get("/proposals/mine").status_code == 302
    assert other_device.get("/proposals/mine").status_code == 302
    assert auth.login("applicant").status_code == 422

    user = _user(app, people["applicant"])
    assert user.name == "Deleted user"
    assert "@" not in user.email and "applicant" not in user.email
    assert not user.active and user.deleted_at is not None
    assert user.password_hash.startswith("!")
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ApiToken)
                .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            )
            == 0
        )
        assert (
            db.session.scalar(
                select(func.count()).select_from(Proposal).where(Proposal.owner_id == user.id)
            )
            == 2
        )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(StatusChange)
                .where(StatusChange.actor_id == user.id)
            )
            == 1
        )
        feedback = db.session.scalar(select(Feedback))
        assert (feedback.name, feedback.email, feedback.user_id) == (None, None, None)
        assert feedback.message == "The focus ring is faint."
    assert _statistics(app, programme) == before

    # Staff still see the proposal, now by "Deleted user".
    auth.login("staff")
    page = client.get(f"/proposals/{history}")
    assert page.status_code == 200
    assert "Deleted user" in page.text and "applicant@test.example" not in page.text
    # ... in the reader's language, on pages and in the managers' export.
    finnish = client.get(f"/proposals/{history}?lang=fi").text
    assert "Poistettu käyttäjä" in finnish and "Deleted user" not in finnish
    auth.logout()
    auth.login("manager")
    export = client.get("/exports/proposals.csv?lang=sv").get_data(as_text=True)
    assert "Borttagen användare" in export
    assert "Deleted user" not in export and "deleted-user-" not in export


def _user(app, user_id) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_the_last_admin_cannot_delete_their_account(client, auth):
    auth.login("admin")
    response = client.post(
        "/account/delete", data={"password": builders.PASSWORD, "understood": "y"}
    )
    assert response.status_code == 422
    assert "last active administrator" in response.text


def test_an_address_freed_by_deletion_can_register_again(app, client, auth, outbox):
    auth.login("other")
    client.post("/account/delete", data={"password": builders.PASSWORD, "understood": "y"})
    password = "river otter violin"
    response = client.post(
        "/register",
        data={
            "name": "Back Again",
            "email": "other@test.example",
            "password": password,
            "confirm": password,
            "proposer_type": "resident",
            "locale": "en",
        },
    )
    assert response.status_code == 200
    assert "Confirm your e-mail address" in outbox[-1].subject


# Business secrets.


@pytest.fixture
def secret_pilot(app, people, programme):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.EVALUATION,
            summary=SECRET,
            confidential_summary=True,
            need="Pavements ice over before the crews arrive.",
        )
        builders.make_evaluation(proposal_id, people["staff"])
        return proposal_id


def _public_urls(app, proposal_id):
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        experiment_id, programme_id = proposal.experiment.id, proposal.programme_id
    return [
        "/experiments",
        f"/experiments/{experiment_id}",
        "/experiments/open-data.csv",
        "/experiments/open-data.json",
        "/api/v1/public/experiments",
        "/statistics",
        f"/api/v1/statistics?programme={programme_id}",
        "/",
    ]


def test_sections_with_business_secrets_are_never_public(app, client, secret_pilot):
    shown_need = False
    for url in _public_urls(app, secret_pilot):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "unreleased sensor design" not in body, url
        shown_need |= "Pavements ice over" in body
    assert shown_need  # the section without the flag is published


def test_staff_and_the_applicant_still_read_the_secret_section(client, auth, secret_pilot):
    for who in ("applicant", "staff", "manager"):
        auth.login(who)
        page = client.get(f"/proposals/{secret_pilot}")
        assert SECRET in page.text and "Business secrets: not published" in page.text
        auth.logout()


def test_the_applicant_marks_sections_in_the_proposal_form(app, client, auth, programme):
    auth.login("applicant")
    with app.app_context():
        call_id = db.session.scalar(select(func.min(Proposal.call_id)))
        call_id = call_id or db.session.scalar(select(db.metadata.tables["call"].c.id))
    response = client.post(
        "/proposals/new",
        data={
            "call_id": str(call_id),
            "title": "Sensor pilot",
            "summary": SECRET,
            "confidential_summary": "y",
            "need": "Ice.",
        },
    )
    assert response.status_code == 302, response.text
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    # Editing without touching the box keeps it ticked.
    edit = client.get(f"/proposals/{proposal_id}/edit")
    assert "checked" in _input(edit.text, "confidential_summary")
    assert "checked" not in _input(edit.text, "confidential_need")
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.confidential_summary and not proposal.confidential_need
        assert proposal.owner.role == Role.APPLICANT


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
