"""The audit trail as people read it: /audit in words, its filters, each object's history."""

import csv
import html as html_module
import io
import re
from contextlib import contextmanager
from datetime import UTC, timedelta

import pytest
from flask_login import login_user

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import REVIEW_CRITERIA, Expense, Experiment, Programme, Proposal, Risk, User
from experiments.models.experiment import RecordKind
from experiments.services import admin, corrections, expenses, proposals, reviews, risks, scorecard
from tests import builders
from tests.clock import frozen_now


@contextmanager
def signed_in(app, user_id):
    """A request of this person, as the web pages make one."""
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        yield db.session.get(User, user_id)


@pytest.fixture
def trail(app, people, programme):
    """A proposal retitled, a pilot with an expense and a reassessed risk, a role changed."""
    with app.app_context():
        proposal_id = builders.make_proposal(people["applicant"], programme)
        pilot = builders.make_proposal(
            people["applicant"], programme, status=Status.PILOT, experiment_owner_id=people["staff"]
        )
        experiment_id = db.session.get(Proposal, pilot).experiment.id
    with signed_in(app, people["applicant"]) as user:
        proposal = db.session.get(Proposal, proposal_id)
        values = builders.complete_values(title="Salted pavements", call_id=proposal.call_id)
        proposals.update_content(proposal, user, proposal.version, values)
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, experiment_id)
        day = experiment.start_date + timedelta(days=3)
        expense_id = expenses.record_expense(
            experiment, user, date=day.isoformat(), amount="1234.50", description="Sensors"
        ).id
        values = {"description": "Snow", "probability": 3, "impact": 2, "status": "yellow"}
        risk_id = risks.add_risk(experiment, user, **values).id
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, experiment_id)
        risk = db.session.get(Risk, risk_id)
        risks.reassess_risk(experiment, risk, user, **{**values, "status": "red"})
    with signed_in(app, people["admin"]) as user:
        admin.change_account(
            user, db.session.get(User, people["other"]), role=Role.STAFF, active=True
        )
    return {
        "proposal": proposal_id,
        "experiment": experiment_id,
        "expense": expense_id,
        "risk": risk_id,
    }


def _text(html: str) -> str:
    """The page's text with its tags dropped and its spaces collapsed."""
    text = re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html)))
    return text.replace(" :", ":")


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select id="{name}".*?</select>', html, re.S)
    assert select, html
    return [re.sub(r"\s+", " ", o) for o in re.findall(r"<option[^>]*>([^<]*)<", select[0])]


def test_the_trail_speaks_english(client, auth, trail, people):
    auth.login("manager")
    page = client.get("/audit?lang=en")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Title: Snow-clearing robot for Tapiola → Salted pavements" in text
    assert "Amount (EUR): €1,234.50" in text
    assert "What was bought: Sensors" in text
    assert "Status: Yellow: needs attention → Red: critical" in text
    assert "Role: Applicant → City staff" in text
    assert f"Expense {trail['expense']}" in text and f"Risk {trail['risk']}" in text
    assert {"Created", "Changed"} <= set(re.findall(r"<td>(Created|Changed)</td>", page.text))
    # Raw names stay out of the page: no table names, no field codes.
    assert "requested_budget" not in page.text and "<code>" not in page.text
    kinds = _options(page.text, "object_type")
    assert {"Proposal", "Expense", "Risk", "Programme", "User", "Scorecard goal"} <= set(kinds)
    assert "API token" in kinds and "goal_follow_up" not in kinds


def test_the_trail_speaks_finnish(client, auth, trail):
    auth.login("manager")
    page = client.get("/audit?lang=fi")
    text = _text(page.text)
    assert "Otsikko: Snow-clearing robot for Tapiola → Salted pavements" in text
    assert "Summa (EUR): 1 234,50 €" in text.replace("\xa0", " ")
    assert "Tila: Keltainen: vaatii huomiota → Punainen: kriittinen" in text
    assert "Rooli: Hakija → Kaupungin henkilöstö" in text
    assert re.search(r"<td>Muutettu</td>", page.text)
    assert {"Ehdotus", "Kulu", "Riski", "Käyttäjä"} <= set(_options(page.text, "object_type"))


