"""The call's decisions page: staging, removing, the budget in words, applying once confirmed."""

from datetime import date

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import MailMessage, Programme, Proposal, StagedDecision, StatusChange
from tests import builders
from tests.pilot_support import count


@pytest.fixture
def call(app, programme):
    with app.app_context():
        return db.session.get(Programme, programme).calls[0].id


@pytest.fixture
def screened(app, people, programme):
    with app.app_context():
        return [
            builders.make_proposal(people[who], programme, status=Status.SCREENING, title=title)
            for who, title in (("applicant", "Snow robot"), ("other", "Library lockers"))
        ]


def _as(auth, who):
    auth.logout()
    auth.login(who)


def _pilot_form(people, amount, version=1):
    year = date.today().year
    return {
        "to_status": "pilot",
        "allocated_budget": amount,
        "start_date": f"{year}-09-01",
        "planned_end_date": f"{year + 1}-03-01",
        "owner_id": str(people["staff"]),
        "city_unit": "Mobility",
        "version": str(version),
    }


def _statuses(app, ids):
    with app.app_context():
        return [db.session.get(Proposal, i).status for i in ids]


@pytest.mark.parametrize("who", ["applicant", "other", "staff", "admin"])
def test_no_one_but_a_manager_opens_any_decisions_page(
    app, client, auth, people, call, screened, who
):
    _as(auth, "manager")
    client.post(f"/calls/{call}/decisions/{screened[0]}", data=_pilot_form(people, "1000"))
    assert count(app, StagedDecision) == 1
    _as(auth, who)
    for method, path, data in (
        ("GET", f"/calls/{call}/decisions", None),
        ("GET", f"/calls/{call}/decisions/{screened[0]}", None),
        ("POST", f"/calls/{call}/decisions/{screened[1]}", _pilot_form(people, "5")),
        ("POST", f"/calls/{call}/decisions/{screened[0]}/remove", {}),
        ("POST", f"/calls/{call}/decisions/apply", {"confirmed": "yes"}),
    ):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, (method, path)
        assert "Snow robot" not in response.text
    assert count(app, StagedDecision) == 1
    assert _statuses(app, screened) == [Status.SCREENING] * 2
    auth.logout()
    assert client.get(f"/calls/{call}/decisions").status_code == 302  # to the sign-in


def test_a_manager_stages_sees_the_budget_and_removes(app, client, auth, people, call, screened):
    _as(auth, "manager")
    page = client.get(f"/calls/{call}/decisions")
    assert page.status_code == 200
    assert "Snow robot" in page.text and "None staged" in page.text
    form = client.get(f"/calls/{call}/decisions/{screened[0]}")
    assert form.status_code == 200 and "Allocated budget (EUR)" in form.text
    staged = client.post(
        f"/calls/{call}/decisions/{screened[0]}", data=_pilot_form(people, "200 000")
    )
    assert staged.status_code == 303
    over = client.post(f"/calls/{call}/decisions/{screened[1]}", data=_pilot_form(people, "60000"))
    assert over.status_code == 303
    page = client.get(f"/calls/{call}/decisions")
    year = date.today().year
    assert "Start a pilot with €200,000.00 from" in page.text
    assert "1 staged pilot does not fit the budget." in page.text
    assert "Does not fit the budget." in page.text
    assert "€260,000.00" in page.text and "-€10,000.00 (over the budget)" in page.text
    assert str(year) in page.text
    refused = client.post(
        f"/calls/{call}/decisions/{screened[1]}",
        data={"to_status": "rejected", "reason": "", "version": "1"},
    )
    assert refused.status_code == 422
    assert "This is required for this move." in refused.text
    removed = client.post(f"/calls/{call}/decisions/{screened[1]}/remove", data={})
    assert removed.status_code == 303
    assert count(app, StagedDecision) == 1
    page = client.get(f"/calls/{call}/decisions")
    assert "Every staged pilot fits its year's budget." in page.text
    # Staged decisions are kept in the database: another sign-in sees them.
    _as(auth, "manager")
    assert "€200,000.00" in client.get(f"/calls/{call}/decisions").text


def test_a_stale_form_stages_nothing(app, client, auth, people, call, screened):
    _as(auth, "manager")
    response = client.post(
        f"/calls/{call}/decisions/{screened[0]}", data=_pilot_form(people, "1000", version=7)
    )
    assert response.status_code in (200, 409, 422)
    assert "Someone else changed this proposal" in response.text
    assert count(app, StagedDecision) == 0


