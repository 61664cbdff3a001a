"""The pilots list: planned end and an overdue flag, spent against allocated, the latest
record and the owner; sortable by its columns, in a constant number of SQL statements."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Expense, Experiment, Participation, Proposal
from tests import builders
from tests.pilot_support import login
from tests.test_query_counts_pages import _proposals, assert_same_count, statements_for


def _pilot(title: str, owner: str, planned_end: date, status=Status.PILOT, programme_id=None):
    """A pilot of this title and owner ending on planned_end; its experiment's id."""
    owner_id = builders.make_user(Role.STAFF, name=owner)
    proposal_id = builders.make_proposal(
        builders.make_user(Role.APPLICANT),
        programme_id,
        status=status,
        title=title,
        experiment_owner_id=owner_id,
    )
    experiment = db.session.get(Proposal, proposal_id).experiment
    experiment.start_date = planned_end - timedelta(days=120)
    experiment.planned_end_date = planned_end
    builders.commit()
    return experiment.id


def _spend(experiment_id: int, amount: str, day: date) -> None:
    db.session.add(
        Expense(experiment_id=experiment_id, date=day, amount=Decimal(amount), description="X")
    )
    builders.commit()


@pytest.fixture
def pilots(app, programme):
    """Three running pilots and one decided, with different ends, spending and records."""
    today = date.today()
    with app.app_context():
        late = _pilot("Bike lanes", "Aino", today - timedelta(days=10), programme_id=programme)
        soon = _pilot(
            "Apps for libraries", "Cecilia", today + timedelta(days=5), programme_id=programme
        )
        later = _pilot(
            "Community kitchens", "Bertil", today + timedelta(days=90), programme_id=programme
        )
        decided = _pilot(
            "Drone deliveries",
            "Doris",
            today - timedelta(days=200),
            status=Status.ADOPTED,
            programme_id=programme,
        )
        _spend(late, "10500.00", today - timedelta(days=40))  # over its 10,000.00
        _spend(soon, "250.00", today - timedelta(days=3))
        db.session.add(
            Participation(
                experiment_id=soon,
                date=today - timedelta(days=1),
                category="employees",
                count=3,
            )
        )
        builders.commit()
    return {"late": late, "soon": soon, "later": later, "decided": decided}


