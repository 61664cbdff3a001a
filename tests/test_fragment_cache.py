"""List rows kept per data generation: rendered rows (fragment_cache) and the API's dumped
items (statistics_cache.kept_each). What one reader is shown never reaches another, a row is
kept per language and for its day, and a counted write is seen at once. An uncounted raw
write shows that a row really is kept: it is not seen until the generation changes."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from experiments import fragment_cache
from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Proposal, Review, StatusChange, User
from experiments.models.types import utcnow
from experiments.services.admin import change_account
from tests import builders

SCORES = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


def _rows(html: str) -> list[str]:
    """The queue's or pilots list's body rows, tags and all."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body is not None, "no table on the page"
    return [" ".join(row.split()) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def _words(row: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


@pytest.fixture
def queue(app, people, programme):
    """Two proposals in screening: the staff member reviewed one, nobody the other."""
    with app.app_context():
        reviewed = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Bike library"
        )
        builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Dance hall"
        )
        db.session.add(
            Review(proposal_id=reviewed, reviewer_id=people["staff"], **dict.fromkeys(SCORES, 4))
        )
        builders.commit()
    return reviewed


def _signed_in(app, who: str):
    client = app.test_client()
    client.post("/login", data={"email": f"{who}@test.example", "password": builders.PASSWORD})
    return client


def _second_staff(app):
    """Another staff member, signed in."""
    with app.app_context():
        builders.make_user(Role.STAFF, email="second@test.example")
    return _signed_in(app, "second")


def test_a_readers_own_markers_never_reach_another_reader(app, people, queue):
    staff, manager = _signed_in(app, "staff"), _signed_in(app, "manager")
    second_staff = _second_staff(app)
    seen_by_staff = _rows(staff.get("/screening?status=all").text)
    seen_by_manager = _rows(manager.get("/screening?status=all").text)
    seen_by_other = _rows(second_staff.get("/screening?status=all").text)
    fragment_cache.forget_all()
    # Each reader's rows, rendered with nothing kept, are what they were shown.
    assert _rows(manager.get("/screening?status=all").text) == seen_by_manager
    assert _rows(second_staff.get("/screening?status=all").text) == seen_by_other
    assert _rows(staff.get("/screening?status=all").text) == seen_by_staff
    mine = next(r for r in map(_words, seen_by_staff) if "Bike library" in r)
    theirs = next(r for r in map(_words, seen_by_other) if "Bike library" in r)
    assert "Reviewed by you" in mine and mine.endswith("4")
    # Another staff member has not reviewed it: no marker, and no score before their own.
    assert "Reviewed by you" not in theirs and theirs.endswith("after your review")


def test_a_row_is_kept_until_the_generation_changes(app, people, queue):
    staff = _signed_in(app, "staff")
    assert "Bike library" in staff.get("/screening?status=all").text
    with app.app_context():  # a write that does not replace the generation token
        db.session.execute(update(Proposal).where(Proposal.id == queue).values(title="Renamed"))
        db.session.commit()
    assert ">Bike library</a>" in staff.get("/screening?status=all").text  # the kept row
    with app.app_context():  # any counted write: every kept row is stale
        builders.commit()
    html = staff.get("/screening?status=all").text
    assert ">Renamed</a>" in html and ">Bike library</a>" not in html


def test_a_row_is_kept_per_language(app, people, queue):
    staff = _signed_in(app, "staff")
    finnish = _rows(staff.get("/screening?status=all&lang=fi").text)
    english = _rows(staff.get("/screening?status=all&lang=en").text)
    assert any("In screening" in _words(r) for r in english)
    assert not any("In screening" in _words(r) for r in finnish)
    assert len(finnish) == len(english) == 2


def _pilot(people, programme, title: str) -> int:
    """A proposal of the applicant's in pilot, owned in the city by the staff member."""
    return builders.make_proposal(
        people["applicant"],
        programme,
        status=Status.PILOT,
        title=title,
        experiment_owner_id=people["staff"],
    )


def test_a_pilot_row_is_kept_for_its_day_only(app, people, programme, frozen_clock):
    """Overdue is a fact of the day: the next day's row says so though no data changed."""
    with app.app_context():
        proposal_id = _pilot(people, programme, "Bike lanes")
        experiment = db.session.get(Proposal, proposal_id).experiment
        experiment.start_date = date.today() - timedelta(days=30)
        experiment.planned_end_date = date.today()
        builders.commit()
    staff = _signed_in(app, "staff")
    assert "Overdue" not in _words(_rows(staff.get("/pilots").text)[0])
    frozen_clock.shift(timedelta(days=1))
    staff = _signed_in(app, "staff")  # a day idle signs one out
    assert "Overdue" in _words(_rows(staff.get("/pilots").text)[0])


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.get_json()["items"]]