def test_a_person_is_chosen_by_name(client, auth, trail, people):
    auth.login("manager")
    page = client.get("/audit?lang=en")
    persons = _options(page.text, "actor_id")
    # Everyone who acted, by name; "Other" only had their role changed.
    assert persons[0] == "Everyone"
    assert {"Applicant", "Staff", "Admin"} <= set(persons) and "Other" not in persons
    assert f'<option value="{people["staff"]}">Staff</option>' in page.text
    staff = client.get(f"/audit?lang=en&actor_id={people['staff']}")
    assert f'<option value="{people["staff"]}" selected>Staff</option>' in staff.text
    whos = re.findall(r'<td><a href="/audit\?actor_id=\d+">([^<]+)</a></td>', staff.text)
    assert whos and set(whos) == {"Staff"}
    assert "Salted pavements" not in staff.text and "Sensors" in staff.text


def test_filtering_by_kind_and_by_days(client, auth, trail):
    auth.login("manager")
    expenses_only = _text(client.get("/audit?lang=en&object_type=expense").text)
    assert "1 entry" in expenses_only and "Sensors" in expenses_only
    assert "Salted pavements" not in expenses_only
    day = frozen_now().astimezone(UTC).date()  # the filter's days are UTC days
    during = _text(client.get(f"/audit?lang=en&since={day}&until={day}").text)
    assert "Salted pavements" in during
    before = day - timedelta(days=1)
    earlier = _text(client.get(f"/audit?lang=en&until={before}").text)
    assert "0 entries" in earlier and "No entries." in earlier
    later = _text(client.get(f"/audit?lang=en&since={day + timedelta(days=1)}").text)
    assert "0 entries" in later


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=someday", "Enter a date as year-month-day, e.g. 2025-03-31."),
        ("until=2026-02-30", "Enter a date as year-month-day, e.g. 2025-03-31."),
        ("since=2026-05-02&until=2026-05-01", "The last day is before the first day."),
        ("object_id=twelve", "Enter the object's number as a whole number, e.g. 12."),
        ("object_id=0", "Enter the object's number as a whole number, e.g. 12."),
        ("actor_id=x", "Choose a person from the list."),
        ("object_type=nothing", "Choose a kind of object from the list."),
    ],
)
def test_bad_filters_are_said_on_the_page(client, auth, query, message):
    auth.login("admin")
    for path in ("/audit", "/exports/audit.csv"):
        page = client.get(f"{path}?lang=en&{query}")
        assert page.status_code == 422
        assert message in _text(page.text) and "Please correct the following" in page.text


def test_a_bad_date_in_finnish(client, auth):
    auth.login("manager")
    page = client.get("/audit?lang=fi&since=eilen")
    assert page.status_code == 422
    assert "Anna päivämäärä muodossa vuosi-kuukausi-päivä, esim. 2025-03-31." in _text(page.text)
    assert 'value="eilen"' in page.text


def test_entries_link_to_the_pages_their_reader_may_see(client, auth, trail, people):
    auth.login("manager")
    page = client.get("/audit?lang=en").text
    assert f'href="/proposals/{trail["proposal"]}"' in page
    assert f'href="/pilots/{trail["experiment"]}#expenses">Expense {trail["expense"]}</a>' in page
    assert f'href="/pilots/{trail["experiment"]}#risks">Risk {trail["risk"]}</a>' in page
    assert f'href="/admin/users/{people["other"]}"' not in page  # the user page is the admins'
    auth.logout()
    auth.login("admin")
    page = client.get("/audit?lang=en").text
    assert f'href="/admin/users/{people["other"]}">User {people["other"]}</a>' in page
    assert "/pilots/" not in page and f'href="/proposals/{trail["proposal"]}"' not in page


def test_sign_ins_are_words_and_secrets_are_hidden(client, auth, people):
    auth.login("applicant", password="not the password")
    auth.login("applicant")
    auth.logout()
    auth.login("admin")
    path = f"/audit?lang=en&object_type=user&object_id={people['applicant']}"
    text = _text(client.get(path).text)
    rows = re.findall(r"<tr>(.*?)</tr>", client.get(path).text, re.S)
    cells = [_text(row).strip() for row in rows]
    assert any("Applicant Signed in User" in cell for cell in cells), cells
    assert any("System Failed sign-in User" in cell for cell in cells), cells
    assert any("Last sign-in:" in cell for cell in cells), cells
    assert "password_hash" not in text and "$argon2" not in text


