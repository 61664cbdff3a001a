"""E-mail updates on one experiment: double opt-in from its public page, milestones mailed
to confirmed subscribers only and in their language, and a one-click unsubscribe (RFC 8058)
in every update."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import AuditEntry, ExperimentSubscription, MailMessage
from experiments.models.types import utcnow
from tests import builders
from tests.builders import commit
from tests.conftest import ApiClient
from tests.pilot_support import make_pilot

CONFIRM_LINK = re.compile(r"http://localhost/experiments/subscriptions/confirm/\S+")
UNSUBSCRIBE_LINK = re.compile(r"http://localhost/experiments/subscriptions/unsubscribe/\S+")
EVALUATION = {
    "got_users": True,
    "users_count": 420,
    "part_of_services": False,
    "benefits_city": "Fewer falls",
    "benefits_customers": "Safer walks",
    "research_value": False,
    "findings": "Works on flat streets",
    "recommendation": "adopt",
}


@pytest.fixture
def pilot(app, people, programme):
    """(proposal id, experiment id) of a running pilot owned at the city by staff."""
    return make_pilot(app, people["applicant"], programme, experiment_owner_id=people["staff"])


def _subscribe(client, experiment_id, email, lang="en", **kwargs):
    return client.post(
        f"/experiments/{experiment_id}/subscribe?lang={lang}", data={"email": email}, **kwargs
    )


def _to(outbox, address):
    return [m for m in outbox if m.to == [address]]


def _link(pattern, message) -> str:
    found = pattern.search(message.body)
    assert found, message.body
    return found.group(0).removeprefix("http://localhost")


def _subscribed(client, outbox, experiment_id, email, lang="en"):
    """Subscribe and confirm, as a person does: the form, the mail's link, its button."""
    assert _subscribe(client, experiment_id, email, lang).status_code == 303
    confirm = _link(CONFIRM_LINK, _to(outbox, email)[-1])
    assert client.post(confirm).status_code == 200
    outbox.clear()


def _version(api, proposal_id):
    return api.get(f"/proposals/{proposal_id}", "staff").get_json()["version"]


def _move(api, proposal_id, who, to, **body):
    response = api.post(
        f"/proposals/{proposal_id}/transitions",
        who,
        json={"to": to, "version": _version(api, proposal_id), **body},
    )
    assert response.status_code == 200, response.text


def _end(api, proposal_id):
    _move(api, proposal_id, "staff", "evaluation", actual_end_date=date.today().isoformat())


def _evaluate(api, experiment_id, **changes):
    path = f"/experiments/{experiment_id}/evaluation"
    response = api.put(path, "staff", json=EVALUATION | changes)
    assert response.status_code == 200, response.text


def _updates(outbox):
    return [m for m in outbox if "/subscriptions/unsubscribe/" in m.body]


# Double opt-in.


def test_a_subscription_waits_for_its_confirmation(client, api, outbox, pilot):
    proposal_id, experiment_id = pilot
    page = client.get(f"/experiments/{experiment_id}")
    assert "Follow this experiment by e-mail" in page.text

    response = _subscribe(client, experiment_id, "Reader@Example.org")
    assert response.status_code == 303
    shown = client.get(response.headers["Location"])
    assert "Check your e-mail" in shown.text
    [mail] = outbox
    assert mail.to == ["Reader@example.org"]
    assert "Confirm your updates on “Snow-clearing robot for Tapiola”" == mail.subject
    link = _link(CONFIRM_LINK, mail)
    outbox.clear()

    # Before confirming, a milestone mails nobody but the applicant.
    _end(api, proposal_id)
    assert not _updates(outbox)

    # Opening the link changes nothing (mail scanners open links); its button confirms.
    opened = client.get(link)
    assert opened.status_code == 200 and "Confirm the updates" in opened.text
    confirmed = client.post(link)
    assert confirmed.status_code == 200 and "You follow the experiment" in confirmed.text
    again = client.post(link)
    assert again.status_code == 200 and "The updates are on already" in again.text

    response = api.put(f"/experiments/{experiment_id}/evaluation", "staff", json=EVALUATION)
    assert response.status_code == 200, response.text
    [update] = _updates(outbox)
    assert update.to == ["Reader@example.org"]
    assert update.subject == "Evaluated: Snow-clearing robot for Tapiola"


