"""The pilot's work on its own page: records corrected and removed (each kept in the
history), spending over the allocation confirmed first, the end of a pilot never in the
future; starting a pilot and deciding with the evidence beside the form."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select

from experiments.errors import Invalid
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Expense, Experiment, Participation, Proposal, RecordChange, User
from experiments.services.workflow import change_status
from tests import builders
from tests.pilot_support import count, login, make_pilot


@pytest.fixture
def pilot(app, people, programme):
    """(proposal id, experiment id) of a running pilot with 10,000.00 allocated."""
    return make_pilot(app, people["applicant"], programme)


def _start(app, experiment_id) -> date:
    with app.app_context():
        return db.session.get(Experiment, experiment_id).start_date


def _expense(app, experiment_id, amount="100.00", description="Snow shovels") -> int:
    with app.app_context():
        expense = Expense(
            experiment_id=experiment_id,
            date=_start(app, experiment_id),
            amount=Decimal(amount),
            description=description,
        )
        db.session.add(expense)
        builders.commit()
        return expense.id


def _participation(app, experiment_id, number=40) -> int:
    with app.app_context():
        record = Participation(
            experiment_id=experiment_id,
            date=_start(app, experiment_id),
            category="residents_customers",
            count=number,
            note="Opening day",
        )
        db.session.add(record)
        builders.commit()
        return record.id


def _changes(app, experiment_id) -> list[tuple[str, str, int, dict, str]]:
    with app.app_context():
        return [
            (c.kind.value, c.action.value, c.record_id, c.changes, c.actor.name)
            for c in db.session.scalars(
                select(RecordChange)
                .where(RecordChange.experiment_id == experiment_id)
                .order_by(RecordChange.id)
            )
        ]


def _hidden_inputs(html: str) -> dict:
    """The inputs of the page's confirming form, as a browser sends them."""
    form = re.search(r'<form method="post"[^>]*class="confirm[^"]*"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no confirmation form"
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        name = re.search(r'name="([^"]*)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag, re.S)
        fields[name] = unescape(value.group(1)) if value else ""
    return fields


# Corrections and removals.


def test_an_expense_is_corrected_and_the_history_keeps_both(app, client, auth, pilot):
    _, eid = pilot
    expense_id = _expense(app, eid)
    login(auth, client, "staff")
    page = client.get(f"/pilots/{eid}").text
    assert f"/pilots/{eid}/expenses/{expense_id}" in page  # each row has its correction link
    form = client.get(f"/pilots/{eid}/expenses/{expense_id}").text
    assert 'value="Snow shovels"' in form and "Remove the expense" in form

    start = _start(app, eid)
    response = client.post(
        f"/pilots/{eid}/expenses/{expense_id}",
        data={
            "expense-date": start.isoformat(),
            "expense-amount": "150,50",
            "expense-description": "Snow shovels and salt",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/pilots/{eid}#expenses")
    with app.app_context():
        expense = db.session.get(Expense, expense_id)
        assert (expense.amount, expense.description) == (
            Decimal("150.50"),
            "Snow shovels and salt",
        )
    assert _changes(app, eid) == [
        (
            "expense",
            "corrected",
            expense_id,
            {
                "amount": ["100.00", "150.50"],
                "description": ["Snow shovels", "Snow shovels and salt"],
            },
            "Staff",
        )
    ]
    page = client.get(f"/pilots/{eid}").text
    assert page.count('<section id="changes"') == 1
    assert re.search(r"<title>Experiment: [^<]*</title>", page)
    assert "Expense corrected" in page
    assert "Amount (EUR): €100.00 → €150.50" in page


def test_a_wrong_correction_changes_nothing(app, client, auth, pilot):
    _, eid = pilot
    expense_id = _expense(app, eid)
    login(auth, client, "staff")
    response = client.post(
        f"/pilots/{eid}/expenses/{expense_id}",
        data={"expense-date": "", "expense-amount": "-3", "expense-description": ""},
    )
    assert response.status_code == 422
    assert "Enter a date" in response.text
    with app.app_context():
        assert db.session.get(Expense, expense_id).amount == Decimal("100.00")
    assert _changes(app, eid) == []


def test_a_participation_record_is_corrected_with_its_rules(app, client, auth, pilot):
    _, eid = pilot
    record_id = _participation(app, eid)
    login(auth, client, "staff")
    start = _start(app, eid)
    form = client.get(f"/pilots/{eid}/participation/{record_id}").text
    assert '<option selected value="residents_customers">' in form
    data = {
        "participation-date": (start - timedelta(days=1)).isoformat(),
        "participation-category": "employees",
        "participation-count": "12",
        "participation-note": "Staff training",
    }
    response = client.post(f"/pilots/{eid}/participation/{record_id}", data=data)
    assert response.status_code == 422
    assert "The date is before the pilot started" in response.text
    response = client.post(
        f"/pilots/{eid}/participation/{record_id}",
        data={**data, "participation-date": start.isoformat()},
    )
    assert response.status_code == 303
    assert _changes(app, eid) == [
        (
            "participation",
            "corrected",
            record_id,
            {
                "category": ["residents_customers", "employees"],
                "count": [40, 12],
                "note": ["Opening day", "Staff training"],
            },
            "Staff",
        )
    ]
    page = client.get(f"/pilots/{eid}").text
    # Choices are shown as labels, never as their codes.
    assert "Who took part: Residents and customers → City employees" in page


@pytest.mark.parametrize("kind", ["expenses", "participation"])
def test_a_record_is_removed_only_once_confirmed(app, client, auth, pilot, kind):
    _, eid = pilot
    model = Expense if kind == "expenses" else Participation
    record_id = _expense(app, eid) if kind == "expenses" else _participation(app, eid)
    login(auth, client, "manager")
    response = client.post(f"/pilots/{eid}/{kind}/{record_id}/remove")
    assert response.status_code == 200
    assert "This cannot be undone." in response.text
    assert count(app, model) == 1  # asking changes nothing
    assert _changes(app, eid) == []

    response = client.post(
        f"/pilots/{eid}/{kind}/{record_id}/remove", data=_hidden_inputs(response.text)
    )
    assert response.status_code == 303
    assert count(app, model) == 0
    ((what, action, removed_id, changes, who),) = _changes(app, eid)
    assert (action, removed_id, who) == ("removed", record_id, "Manager")
    if kind == "expenses":
        assert what == "expense"
        assert changes["amount"] == ["100.00", None]
        assert changes["description"] == ["Snow shovels", None]
    else:
        assert what == "participation"
        assert changes["count"] == [40, None]
    page = client.get(f"/pilots/{eid}").text
    assert "removed" in page


@pytest.mark.parametrize("who", ["applicant", "admin", "anonymous"])
@pytest.mark.parametrize("kind", ["expenses", "participation"])
def test_only_staff_correct_or_remove_records(app, client, auth, pilot, who, kind):
    _, eid = pilot
    record_id = _expense(app, eid) if kind == "expenses" else _participation(app, eid)
    if who != "anonymous":
        login(auth, client, who)
    address = f"/pilots/{eid}/{kind}/{record_id}"
    expected = 302 if who == "anonymous" else 404
    assert client.get(address).status_code == expected
    assert client.post(address, data={}).status_code == expected
    response = client.post(f"{address}/remove", data={"confirmed": "yes"})
    assert response.status_code == expected
    assert count(app, Expense) + count(app, Participation) == 1
    assert _changes(app, eid) == []


def test_a_record_is_reached_only_through_its_own_experiment(
    app, client, auth, pilot, people, programme
):
    _, eid = pilot
    _, other = make_pilot(app, people["applicant"], programme)
    expense_id = _expense(app, other)
    login(auth, client, "staff")
    assert client.get(f"/pilots/{eid}/expenses/{expense_id}").status_code == 404
    response = client.post(f"/pilots/{eid}/expenses/{expense_id}/remove", data={"confirmed": "yes"})
    assert response.status_code == 404
    assert count(app, Expense) == 1


def test_a_decided_experiments_records_stay_as_they_were(app, client, auth, people, programme):
    _, eid = make_pilot(app, people["applicant"], programme, status=Status.ADOPTED)
    expense_id = _expense(app, eid)
    login(auth, client, "staff")
    page = client.get(f"/pilots/{eid}").text
    assert f"/pilots/{eid}/expenses/{expense_id}" not in page
    response = client.post(
        f"/pilots/{eid}/expenses/{expense_id}/remove",
        data={"confirmed": "yes"},
        follow_redirects=True,
    )
    assert "records can be added only while it is a pilot or in evaluation" in response.text
    assert count(app, Expense) == 1
    assert _changes(app, eid) == []


# Spending over the allocation.


def test_a_correction_over_the_allocation_is_confirmed_first(app, client, auth, pilot):
    _, eid = pilot  # 10,000.00 allocated
    expense_id = _expense(app, eid, "9000.00")
    login(auth, client, "staff")
    data = {
        "expense-date": _start(app, eid).isoformat(),
        "expense-amount": "10500",
        "expense-description": "Snow shovels",
    }
    response = client.post(f"/pilots/{eid}/expenses/{expense_id}", data=data)
    assert response.status_code == 200
    assert "Confirm: spending over the allocation" in response.text
    assert "€500.00 over the allocation" in response.text
    with app.app_context():
        assert db.session.get(Expense, expense_id).amount == Decimal("9000.00")
    response = client.post(
        f"/pilots/{eid}/expenses/{expense_id}", data=_hidden_inputs(response.text)
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Expense, expense_id).amount == Decimal("10500.00")
    # Lowering spending that is already over asks nothing.
    response = client.post(
        f"/pilots/{eid}/expenses/{expense_id}", data={**data, "expense-amount": "10200"}
    )
    assert response.status_code == 303


def test_the_api_records_an_expense_over_the_allocation_as_sent(app, api, pilot):
    _, eid = pilot
    response = api.post(
        f"/experiments/{eid}/expenses",
        who="staff",
        json={"date": "2026-03-02", "amount": "10000.01", "description": "Robot"},
    )
    assert response.status_code == 201
    assert count(app, Expense) == 1


# Ending a pilot.


def test_a_pilot_cannot_end_in_the_future(app, client, auth, people, pilot):
    proposal_id, eid = pilot
    today = date.today()
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        experiment.start_date = today - timedelta(days=30)
        experiment.planned_end_date = today + timedelta(days=30)
        builders.commit()
    login(auth, client, "staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/evaluation",
        data={
            "evaluation-to": "evaluation",
            "evaluation-version": "1",
            "evaluation-actual_end_date": (today + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422  # refused with the form, before any confirmation
    assert "The pilot cannot end in the future" in response.text
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == Status.PILOT
        with pytest.raises(Invalid) as refused:
            change_status(
                proposal,
                Status.EVALUATION,
                db.session.get(User, people["staff"]),
                proposal.version,
                actual_end_date=today + timedelta(days=1),
            )
        assert "cannot end in the future" in refused.value.errors["actual_end_date"][0]
        change_status(
            proposal,
            Status.EVALUATION,
            db.session.get(User, people["staff"]),
            proposal.version,
            actual_end_date=today,
        )
        assert db.session.get(Experiment, eid).actual_end_date == today


# Starting a pilot: the evidence beside the form, every refusal at once.


@pytest.fixture
def screened(app, people, programme):
    with app.app_context():
        return builders.make_proposal(
            people["applicant"],
            programme,
            status=Status.SCREENING,
            requested_budget=Decimal("18500.00"),
        )


def test_the_pilot_start_is_prefilled_with_the_request_and_shows_the_budget_left(
    app, client, auth, people, programme, screened
):
    with app.app_context():
        # Another pilot has taken 10,000.00 of this year's 250,000.00.
        builders.make_proposal(people["applicant"], programme, status=Status.PILOT)
    login(auth, client, "manager")
    page = client.get(f"/proposals/{screened}").text
    field = re.search(r'<input[^>]*id="pilot-allocated_budget"[^>]*>', page).group(0)
    assert 'value="18500.00"' in field
    assert 'aria-describedby="pilot-allocated_budget-hint"' in field
    year = date.today().year
    assert f"€240,000.00 of the {year} budget remains unallocated." in page


def test_every_refusal_of_a_pilot_start_is_said_at_once(app, client, auth, people, screened):
    login(auth, client, "manager")
    start = date(date.today().year, 2, 1)
    response = client.post(
        f"/proposals/{screened}/moves/pilot",
        data={
            "pilot-to": "pilot",
            "pilot-version": "1",
            "pilot-allocated_budget": "300000",  # more than the year's 250,000
            "pilot-start_date": start.isoformat(),
            "pilot-planned_end_date": (start - timedelta(days=1)).isoformat(),
            "pilot-owner_id": str(people["staff"]),
        },
    )
    assert response.status_code == 422  # no confirmation page for a refused start
    assert "The planned end must be after the start." in response.text
    assert f"Only €250,000.00 of the {start.year} budget remains." in response.text
    assert "This cannot be undone." not in response.text


def test_a_form_error_and_the_budget_are_said_together(app, client, auth, people, screened):
    login(auth, client, "manager")
    start = date(date.today().year, 2, 1)
    response = client.post(
        f"/proposals/{screened}/moves/pilot",
        data={
            "pilot-to": "pilot",
            "pilot-version": "1",
            "pilot-allocated_budget": "300000",
            "pilot-start_date": start.isoformat(),
            "pilot-planned_end_date": "",  # the form itself refuses this
            "pilot-owner_id": str(people["staff"]),
        },
    )
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert f"Only €250,000.00 of the {start.year} budget remains." in response.text


def test_a_budget_that_fits_goes_on_to_the_confirmation(app, client, auth, people, screened):
    login(auth, client, "manager")
    start = date(date.today().year, 2, 1)
    response = client.post(
        f"/proposals/{screened}/moves/pilot",
        data={
            "pilot-to": "pilot",
            "pilot-version": "1",
            "pilot-allocated_budget": "18500",
            "pilot-start_date": start.isoformat(),
            "pilot-planned_end_date": (start + timedelta(days=90)).isoformat(),
            "pilot-owner_id": str(people["staff"]),
        },
    )
    assert response.status_code == 200
    assert "This cannot be undone." in response.text
    with app.app_context():
        assert db.session.get(Proposal, screened).status == Status.SCREENING


# Deciding: the evaluation in view.


def test_the_decision_shows_the_evaluation_and_starts_from_its_findings(
    app, client, auth, people, programme
):
    proposal_id, eid = make_pilot(app, people["applicant"], programme, status=Status.EVALUATION)
    with app.app_context():
        builders.make_evaluation(proposal_id, people["staff"])
    login(auth, client, "manager")
    for page in (client.get(f"/proposals/{proposal_id}").text, client.get(f"/pilots/{eid}").text):
        evidence = re.search(r'<aside class="evidence".*?</aside>', page, re.S).group(0)
        assert "Recommendation" in evidence and "<strong>Adopt</strong>" in evidence
        assert "Works on flat streets." in evidence
        for target in ("adopted", "discontinued"):
            lessons = re.search(
                rf'<textarea[^>]*id="{target}-lessons_learned"[^>]*>(.*?)</textarea>', page, re.S
            )
            assert lessons.group(1).strip() == "Works on flat streets."
    # Staff see the evidence but not the manager's decision.
    login(auth, client, "staff")
    page = client.get(f"/pilots/{eid}").text
    assert 'id="adopted-lessons_learned"' not in page


def test_a_decision_made_on_the_pilot_page_returns_there(app, client, auth, people, programme):
    proposal_id, eid = make_pilot(app, people["applicant"], programme, status=Status.EVALUATION)
    with app.app_context():
        builders.make_evaluation(proposal_id, people["staff"])
    login(auth, client, "manager")
    page = client.get(f"/pilots/{eid}").text
    form = re.search(r'<form[^>]*class="move move-adopted".*?</form>', page, re.S).group(0)
    assert f'<input type="hidden" name="next" value="/pilots/{eid}">' in form
    action = f"/proposals/{proposal_id}/moves/adopted"
    sent = {
        "adopted-to": "adopted",
        "adopted-version": "1",
        "adopted-decision": "Adopted in every library.",
        "adopted-lessons_learned": "Works on flat streets.",
        "next": f"/pilots/{eid}",
    }
    confirmation = client.post(action, data=sent)
    assert confirmation.status_code == 200
    fields = _hidden_inputs(confirmation.text)
    assert fields["next"] == f"/pilots/{eid}"
    assert f'<a class="button secondary" href="/pilots/{eid}">' in confirmation.text
    done = client.post(action, data=fields)
    assert done.status_code == 303
    assert done.headers["Location"] == f"/pilots/{eid}"
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == Status.ADOPTED


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_a_move_never_returns_to_another_site(app, client, auth, people, pilot, elsewhere):
    proposal_id, _eid = pilot
    login(auth, client, "staff")
    response = client.post(
        f"/proposals/{proposal_id}/moves/evaluation",
        data={
            "evaluation-to": "evaluation",
            "evaluation-version": "1",
            "evaluation-actual_end_date": date.today().isoformat(),
            "next": elsewhere,
        },
    )
    assert response.status_code == 200  # the confirmation, which leads back to the proposal
    assert "next" not in _hidden_inputs(response.text)
    done = client.post(
        f"/proposals/{proposal_id}/moves/evaluation",
        data={**_hidden_inputs(response.text), "next": elsewhere},
    )
    assert done.headers["Location"] == f"/proposals/{proposal_id}"


# Long lists.


def test_long_lists_are_paged_each_on_its_own(app, client, auth, pilot):
    _, eid = pilot
    with app.app_context():
        from experiments.models import Risk

        start = _start(app, eid)
        for i in range(45):
            db.session.add(
                Expense(
                    experiment_id=eid,
                    date=start + timedelta(days=i),
                    amount=Decimal("10.00"),
                    description=f"Item {i}",
                )
            )
        for i in range(25):
            db.session.add(
                Risk(
                    experiment_id=eid,
                    description=f"Risk text {i}",
                    probability=1,
                    impact=1,
                    status="green",
                )
            )
        builders.commit()
    login(auth, client, "staff")
    page = client.get(f"/pilots/{eid}").text
    page = page[: page.index('id="all-changes"')]  # the lists, not the record of changes
    assert "Item 44" in page and "Item 24" not in page  # newest first, 20 a page
    assert "Risk text 0" in page and "Risk text 20" not in page
    assert f'href="/pilots/{eid}?expenses_page=2#expenses" rel="next"' in page
    # The matrix leads to a risk on another page of the list.
    assert re.search(rf'href="/pilots/{eid}\?risks_page=2#risk-\d+">Risk 21<', page)
    page = client.get(f"/pilots/{eid}?expenses_page=3&risks_page=2").text
    assert "Item 0" in page and "Item 5" not in page and "Page 3 of 3" in page
    assert "Risk text 24" in page and "Risk text 0</td>" not in page
    # The other list's page is kept when one list turns its page.
    assert f'href="/pilots/{eid}?expenses_page=2&amp;risks_page=2#expenses"' in page


def test_a_refused_decision_is_said_on_the_pilot_page(app, client, auth, people, programme):
    proposal_id, eid = make_pilot(app, people["applicant"], programme, status=Status.EVALUATION)
    with app.app_context():
        builders.make_evaluation(proposal_id, people["staff"])
    login(auth, client, "manager")
    response = client.post(
        f"/proposals/{proposal_id}/moves/adopted",
        data={
            "adopted-to": "adopted",
            "adopted-version": "1",
            "adopted-lessons_learned": "Works on flat streets.",
            "next": f"/pilots/{eid}",
        },
    )
    assert response.status_code == 422
    page = response.text
    assert '<section id="facts"' in page  # the pilot's page, not the proposal's
    form = re.search(r'<form[^>]*class="move move-adopted".*?</form>', page, re.S).group(0)
    assert "error-summary" in form
    assert "Works on flat streets." in form
    assert f'<input type="hidden" name="next" value="/pilots/{eid}">' in form
