"""Each role's home on /: what needs the signed-in person now, and only what they may see."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from experiments.extensions import db
from experiments.lifecycle import Role, Status
from experiments.models import Experiment, Proposal, Review, StatusChange, User
from experiments.models.types import utcnow
from tests import builders


def sections(html: str) -> list[str]:
    """The ids of the page's sections in order (their headings' ids)."""
    return re.findall(r'<h2 id="([\w-]+)"', html)


def section(html: str, heading_id: str) -> str:
    """The text of one section of the page, from its heading to the next section."""
    start = html.index(f'<h2 id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def moved(proposal_id, source, target, actor, *, days_ago=0, reason=None):
    db.session.add(
        StatusChange(
            proposal_id=proposal_id,
            from_status=source,
            to_status=target,
            actor_id=actor,
            at=utcnow() - timedelta(days=days_ago),
            reason=reason,
            language="en",
        )
    )
    db.session.commit()


def review(proposal_id, reviewer_id, score=4):
    db.session.add(
        Review(
            proposal_id=proposal_id,
            reviewer_id=reviewer_id,
            need=score,
            benefit=score,
            reusability=score,
            feasibility=score,
            cost_effectiveness=score,
        )
    )
    db.session.commit()


def test_anonymous_visitors_keep_the_public_home(client, people, programme):
    page = client.get("/")
    assert page.status_code == 200
    assert "Open calls for proposals" in page.text
    assert "Propose an experiment: register" in page.text


@pytest.mark.parametrize(
    "who, heading",
    [
        ("applicant", "Your proposals"),
        ("staff", "What waits for you"),
        ("manager", "Decisions and the programme"),
        ("admin", "Accounts and programmes"),
    ],
)
def test_signing_in_lands_on_the_own_home(client, auth, who, heading):
    response = auth.login(who)
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert re.search(r"<h1>\s*(.*?)\s*</h1>", page.text).group(1) == heading


def test_a_safe_next_still_wins_over_the_home(client, people):
    response = client.post(
        "/login?next=/proposals/mine",
        data={"email": "applicant@test.example", "password": builders.PASSWORD},
    )
    assert response.headers["Location"] == "/proposals/mine"
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": "applicant@test.example", "password": builders.PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_the_applicant_sees_the_city_question_first(app, client, auth, people, programme):
    with app.app_context():
        asked = builders.make_proposal(
            people["applicant"], programme, Status.MORE_INFO, title="Robot librarian"
        )
        moved(asked, Status.SUBMITTED, Status.SCREENING, people["staff"], days_ago=5)
        moved(
            asked,
            Status.SCREENING,
            Status.MORE_INFO,
            people["staff"],
            days_ago=2,
            reason="How many robots do you need?",
        )
        builders.make_proposal(people["applicant"], programme, title="Half-done idea")
        waiting = builders.make_proposal(
            people["applicant"], programme, Status.SCREENING, title="Bike repair"
        )
        moved(waiting, Status.SUBMITTED, Status.SCREENING, people["staff"], days_ago=3)
        builders.make_proposal(people["applicant"], programme, Status.PILOT, title="Snow robot")
        builders.make_proposal(people["applicant"], programme, Status.REJECTED, title="Old one")
        builders.make_proposal(people["other"], programme, Status.MORE_INFO, title="Not mine")
    auth.login("applicant")
    page = client.get("/").text

    assert sections(page)[0] == "questions-title"
    question = section(page, "questions-title")
    assert "Robot librarian" in question
    assert "How many robots do you need?" in question
    assert "City staff asked on" in question  # the role, not the person, as in the history
    assert "Staff" not in question
    assert f'href="/proposals/{asked}#moves-title"' in question
    assert "Half-done idea" in section(page, "drafts-title")
    assert "Continue editing" in section(page, "drafts-title")
    assert "Bike repair" in section(page, "waiting-title")
    assert "Waiting for 3 days" in section(page, "waiting-title")
    assert "Snow robot" in section(page, "pilots-title")
    assert "1 closed proposal: see all your proposals" in page
    assert "Not mine" not in page
    assert 'href="/proposals/new"' in page


def test_an_applicant_without_proposals_is_shown_the_way_in(client, auth, programme):
    auth.login("applicant")
    page = client.get("/").text
    assert "questions-title" not in sections(page)
    assert "No drafts." in page
    assert "Propose an experiment" in page
    assert "Propose to this call" in page


def test_staff_see_what_waits_on_them(app, client, auth, people, programme):
    with app.app_context():
        new = builders.make_proposal(
            people["applicant"], programme, Status.SUBMITTED, title="New one"
        )
        answered = builders.make_proposal(
            people["applicant"], programme, Status.SUBMITTED, title="Answered one"
        )
        moved(answered, Status.SCREENING, Status.MORE_INFO, people["staff"], days_ago=4)
        moved(answered, Status.MORE_INFO, Status.SUBMITTED, people["applicant"], days_ago=1)
        reviewed = builders.make_proposal(
            people["applicant"], programme, Status.SCREENING, title="Reviewed one"
        )
        review(reviewed, people["staff"])
        late = builders.make_proposal(
            people["applicant"],
            programme,
            Status.PILOT,
            experiment_owner_id=people["staff"],
            title="Late pilot",
        )
        experiment = db.session.get(Proposal, late).experiment
        experiment.planned_end_date = date.today() - timedelta(days=3)
        experiment.start_date = date.today() - timedelta(days=200)
        db.session.commit()
        builders.make_proposal(
            people["applicant"], programme, Status.PILOT, title="Someone else's pilot"
        )
        ended = builders.make_proposal(
            people["applicant"],
            programme,
            Status.EVALUATION,
            experiment_owner_id=people["staff"],
            title="Ended pilot",
        )
        ended_experiment = db.session.get(Proposal, ended).experiment.id
    auth.login("staff")
    page = client.get("/").text

    assert sections(page)[0] == "answered-title"
    answers = section(page, "answered-title")
    assert "Answered one" in answers and "Answered" in answers
    assert "New one" not in answers
    to_review = section(page, "review-title")
    assert "New one" in to_review and "Answered one" in to_review
    assert "Reviewed one" not in to_review
    # The answered proposal is marked as answered, not as new.
    item = re.search(r"Answered one.*?</li>", to_review, re.S).group(0)
    assert "tag-answered" in item and "tag-new" not in item
    item = re.search(r"New one.*?</li>", to_review, re.S).group(0)
    assert "tag-new" in item
    assert "Reviewed one" in section(page, "reviewed-title")
    pilots = section(page, "pilots-title")
    assert "Late pilot" in pilots and "3 days past its planned end" in pilots
    assert "Nothing recorded yet" in pilots
    assert "Someone else" not in pilots
    evaluations = section(page, "evaluations-title")
    assert "Ended pilot" in evaluations
    assert f'href="/pilots/{ended_experiment}/evaluation"' in evaluations
    assert str(new) in to_review


def test_waiting_longest_comes_first(app, client, auth, people, programme):
    with app.app_context():
        recent = builders.make_proposal(
            people["applicant"], programme, Status.SUBMITTED, title="Recent"
        )
        older = builders.make_proposal(
            people["applicant"], programme, Status.SUBMITTED, title="Older"
        )
        db.session.get(Proposal, older).submitted_at = utcnow() - timedelta(days=9)
        db.session.get(Proposal, recent).submitted_at = utcnow() - timedelta(days=2)
        db.session.commit()
    auth.login("staff")
    to_review = section(client.get("/").text, "review-title")
    assert to_review.index("Older") < to_review.index("Recent")
    assert "Waiting for 9 days" in to_review


def test_the_manager_sees_decisions_budget_and_overdue_pilots(app, client, auth, people, programme):
    year = date.today().year
    with app.app_context():
        ready = builders.make_proposal(
            people["applicant"], programme, Status.SCREENING, title="Ready"
        )
        review(ready, people["staff"], score=5)
        builders.make_proposal(people["applicant"], programme, Status.SCREENING, title="Unreviewed")
        evaluated = builders.make_proposal(
            people["applicant"], programme, Status.EVALUATION, title="Evaluated"
        )
        builders.make_evaluation(evaluated, people["staff"])
        builders.make_proposal(people["applicant"], programme, Status.EVALUATION, title="No report")
        pilot = builders.make_proposal(
            people["applicant"], programme, Status.PILOT, title="Overdue pilot"
        )
        experiment = db.session.get(Proposal, pilot).experiment
        experiment.start_date = date(year, 1, 1)
        experiment.planned_end_date = date.today() - timedelta(days=1)
        if experiment.planned_end_date <= experiment.start_date:  # on 1 January
            experiment.start_date = experiment.planned_end_date - timedelta(days=30)
        experiment.allocated_budget = Decimal("12000.00")
        db.session.commit()
        allocated = db.session.scalar(
            db.select(db.func.sum(Experiment.allocated_budget)).where(
                Experiment.start_date >= date(year, 1, 1)
            )
        )
    auth.login("manager")
    page = client.get("/").text

    pilot_decisions = section(page, "pilot-decisions-title")
    assert "Ready" in pilot_decisions and "Average score 5" in pilot_decisions
    assert "Unreviewed" not in pilot_decisions
    outcome = section(page, "outcome-decisions-title")
    assert "Evaluated" in outcome and "The evaluation recommends: Adopt" in outcome
    # Each decision opens at its form, not at the top of a long page.
    assert f'href="/proposals/{ready}#moves-title"' in pilot_decisions
    assert f'href="/proposals/{evaluated}#moves-title"' in outcome
    assert "No report" not in outcome
    budget = section(page, "budget-title")
    assert f"Budget {year}" in budget
    assert "€250,000.00" in budget
    assert f"€{allocated:,.2f}" in budget
    assert f"€{Decimal('250000.00') - allocated:,.2f}" in budget
    assert "Overdue pilot" in section(page, "overdue-title")
    assert 'href="/exports/"' in page and 'href="/scorecards"' in page


def test_exports_are_in_the_managers_menu_only(client, auth):
    def menu(html):
        return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)

    auth.login("manager")
    assert 'href="/exports/"' in menu(client.get("/statistics").text)
    auth.logout()
    auth.login("staff")
    assert 'href="/exports/"' not in menu(client.get("/statistics").text)


def test_the_admin_sees_accounts_changes_and_programmes(app, client, auth, people, programme):
    with app.app_context():
        gone = builders.make_user(Role.APPLICANT, email="gone@test.example")
        db.session.get(User, gone).password_hash = "!gone"
        db.session.commit()
    auth.login("admin")
    client.post(f"/admin/users/{people['staff']}", data={"role": "manager", "active": "y"})
    page = client.get("/").text

    accounts = section(page, "accounts-title")
    assert "6 accounts" in accounts
    assert "Applicant: 3" in accounts
    assert "1 account without a password" in accounts
    changes = section(page, "changes-title")
    assert "Staff" in changes and "role City staff → Programme manager" in changes
    assert "by Admin" in changes
    assert "Programme " in section(page, "programmes-title")
    assert "1 open call" in section(page, "programmes-title")


def test_homes_show_nothing_of_other_roles(app, client, auth, people, programme):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, Status.SUBMITTED, title="Queue item")
    auth.login("applicant")
    assert "Queue item" in client.get("/").text  # their own
    auth.logout()
    auth.login("other")
    assert "Queue item" not in client.get("/").text
    auth.logout()
    auth.login("admin")
    assert "Queue item" not in client.get("/").text


def _grow(people, programme, n: int) -> None:
    """Proposals in every state a home lists, with history, reviews and evaluations."""
    for _ in range(n):
        for status in (Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.MORE_INFO):
            proposal_id = builders.make_proposal(people["applicant"], programme, status)
            moved(proposal_id, Status.SUBMITTED, status, people["staff"], reason="Why?")
            review(proposal_id, people["manager"])
        for status in (Status.PILOT, Status.EVALUATION):
            proposal_id = builders.make_proposal(
                people["applicant"], programme, status, experiment_owner_id=people["staff"]
            )
            builders.make_evaluation(proposal_id, people["staff"])
    builders.make_user()


@pytest.mark.parametrize("who", ["applicant", "staff", "manager", "admin"])
def test_each_home_takes_the_same_statements_however_much_it_lists(
    app, client, auth, people, programme, who
):
    from tests.test_query_counts_pages import assert_same_count, statements_for

    with app.app_context():
        _grow(people, programme, 1)
    auth.login(who)
    small = statements_for(app, client, "/")
    with app.app_context():
        _grow(people, programme, 4)
    assert_same_count(small, statements_for(app, client, "/"))


def test_a_question_without_its_history_is_still_listed(app, client, auth, people, programme):
    with app.app_context():
        builders.make_proposal(people["applicant"], programme, Status.MORE_INFO, title="Imported")
    auth.login("applicant")
    page = client.get("/").text
    assert "Imported" in section(page, "questions-title")
    assert "asked on" not in section(page, "questions-title")


def _late_pilots(people, programme, n: int, owner: str, title: str) -> None:
    """n running pilots of this owner, each a day later than the one before."""
    for k in range(n):
        proposal_id = builders.make_proposal(
            people["applicant"],
            programme,
            Status.PILOT,
            experiment_owner_id=people[owner],
            title=f"{title} {k:02d}",
        )
        experiment = db.session.get(Proposal, proposal_id).experiment
        experiment.start_date = date.today() - timedelta(days=300)
        experiment.planned_end_date = date.today() - timedelta(days=60 - k)
    db.session.commit()


def test_a_home_shows_the_first_of_a_long_list_and_how_many_there_are(
    app, client, auth, people, programme
):
    """However many pilots are late, a home lists the ten latest-due and counts them all:
    the rest are in the pilots list, one link away."""
    with app.app_context():
        _late_pilots(people, programme, 12, "staff", "Late")
        for k in range(12):
            builders.make_proposal(
                people["applicant"],
                programme,
                Status.EVALUATION,
                experiment_owner_id=people["staff"],
                title=f"Ended {k:02d}",
            )
    auth.login("staff")
    page = client.get("/").text

    pilots = section(page, "pilots-title")
    assert pilots.count('class="task"') == 10
    assert "Late 00" in pilots and "Late 09" in pilots and "Late 10" not in pilots
    assert "(12)" in pilots  # the section's count is of them all
    assert 'href="/pilots?sort=planned_end"' in pilots
    evaluations = section(page, "evaluations-title")
    assert evaluations.count('class="task"') == 10 and "(12)" in evaluations
    assert 'href="/pilots?sort=planned_end"' in evaluations

    auth.login("manager")
    overdue = section(client.get("/").text, "overdue-title")
    assert overdue.count('class="task"') == 10 and "(12)" in overdue
    assert 'href="/pilots?sort=planned_end"' in overdue


def test_a_home_is_never_stale_after_a_change(app, client, auth, people, programme):
    """The home's lists are kept per data generation: the next change shows at once."""
    auth.login("staff")
    assert "Fresh pilot" not in client.get("/").text
    with app.app_context():
        _late_pilots(people, programme, 1, "staff", "Fresh pilot")
    assert "Fresh pilot 00" in section(client.get("/").text, "pilots-title")