def _titles(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/pilots/\d+"[^>]*>([^<]*)</a>', html)


def test_the_list_shows_what_staff_follow(app, client, auth, pilots):
    login(auth, client, "staff")
    page = client.get("/pilots").text
    today = date.today()
    rows = {
        title: row
        for title, row in re.findall(
            r'<th scope="row"><a href="/pilots/\d+"[^>]*>([^<]*)</a></th>(.*?)</tr>', page, re.S
        )
    }
    assert "Overdue" in rows["Bike lanes"]
    assert "Overdue" not in rows["Apps for libraries"]
    assert "Overdue" not in rows["Drone deliveries"]  # decided: no longer due
    assert "€10,500.00 of €10,000.00" in rows["Bike lanes"]
    assert "Over the allocation" in rows["Bike lanes"]
    assert "€250.00 of €10,000.00" in rows["Apps for libraries"]
    assert "€0.00 of €10,000.00" in rows["Community kitchens"]
    with app.app_context():
        from flask_babel import format_date

        with app.test_request_context():
            latest = format_date(today - timedelta(days=1))
            planned = format_date(today - timedelta(days=10))
    assert latest in rows["Apps for libraries"]  # the participation, after the expense
    assert planned in rows["Bike lanes"]
    assert "No records" in rows["Community kitchens"]
    assert "Aino" in rows["Bike lanes"] and "Cecilia" in rows["Apps for libraries"]
    # The pilot's own page says it too.
    assert "Overdue" in client.get(f"/pilots/{pilots['late']}").text
    assert "Overdue" not in client.get(f"/pilots/{pilots['soon']}").text


def test_the_list_sorts_by_its_columns(app, client, auth, pilots):
    login(auth, client, "staff")
    page = client.get("/pilots").text  # by planned end, soonest first
    assert _titles(page) == [
        "Bike lanes",
        "Apps for libraries",
        "Community kitchens",
        "Drone deliveries",
    ]
    assert re.search(
        r'<th scope="col" aria-sort="ascending">\s*'
        r'<a href="/pilots\?sort=planned_end&amp;order=desc">Planned end',
        page,
    )
    assert page.count("aria-sort=") == 2  # one sorted column in each of the two tables

    page = client.get("/pilots?sort=spent&order=desc").text
    assert _titles(page)[:3] == ["Bike lanes", "Apps for libraries", "Community kitchens"]
    assert re.search(r'aria-sort="descending">\s*<a href="/pilots\?sort=spent&amp;order=asc"', page)

    page = client.get("/pilots?sort=owner").text
    assert _titles(page)[:3] == ["Bike lanes", "Community kitchens", "Apps for libraries"]

    page = client.get("/pilots?sort=title&order=desc").text
    assert _titles(page)[:3] == ["Community kitchens", "Bike lanes", "Apps for libraries"]

    page = client.get("/pilots?sort=last_record&order=desc").text
    # Newest record first; a pilot without records last.
    assert _titles(page)[:3] == ["Apps for libraries", "Bike lanes", "Community kitchens"]

    # An unknown sort is the default one, never an error.
    page = client.get("/pilots?sort=password&order=sideways")
    assert page.status_code == 200
    assert _titles(page.text)[0] == "Bike lanes"


def test_the_list_is_for_staff(app, client, auth, pilots):
    for who, expected in (("applicant", 403), ("admin", 403), ("manager", 200)):
        login(auth, client, who)
        assert client.get("/pilots").status_code == expected


def test_the_list_counts_in_sql(app, client, auth, people, programme):
    path = "/pilots?sort=last_record"
    with app.app_context():
        _proposals(programme, 2, status=Status.PILOT, with_rows=True)
    auth.login("staff")
    small = statements_for(app, client, path)
    with app.app_context():
        _proposals(programme, 12, status=Status.PILOT, with_rows=True)
        _proposals(programme, 6, status=Status.ADOPTED, with_rows=True)
    large = statements_for(app, client, path)
    assert client.get(path).text.count('<th scope="row">') == 20
    assert_same_count(small, large)


def test_the_pilot_page_counts_in_sql(app, client, auth, people, programme):
    with app.app_context():
        (proposal_id,) = _proposals(programme, 1, status=Status.PILOT, with_rows=True)
        eid = db.session.get(Proposal, proposal_id).experiment.id
    path = f"/pilots/{eid}"
    auth.login("manager")
    small = statements_for(app, client, path)
    with app.app_context():
        from tests.test_query_counts_pages import _experiment_rows

        _experiment_rows(proposal_id, 45)
        experiment = db.session.get(Experiment, eid)
        assert len(experiment.expenses) > 40
    large = statements_for(app, client, path)
    page = client.get(path).text
    assert "Page 1 of 3" in page  # 47 expenses, 20 a page
    assert_same_count(small, large)


def _table_rows(html: str, table_id: str) -> list[str]:
    """The titles in one of the list's tables (running or decided)."""
    table = re.search(rf'<table class="data pilots" id="{table_id}">(.*?)</table>', html, re.S)
    return _titles(table.group(1)) if table else []


def test_each_list_is_paged_on_its_own(app, client, auth, people, programme):
    with app.app_context():
        _proposals(programme, 23, status=Status.PILOT, with_rows=True)
        _proposals(programme, 3, status=Status.ADOPTED, with_rows=True)
    login(auth, client, "staff")
    first = client.get("/pilots").text
    assert len(_table_rows(first, "running")) == 20
    assert len(_table_rows(first, "decided")) == 3
    assert "Page 1 of 2" in first
    assert 'href="/pilots?page=2#running"' in first

    second = client.get("/pilots?page=2").text
    running = _table_rows(first, "running") + _table_rows(second, "running")
    assert len(set(running)) == 23  # every running pilot on one of the two pages, once
    assert len(_table_rows(second, "running")) == 3
    assert _table_rows(second, "decided") == _table_rows(first, "decided")  # its own page

    # A page past the end is the last page, never an error.
    beyond = client.get("/pilots?page=99&decided_page=abc")
    assert beyond.status_code == 200
    assert _table_rows(beyond.text, "running") == _table_rows(second, "running")


def test_the_order_follows_every_change_at_once(app, client, auth, pilots):
    """A page's rows are chosen once per write (cached by data generation): an expense, or
    an owner's new name, moves a pilot at the next view."""
    login(auth, client, "staff")
    assert _titles(client.get("/pilots?sort=spent&order=desc").text)[0] == "Bike lanes"
    with app.app_context():
        _spend(pilots["later"], "20000.00", date.today())
    assert _titles(client.get("/pilots?sort=spent&order=desc").text)[0] == "Community kitchens"

    assert _titles(client.get("/pilots?sort=owner").text)[0] == "Bike lanes"
    with app.app_context():
        # An account's change is written without replacing the data generation.
        owner = db.session.get(Experiment, pilots["later"]).owner
        owner.name = "Aaro"
        db.session.commit()
    assert _titles(client.get("/pilots?sort=owner").text)[0] == "Community kitchens"