def test_api_items_are_kept_per_generation_and_shown_only_to_who_may_see_them(
    app, api, people, programme
):
    with app.app_context():
        own = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED, title="Bike library"
        )
        builders.make_proposal(
            people["other"], programme, status=Status.SUBMITTED, title="Dance hall"
        )
        builders.commit()
    assert sorted(_titles(api.get("/proposals", "staff"))) == ["Bike library", "Dance hall"]
    # The items staff were given are kept, but an applicant's page still has their own only.
    assert _titles(api.get("/proposals", "applicant")) == ["Bike library"]
    assert _titles(api.get("/proposals", "other")) == ["Dance hall"]
    with app.app_context():  # uncounted: the kept item stays until the generation changes
        db.session.execute(update(Proposal).where(Proposal.id == own).values(title="Renamed"))
        db.session.commit()
    assert "Bike library" in _titles(api.get("/proposals", "applicant"))
    with app.app_context():
        builders.commit()
    assert _titles(api.get("/proposals", "applicant")) == ["Renamed"]


def test_api_items_are_kept_per_language(app, api, people, programme):
    """A deleted owner is named in the reader's language."""
    with app.app_context():
        builders.make_proposal(people["other"], programme, status=Status.SUBMITTED, title="X")
        user = db.session.get(User, people["other"])
        user.deleted_at, user.name = utcnow(), "Deleted"
        builders.commit()

    def owner(lang: str) -> str:
        response = api.get(f"/proposals?lang={lang}", "staff")
        return response.get_json()["items"][0]["owner"]["name"]

    assert owner("en") == "Deleted user"
    assert owner("fi") not in ("Deleted user", "Deleted")
    assert owner("en") == "Deleted user"


def _section(html: str, start: str) -> str:
    """From the first occurrence of start to the end of its section."""
    at = html.find(start)
    return "" if at < 0 else html[at : html.index("</section>", at)]


def test_a_proposal_pages_kept_parts_follow_the_reader(app, people, programme):
    """The history's reviews, the applicant's name and the experiment's figures differ by
    reader: each reader's parts are what they would be rendered afresh."""
    with app.app_context():
        screened = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING, title="Bike library"
        )
        reviewer = builders.make_user(Role.STAFF, email="second@test.example")
        db.session.add(
            Review(proposal_id=screened, reviewer_id=reviewer, **dict.fromkeys(SCORES, 3))
        )
        piloted = _pilot(people, programme, "Dance hall")
        builders.commit()
    readers = {who: _signed_in(app, who) for who in ("manager", "staff", "applicant")}
    parts = (
        'id="all-changes"',
        'id="details-title"',
        'id="experiment-title"',
        'id="history-title"',
        'id="reviews-title"',
        'id="conversation-title"',
        'id="similar-title"',
    )

    def seen() -> dict:
        return {
            (who, page, part): _section(client.get(f"/proposals/{page}").text, part)
            for who, client in readers.items()
            for page in (screened, piloted)
            for part in parts
        }

    first = seen()
    fragment_cache.forget_all()
    assert seen() == first
    # The parts do differ by reader: the test compares something.
    history = lambda who: first[(who, screened, parts[0])]  # noqa: E731
    assert history("manager") != history("staff")  # staff have not reviewed: no scores
    assert "Applicant" in first[("staff", screened, parts[1])]
    assert "Applicant" not in first[("applicant", screened, parts[1])]
    assert "Allocated budget" in first[("staff", piloted, parts[2])]
    assert "Allocated budget" not in first[("applicant", piloted, parts[2])]


def test_a_new_role_is_seen_at_once_in_a_kept_history(app, people, programme):
    """An applicant's history names the city's people by role; an admin's role change is
    counted work, so the kept history is stale at once."""
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SUBMITTED, title="Bike library"
        )
        db.session.add(
            StatusChange(
                proposal_id=proposal_id,
                from_status=Status.SUBMITTED,
                to_status=Status.SCREENING,
                actor_id=people["staff"],
            )
        )
        db.session.get(Proposal, proposal_id).status = Status.SCREENING
        builders.commit()
    applicant = _signed_in(app, "applicant")

    def history() -> str:
        return _words(
            _section(applicant.get(f"/proposals/{proposal_id}").text, 'id="history-title"')
        )

    assert "(City staff)" in history()
    with app.app_context():
        change_account(
            db.session.get(User, people["admin"]),
            db.session.get(User, people["staff"]),
            role=Role.MANAGER,
            active=True,
        )
    assert "(Programme manager)" in history() and "City staff" not in history()


def test_audit_rows_are_kept_but_a_new_entry_shows_at_once(app, people, queue):
    """An entry never changes, so its row is kept; a sign-in (uncounted work) adds an entry
    that the next page shows, and each reader's rows are what they would render afresh."""
    manager, admin = _signed_in(app, "manager"), _signed_in(app, "admin")
    first = {"manager": _rows(manager.get("/audit").text), "admin": _rows(admin.get("/audit").text)}
    fragment_cache.forget_all()
    assert _rows(manager.get("/audit").text) == first["manager"]
    assert _rows(admin.get("/audit").text) == first["admin"]
    _signed_in(app, "staff")  # an audited sign-in, without a new generation
    now = _rows(manager.get("/audit").text)
    assert len(now) > len(first["manager"]) and ">Staff</a></td>" in now[0]