def test_an_expired_or_replaced_link_says_so(client, outbox, pilot, frozen_clock):
    _, experiment_id = pilot
    _subscribe(client, experiment_id, "reader@example.org")
    first = _link(CONFIRM_LINK, outbox[-1])
    _subscribe(client, experiment_id, "reader@example.org")
    newest = _link(CONFIRM_LINK, outbox[-1])
    assert first != newest

    replaced = client.post(first)
    assert replaced.status_code == 404 and "This link does not work" in replaced.text
    frozen_clock.shift(timedelta(days=3, minutes=1))
    expired = client.get(newest)
    assert expired.status_code == 404 and "The link has expired" in expired.text
    assert client.post(newest).status_code == 404
    with client.application.app_context():
        stored = db.session.scalars(select(ExperimentSubscription)).all()
        assert [s.confirmed_at for s in stored] == [None]


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "eyJpZCI6MX0.abc.def", "%00", "🙂"])
def test_unknown_links_give_a_clear_page(client, token):
    for path in ("confirm", "unsubscribe"):
        for method in (client.get, client.post):
            response = method(f"/experiments/subscriptions/{path}/{token}")
            assert response.status_code == 404
            assert "This link does not work" in response.text


# What the page answers.


def test_a_bad_address_is_422_and_stores_nothing(client, outbox, pilot):
    _, experiment_id = pilot
    for address in ("", "not an address", "a@b@c", "x" * 250 + "@example.org"):
        response = _subscribe(client, experiment_id, address)
        assert response.status_code == 422, address
        assert 'aria-invalid="true"' in response.text
        assert "Enter a valid e-mail address." in response.text
    assert outbox == []
    with client.application.app_context():
        assert db.session.scalars(select(ExperimentSubscription)).all() == []


def test_the_answer_tells_nothing_about_the_address(client, outbox, pilot):
    _, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "reader@example.org")
    known = _subscribe(client, experiment_id, "reader@example.org")
    known_page = client.get(known.headers["Location"]).text
    new = _subscribe(client, experiment_id, "stranger@example.org")
    new_page = client.get(new.headers["Location"]).text
    assert known.status_code == new.status_code == 303
    assert known.headers["Location"] == new.headers["Location"]
    assert "Check your e-mail" in known_page
    assert known_page.replace("reader", "stranger") == new_page
    # The confirmed address gets a harmless notice, no new confirmation.
    [notice] = _to(outbox, "reader@example.org")
    assert notice.subject.startswith("You already get updates")
    assert not CONFIRM_LINK.search(notice.body)
    [confirmation] = _to(outbox, "stranger@example.org")
    assert CONFIRM_LINK.search(confirmation.body)


def test_the_page_never_shows_an_address(client, outbox, pilot, people, auth):
    _, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "reader@example.org")
    assert "reader@example.org" not in client.get(f"/experiments/{experiment_id}").text
    assert "reader@example.org" not in client.get("/experiments/open-data.json").text
    auth.login("manager")
    with client.application.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "experiment_subscription")
        ).all()
        assert entries and all(
            e.changes["email"] == [None, None] for e in entries if "email" in e.changes
        )
    assert "reader@example.org" not in client.get("/audit?object_type=experiment_subscription").text


def test_a_decided_experiment_takes_no_subscribers(client, app, people, programme, outbox):
    _, experiment_id = make_pilot(app, people["applicant"], programme, status=Status.ADOPTED)
    assert (
        "Follow this experiment by e-mail" not in client.get(f"/experiments/{experiment_id}").text
    )
    response = _subscribe(client, experiment_id, "reader@example.org")
    assert response.status_code == 422
    assert "there will be no more updates" in response.text
    assert outbox == []


def test_an_experiment_that_is_not_public_is_404(client, app, people, programme):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
    assert _subscribe(client, 1, "reader@example.org").status_code == 404
    assert _subscribe(client, 999, "reader@example.org").status_code == 404