def test_apply_asks_first_then_moves_every_proposal(app, client, auth, people, call, screened):
    _as(auth, "manager")
    client.post(f"/calls/{call}/decisions/{screened[0]}", data=_pilot_form(people, "1000"))
    client.post(
        f"/calls/{call}/decisions/{screened[1]}",
        data={"to_status": "rejected", "reason": "Not new.", "version": "1"},
    )
    mails = count(app, MailMessage)
    asked = client.post(f"/calls/{call}/decisions/apply", data={})
    assert asked.status_code == 200
    assert "This cannot be undone." in asked.text and "Not new." in asked.text
    assert _statuses(app, screened) == [Status.SCREENING] * 2
    done = client.post(f"/calls/{call}/decisions/apply", data={"confirmed": "yes"})
    assert done.status_code == 303
    assert _statuses(app, screened) == [Status.PILOT, Status.REJECTED]
    assert count(app, MailMessage) == mails + 2
    assert count(app, StagedDecision) == 0
    page = client.get(done.headers["Location"])
    assert "2 decisions are made and each applicant is told." in page.text


def test_apply_over_the_budget_says_which_and_moves_nothing(
    app, client, auth, people, call, screened
):
    _as(auth, "manager")
    client.post(f"/calls/{call}/decisions/{screened[0]}", data=_pilot_form(people, "200000"))
    client.post(f"/calls/{call}/decisions/{screened[1]}", data=_pilot_form(people, "60000"))
    history, mails = count(app, StatusChange), count(app, MailMessage)
    response = client.post(f"/calls/{call}/decisions/apply", data={"confirmed": "yes"})
    assert response.status_code == 409
    assert "Nothing was applied: 1 of the staged decisions cannot be made." in response.text
    assert "Library lockers</a>: €60,000.00 does not fit" in response.text
    assert _statuses(app, screened) == [Status.SCREENING] * 2
    assert (count(app, StatusChange), count(app, MailMessage)) == (history, mails)
    assert count(app, StagedDecision) == 2


def test_the_programme_page_links_to_the_decisions(app, client, auth, programme, call):
    _as(auth, "manager")
    page = client.get(f"/programmes/{programme}")
    assert f'href="/calls/{call}/decisions"' in page.text


def test_the_manager_home_links_to_each_call_with_proposals_in_screening(
    app, client, auth, people, call, screened
):
    _as(auth, "manager")
    client.post(f"/calls/{call}/decisions/{screened[0]}", data=_pilot_form(people, "1000"))
    home = client.get("/")
    assert f'href="/calls/{call}/decisions"' in home.text
    assert "2 proposals in screening, 1 decision staged" in home.text
    _as(auth, "staff")
    assert "/decisions" not in client.get("/").text


def test_the_page_and_the_list_run_the_same_statements_as_the_call_grows(
    app, client, auth, api, people, programme, call
):
    from tests.test_query_counts_pages import counting

    _as(auth, "manager")

    def add(n):
        with app.app_context():
            ids = [
                builders.make_proposal(people["applicant"], programme, status=Status.SCREENING)
                for _ in range(n)
            ]
        for i, proposal_id in enumerate(ids):
            if i % 2:
                # Staged by another manager each: their names are read with the list.
                with app.app_context():
                    people[f"manager{proposal_id}"] = builders.make_user(Role.MANAGER)
                body = {"proposal_id": proposal_id, "to": "rejected", "reason": "No."}
                staged = api.post(
                    f"/calls/{call}/staged-decisions", f"manager{proposal_id}", json=body
                )
                assert staged.status_code == 200
            else:
                with app.app_context():
                    owner = builders.make_user(Role.STAFF)
                form = {**_pilot_form(people, "5"), "owner_id": str(owner)}
                staged = client.post(f"/calls/{call}/decisions/{proposal_id}", data=form)
                assert staged.status_code == 303

    def statements():
        client.get(f"/calls/{call}/decisions")
        api.get(f"/calls/{call}/staged-decisions", "manager")
        with counting(app) as page:
            assert client.get(f"/calls/{call}/decisions").status_code == 200
        with counting(app) as listed:
            assert api.get(f"/calls/{call}/staged-decisions", "manager").status_code == 200
        return len(page), len(listed)

    add(2)
    small = statements()
    add(6)
    assert statements() == small


def test_applying_when_another_manager_already_did_is_said_not_a_crash(
    app, client, auth, people, call, screened
):
    _as(auth, "manager")
    page = f"/calls/{call}/decisions"
    response = client.post(
        f"{page}/apply", data={"confirmed": "yes"}, headers={"Referer": f"http://localhost{page}"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == page
    followed = client.get(page)
    assert "No decisions are staged for this call: another manager may have" in followed.text
    assert _statuses(app, screened) == [Status.SCREENING] * 2
