"""Staff set an experiment's milestones on its pilot page: add, change, mark reached, remove
(confirmed); each change is in the trail; nobody else may; bad dates come back with messages."""

from datetime import date

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import AuditEntry, ExperimentMilestone
from tests import builders
from tests.clock import frozen_now
from tests.pilot_support import login, make_pilot

TODAY = frozen_now().date()


@pytest.fixture
def pilot(app, people, programme):
    return make_pilot(app, people["applicant"], programme)[1]


@pytest.fixture
def milestone(app, people, pilot):
    with app.app_context():
        return builders.make_milestone(pilot, people["staff"], "Robots ready", date(2030, 1, 15))


def _form(**overrides) -> dict:
    values = {
        "milestone-title": "Robots in every library",
        "milestone-description": "All twenty libraries.",
        "milestone-planned_date": "2030-05-04",
        "milestone-done_date": "",
    }
    values.update({f"milestone-{k}": v for k, v in overrides.items()})
    return values


def _milestones(app, pilot) -> list[ExperimentMilestone]:
    with app.app_context():
        rows = db.session.scalars(
            select(ExperimentMilestone).where(ExperimentMilestone.experiment_id == pilot)
        ).all()
        db.session.expunge_all()
        return list(rows)


def _trail(app, milestone_id) -> list[tuple[str, dict]]:
    with app.app_context():
        return [
            (e.action, e.changes)
            for e in db.session.scalars(
                select(AuditEntry)
                .where(
                    AuditEntry.object_type == "experiment_milestone",
                    AuditEntry.object_id == milestone_id,
                )
                .order_by(AuditEntry.id)
            )
        ]


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_staff_and_managers_add_a_milestone_that_the_public_page_shows(
    app, client, auth, pilot, who
):
    login(auth, client, who)
    response = client.post(f"/pilots/{pilot}/milestones", data=_form())
    assert response.status_code == 303
    (made,) = _milestones(app, pilot)
    assert (made.title, made.planned_date, made.done_date) == (
        "Robots in every library",
        date(2030, 5, 4),
        None,
    )
    assert response.headers["Location"].endswith(f"/pilots/{pilot}#milestone-{made.id}")
    page = client.get(f"/pilots/{pilot}").text
    assert "Robots in every library" in page and "Not reached yet" in page
    auth.logout()
    public = client.get(f"/experiments/{pilot}?lang=en").text
    assert "Milestone planned" in public and "All twenty libraries." in public
    [(action, changes)] = _trail(app, made.id)
    assert action == "created"
    assert changes["title"] == [None, "Robots in every library"]
    assert changes["planned_date"] == [None, "2030-05-04"]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"planned_date": "2025-02-30"}, "planned_date", "Enter a date, e.g. 2025-03-31."),
        ({"planned_date": ""}, "planned_date", "Enter a date, e.g. 2025-03-31."),
        ({"planned_date": "1850-01-01"}, "planned_date", "Give a date in the years 1900–2199."),
        ({"done_date": "31.12.2099"}, "done_date", "Enter a date, e.g. 2025-03-31."),
        ({"done_date": "2199-12-31"}, "done_date", "A milestone cannot be reached in the future."),
        ({"title": "  "}, "title", "Name the milestone."),
        ({"title": "x" * 201}, "title", "At most 200 characters."),
    ],
)
def test_a_wrong_milestone_comes_back_with_its_message(
    app, client, auth, pilot, overrides, field, message
):
    login(auth, client, "staff")
    response = client.post(f"/pilots/{pilot}/milestones", data=_form(**overrides))
    assert response.status_code == 422
    html = response.text
    assert message in html
    assert f'id="milestone-{field}"' in html
    assert 'aria-invalid="true"' in html
    assert '<details class="add" open>' in html
    assert _milestones(app, pilot) == []