def test_the_csv_in_the_readers_language(client, auth, trail):
    auth.login("manager")
    response = client.get("/exports/audit.csv?lang=en&labels=1&object_type=expense")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "Number",
        "When",
        "Person's number",
        "Who",
        "Action",
        "Object",
        "Object number",
        "Changes",
    ]
    assert rows[1][3:7] == ["Staff", "Created", "Expense", str(trail["expense"])]
    assert "Amount (EUR): €1,234.50" in rows[1][7] and "What was bought: Sensors" in rows[1][7]
    codes = client.get("/exports/audit.csv?object_type=expense").text.splitlines()
    assert codes[0] == "id,at,actor_id,actor,action,object_type,object_id,changes"


def test_the_pilot_page_shows_the_experiments_changes_to_staff(app, client, auth, people, trail):
    path = f"/pilots/{trail['experiment']}?lang=en"
    auth.login("staff")
    page = client.get(path)
    text = _text(page.text)
    assert '<details class="changes">' in page.text and "All changes" in text
    assert f"Created: Expense {trail['expense']} (Staff) Date:" in text  # its experiment: this page
    assert "Amount (EUR): €1,234.50 What was bought: Sensors" in text
    assert "Owner in the city: Staff" in text  # a person by name, not by number
    assert "Status: Yellow: needs attention → Red: critical" in text
    assert "Salted pavements" not in text  # another proposal's
    with signed_in(app, people["staff"]) as user:
        experiment = db.session.get(Experiment, trail["experiment"])
        expense = db.session.get(Expense, trail["expense"])
        corrections.remove_record(experiment, RecordKind.EXPENSE, expense, user)
    text = _text(client.get(path).text)  # a removed record's changes stay with its experiment
    assert f"Deleted: Expense {trail['expense']} (Staff) Date:" in text
    assert f"Created: Expense {trail['expense']} (Staff) Date:" in text
    auth.logout()
    auth.login("manager")
    trail_page = client.get("/audit?lang=en&object_type=expense").text
    expected = f'href="/pilots/{trail["experiment"]}#expenses">Expense {trail["expense"]}</a>'
    assert trail_page.count(expected) == 2
    auth.logout()
    auth.login("admin")
    assert client.get(path).status_code == 404
    # The pilot's own team sees its team page, without the city's record of changes.
    auth.logout()
    auth.login("applicant")
    team_page = client.get(path)
    assert team_page.status_code == 200
    assert "All changes" not in team_page.text and "Sensors" not in team_page.text


def test_the_programme_page_shows_its_calls_budgets_and_scorecard(
    app, client, auth, people, programme
):
    with signed_in(app, people["manager"]) as user:
        made = db.session.get(Programme, programme)
        start, end = scorecard.programme_period(made)
        goal = scorecard.create_goal(
            made,
            user,
            {
                "text_fi": "Ehdotuksia",
                "metric": "proposals",
                "target": "10",
                "period_start": start,
                "period_end": end,
            },
        )
        scorecard.add_follow_up(goal, user, {"date": start, "status": "yellow"})
        goal_id = goal.id
    auth.login("manager")
    page = client.get(f"/programmes/{programme}?lang=en")
    text = _text(page.text)
    assert "All changes" in text
    made = f"Created: Scorecard goal {goal_id} (Manager) Order: 1 Goal in Finnish: Ehdotuksia"
    assert made in text and "Target type: At least the target" in text
    assert f"Created: Goal follow-up 1 (Manager) Goal: {goal_id}" in text
    assert "Status: Yellow: needs attention" in text and "Metric: Proposals (left draft)" in text
    assert "Created: Budget year" in text and "Annual budget (EUR): €250,000.00" in text
    assert "Created: Call for proposals" in text
    assert f'href="/audit?object_type=programme&amp;object_id={programme}"' in page.text
    goals = client.get("/audit?lang=en&object_type=goal_follow_up").text
    assert f'href="/scorecards/{programme}">Goal follow-up 1</a>' in goals
    auth.logout()
    auth.login("staff")
    assert client.get(f"/programmes/{programme}").status_code == 403
    public = client.get(f"/scorecards/{programme}?lang=en").text
    assert "Ehdotuksia" in public and "All changes" not in public