def test_subscribing_is_throttled_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        programme = builders.make_programme()
        owner = builders.make_user()
    _, experiment_id = make_pilot(app, owner, programme)
    client = app.test_client()

    def send(email, address):
        return _subscribe(client, experiment_id, email, environ_base={"REMOTE_ADDR": address})

    # One e-mail address, however many places it is sent from…
    statuses = [send("reader@example.org", f"10.0.0.{n}").status_code for n in range(6)]
    assert statuses == [303] * 5 + [429]
    # …and one place, however many addresses it sends.
    statuses = [send(f"r{n}@example.org", "10.0.1.1").status_code for n in range(11)]
    assert statuses == [303] * 10 + [429]
    assert send("someone@example.org", "10.0.1.2").status_code == 303


# Updates.


def test_milestones_reach_confirmed_subscribers_in_their_language(client, api, outbox, pilot):
    proposal_id, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "fi@example.org", lang="fi")
    _subscribed(client, outbox, experiment_id, "sv@example.org", lang="sv")
    _subscribed(client, outbox, experiment_id, "en@example.org", lang="en")
    _subscribe(client, experiment_id, "pending@example.org")
    outbox.clear()

    _end(api, proposal_id)
    subjects = {m.to[0]: m.subject for m in _updates(outbox)}
    assert subjects == {
        "fi@example.org": "Pilotti päättyi: Snow-clearing robot for Tapiola",
        "sv@example.org": "Piloten avslutades: Snow-clearing robot for Tapiola",
        "en@example.org": "Pilot ended: Snow-clearing robot for Tapiola",
    }
    outbox.clear()

    _evaluate(api, experiment_id)
    assert len(_updates(outbox)) == 3
    outbox.clear()
    # A revision of the evaluation is no news.
    _evaluate(api, experiment_id, findings="Works on most streets")
    assert _updates(outbox) == []

    _move(api, proposal_id, "manager", "adopted", decision="Adopt it.", lessons_learned="Salt.")
    english = [m for m in _updates(outbox) if m.to == ["en@example.org"]][0]
    assert english.subject == "Adopted: Snow-clearing robot for Tapiola"
    assert "The city decided to adopt the experiment" in english.body
    assert f"http://localhost/experiments/{experiment_id}" in english.body
    assert {m.to[0] for m in _updates(outbox)} == {
        "fi@example.org",
        "sv@example.org",
        "en@example.org",
    }


def test_a_discontinued_pilot_is_news(client, api, outbox, pilot):
    proposal_id, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "reader@example.org")
    _move(api, proposal_id, "manager", "discontinued", reason="No users.", lessons_learned="Ask.")
    [update] = _updates(outbox)
    assert update.subject == "Discontinued: Snow-clearing robot for Tapiola"


def test_an_accepted_report_is_news_and_a_returned_one_is_not(client, api, app, outbox, pilot):
    proposal_id, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "reader@example.org", lang="sv")
    start = date.fromisoformat(
        api.get(f"/proposals/{proposal_id}", "staff").get_json()["experiment"]["start_date"]
    )
    body = {
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=27)).isoformat(),
        "summary": "Twelve walks.",
        "participation": [{"category": "residents_customers", "count": 40}],
        "problems": "",
    }
    reports = [
        api.post(f"/experiments/{experiment_id}/reports", "applicant", json=body).get_json()["id"]
        for _ in range(2)
    ]
    outbox.clear()
    returned = api.post(
        f"/experiments/{experiment_id}/reports/{reports[0]}/review",
        "staff",
        json={"decision": "return", "comment": "Count again."},
    )
    assert returned.status_code == 200, returned.text
    assert _updates(outbox) == []
    accepted = api.post(
        f"/experiments/{experiment_id}/reports/{reports[1]}/review",
        "staff",
        json={"decision": "accept"},
    )
    assert accepted.status_code == 200, accepted.text
    [update] = _updates(outbox)
    assert update.to == ["reader@example.org"]
    assert update.subject == "Ny lägesrapport: Snow-clearing robot for Tapiola"
    assert "Twelve walks." not in update.body  # the team's text is not mailed out


def test_many_subscribers_are_read_in_one_statement(client, api, app, outbox, pilot):
    proposal_id, experiment_id = pilot
    with app.app_context():
        db.session.add_all(
            ExperimentSubscription(
                experiment_id=experiment_id,
                email=f"r{n}@example.org",
                locale=("fi", "sv", "en")[n % 3],
                confirmed_at=utcnow(),
            )
            for n in range(30)
        )
        commit()
    statements = []

    def watch(conn, cursor, statement, *args):
        if "FROM experiment_subscription" in statement:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        _end(api, proposal_id)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert len(statements) == 1
    assert len(_updates(outbox)) == 30