def test_a_milestone_reached_today_is_on_the_timeline(app, client, auth, pilot, milestone):
    login(auth, client, "staff")
    response = client.post(f"/pilots/{pilot}/milestones/{milestone}/done")
    assert response.status_code == 303
    (done,) = _milestones(app, pilot)
    assert done.done_date == TODAY
    assert _trail(app, milestone)[-1] == ("updated", {"done_date": [None, TODAY.isoformat()]})
    # Reached already: said on the page, nothing changes.
    again = client.post(
        f"/pilots/{pilot}/milestones/{milestone}/done", headers={"Referer": f"/pilots/{pilot}"}
    )
    assert again.status_code == 303
    assert "The milestone was reached on" in client.get(f"/pilots/{pilot}").text
    assert len(_trail(app, milestone)) == 2
    auth.logout()
    public = client.get(f"/experiments/{pilot}?lang=en").text
    assert f'<time datetime="{TODAY.isoformat()}">' in public
    assert "Milestone reached" in public


def test_a_milestone_is_changed_on_its_own_page(app, client, auth, pilot, milestone):
    login(auth, client, "staff")
    page = client.get(f"/pilots/{pilot}/milestones/{milestone}")
    assert page.status_code == 200
    assert 'value="Robots ready"' in page.text
    wrong = client.post(
        f"/pilots/{pilot}/milestones/{milestone}", data=_form(planned_date="2030-13-01")
    )
    assert wrong.status_code == 422
    assert "Enter a date, e.g. 2025-03-31." in wrong.text
    response = client.post(
        f"/pilots/{pilot}/milestones/{milestone}",
        data=_form(title="Robots tested", done_date=TODAY.isoformat()),
    )
    assert response.status_code == 303
    (changed,) = _milestones(app, pilot)
    assert (changed.title, changed.done_date) == ("Robots tested", TODAY)
    action, changes = _trail(app, milestone)[-1]
    assert action == "updated"
    assert changes["title"] == ["Robots ready", "Robots tested"]


def test_removing_a_milestone_is_confirmed_and_recorded(app, client, auth, pilot, milestone):
    login(auth, client, "staff")
    first = client.post(f"/pilots/{pilot}/milestones/{milestone}/remove")
    assert first.status_code == 200
    assert "This cannot be undone." in first.text
    assert 'name="confirmed" type="hidden" value="yes"' in first.text
    assert len(_milestones(app, pilot)) == 1
    done = client.post(f"/pilots/{pilot}/milestones/{milestone}/remove", data={"confirmed": "yes"})
    assert done.status_code == 303
    assert _milestones(app, pilot) == []
    action, changes = _trail(app, milestone)[-1]
    assert action == "deleted"
    assert changes["title"] == ["Robots ready", None]
    # The experiment's own history says it in words.
    history = client.get(f"/pilots/{pilot}").text
    assert "Milestone" in history and "Robots ready" in history


ROUTES = [
    ("post", "/pilots/{pilot}/milestones"),
    ("get", "/pilots/{pilot}/milestones/{milestone}"),
    ("post", "/pilots/{pilot}/milestones/{milestone}"),
    ("post", "/pilots/{pilot}/milestones/{milestone}/done"),
    ("post", "/pilots/{pilot}/milestones/{milestone}/remove"),
]


@pytest.mark.parametrize("method, path", ROUTES)
@pytest.mark.parametrize("who, status", [(None, 302), ("applicant", 403), ("admin", 403)])
def test_only_staff_set_milestones(app, client, auth, pilot, milestone, method, path, who, status):
    """The pilot's own team included: it reports, the city sets the milestones."""
    if who:
        login(auth, client, who)
    url = path.format(pilot=pilot, milestone=milestone)
    response = getattr(client, method)(url, data={**_form(), "confirmed": "yes"})
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]
    (untouched,) = _milestones(app, pilot)
    assert (untouched.title, untouched.done_date) == ("Robots ready", None)
    assert [action for action, _ in _trail(app, milestone)] == ["created"]


@pytest.mark.parametrize("method, path", ROUTES[1:])
def test_another_experiments_milestone_is_not_found(
    app, client, auth, people, programme, milestone, method, path
):
    other = make_pilot(app, people["other"], programme, status=Status.EVALUATION)[1]
    login(auth, client, "staff")
    url = path.format(pilot=other, milestone=milestone)
    assert getattr(client, method)(url, data={"confirmed": "yes"}).status_code == 404