def test_the_user_page_shows_roles_tokens_and_sign_ins_to_admins(client, auth, api, people):
    api.get("/me", "other")  # a token issued for the account
    auth.login("other")
    auth.logout()
    auth.login("admin")
    client.post(
        f"/admin/users/{people['other']}",
        data={"role": "staff", "active": "y", "csrf_token": ""},
    )
    text = _text(client.get(f"/admin/users/{people['other']}?lang=en").text)
    assert "All changes" in text and "Signed in (Other)" in text
    assert "Created: API token" in text and "Token: (hidden)" in text


def test_reviews_in_a_proposals_history_only_for_those_who_see_the_scores(
    app, client, auth, people, programme
):
    with app.app_context():
        proposal_id = builders.make_proposal(
            people["applicant"], programme, status=Status.SCREENING
        )
        second = builders.make_user(Role.STAFF, email="second@test.example", name="Second")
    with signed_in(app, second) as user:
        proposal = db.session.get(Proposal, proposal_id)
        reviews.save_review(proposal, user, dict.fromkeys(REVIEW_CRITERIA, 4), "Promising")
    auth.login("staff")  # not yet reviewed: the others' scores stay hidden
    text = _text(client.get(f"/proposals/{proposal_id}?lang=en").text)
    assert "All changes" in text and "Review" not in text.split("All changes", 1)[1]
    auth.logout()
    auth.login("manager")  # decides on the pilot: sees every review
    text = _text(client.get(f"/proposals/{proposal_id}?lang=en").text)
    assert "Created: Review" in text and "Comment: Promising" in text
    auth.logout()
    auth.login("applicant")
    assert "All changes" not in client.get(f"/proposals/{proposal_id}?lang=en").text


@pytest.mark.parametrize("who", [None, "applicant", "staff"])
def test_only_managers_and_admins_read_the_page(client, auth, who):
    if who is not None:
        auth.login(who)
    for path in ("/audit", "/exports/audit.csv?labels=1"):
        assert client.get(path).status_code == (302 if who is None else 403)


def _more_of_the_same(app, people, trail):
    """More entries of every kind the trail fixture made, by more people."""
    staff = [builders.make_user(Role.STAFF) for _ in range(3)]
    for person in staff:
        with signed_in(app, person) as user:
            experiment = db.session.get(Experiment, trail["experiment"])
            day = experiment.start_date + timedelta(days=4)
            expenses.record_expense(
                experiment, user, date=day.isoformat(), amount="10.00", description="Cables"
            )
            risk = db.session.get(Risk, trail["risk"])
            values = {"description": "Snow", "probability": 2, "impact": 2, "status": "green"}
            risks.reassess_risk(experiment, risk, user, **values)


@pytest.mark.parametrize("path", ["/audit", "/pilots/{experiment}"])
def test_the_trail_reads_in_a_fixed_number_of_statements(app, client, auth, people, trail, path):
    from tests.test_query_counts_pages import assert_same_count, statements_for

    path = path.format(**trail)
    auth.login("manager")
    small = statements_for(app, client, path)
    with app.app_context():
        _more_of_the_same(app, people, trail)
    large = statements_for(app, client, path)
    assert _text(client.get(path).text).count("What was bought: Cables") == 3
    assert_same_count(small, large)


def test_every_audited_kind_and_field_has_its_words(app):
    """A table or column added later is named in people's words too, not by its code (a
    derived column, which the trail never records, needs none)."""
    from experiments.audit import DERIVED
    from experiments.audit_labels import UNSHOWN, field_label, type_label
    from experiments.audit_trail import object_types
    from experiments.extensions import Model

    columns = {m.local_table.name: [a.key for a in m.column_attrs] for m in Model.registry.mappers}
    with app.test_request_context("/?lang=en"):
        unnamed = [kind for kind in object_types() if type_label(kind) == kind]
        unlabelled = [
            f"{kind}.{field}"
            for kind in object_types()
            for field in columns[kind]
            if field not in UNSHOWN
            and f"{kind}.{field}" not in DERIVED
            and field_label(kind, field) == field
        ]
    assert not unnamed and not unlabelled, (unnamed, unlabelled)