# One-click unsubscribe.


def test_every_update_carries_one_click_unsubscribe(make_app):
    """Delivered by `flask mail deliver` as production sends it: the headers of RFC 8058."""
    app = make_app(MAIL_DELIVER_AFTER_COMMIT=False)
    with app.app_context():
        programme = builders.make_programme()
        owner = builders.make_user(email="applicant@test.example")
        staff = builders.make_user(Role.STAFF, email="staff@test.example")
    proposal_id, experiment_id = make_pilot(app, owner, programme, experiment_owner_id=staff)
    client = app.test_client()
    sent = app.extensions["mailman"].outbox = []

    def deliver():
        result = app.test_cli_runner().invoke(args=["mail", "deliver"])
        assert result.exit_code == 0, result.output

    _subscribe(client, experiment_id, "reader@example.org")
    deliver()
    [confirmation] = sent
    with app.app_context():
        assert "List-Unsubscribe" not in confirmation.message()
    client.post(_link(CONFIRM_LINK, confirmation))

    api = ApiClient(client, {"staff": staff})
    _end(api, proposal_id)
    with app.app_context():
        stored = db.session.scalars(
            select(MailMessage).where(MailMessage.kind == "experiment_update")
        ).one()
        assert stored.status == "pending" and "List-Unsubscribe" in stored.headers
    sent.clear()
    deliver()
    [update] = [m for m in sent if m.to == ["reader@example.org"]]
    with app.app_context():
        message = update.message()
    link = _link(UNSUBSCRIBE_LINK, update)
    assert message["List-Unsubscribe"] == f"<http://localhost{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A mail program's one-click: a POST without a session or CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    one_click = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "The updates are stopped" in one_click.text
    again = app.test_client().post(link, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "stopped already" in again.text
    with app.app_context():
        subscription = db.session.scalars(select(ExperimentSubscription)).one()
        assert subscription.email is None and subscription.unsubscribed_at is not None


def test_the_unsubscribe_link_asks_before_it_unsubscribes(client, api, outbox, pilot):
    proposal_id, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "reader@example.org")
    _end(api, proposal_id)
    link = _link(UNSUBSCRIBE_LINK, _updates(outbox)[0])
    outbox.clear()

    asked = client.get(link)
    assert asked.status_code == 200 and "Stop the e-mail updates?" in asked.text
    assert client.get(link).status_code == 200  # opening it twice changes nothing
    assert client.post(link).status_code == 200
    _evaluate(api, experiment_id)
    assert _updates(outbox) == []
    # Subscribing again starts anew, with a new confirmation.
    _subscribed(client, outbox, experiment_id, "reader@example.org")
    _move(api, proposal_id, "manager", "adopted", decision="Adopt it.", lessons_learned="Salt.")
    assert [m.to for m in _updates(outbox)] == [["reader@example.org"]]


def test_a_milestone_reached_is_news_once(client, api, app, auth, outbox, pilot):
    from tests.pilot_support import login

    proposal_id, experiment_id = pilot
    _subscribed(client, outbox, experiment_id, "reader@example.org", lang="fi")
    login(auth, client, "staff")
    form = {
        "milestone-title": "Robots in every library",
        "milestone-description": "",
        "milestone-planned_date": "2030-05-04",
        "milestone-done_date": "",
    }
    assert client.post(f"/pilots/{experiment_id}/milestones", data=form).status_code == 303
    assert _updates(outbox) == []  # planned only: not news yet
    with app.app_context():
        from experiments.models import ExperimentMilestone

        milestone_id = db.session.scalar(
            select(ExperimentMilestone.id).where(ExperimentMilestone.experiment_id == experiment_id)
        )
    assert client.post(f"/pilots/{experiment_id}/milestones/{milestone_id}/done").status_code == 303
    [update] = _updates(outbox)
    assert update.to == ["reader@example.org"]
    assert update.subject.startswith("Välitavoite saavutettu: ")
    assert "Robots in every library" in update.body
    outbox.clear()
    # Marked reached again: refused, and nobody is told twice.
    client.post(f"/pilots/{experiment_id}/milestones/{milestone_id}/done")
    assert _updates(outbox) == []
