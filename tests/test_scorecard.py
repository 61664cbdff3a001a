"""The programme scorecard: goals measured with the statistics, follow-ups, risks, export."""

from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from experiments.errors import Invalid, NotAllowed
from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import (
    AuditEntry,
    Expense,
    Experiment,
    ExperimentPartner,
    GoalFollowUp,
    Organisation,
    Participation,
    Programme,
    ProgrammeGoal,
    ProgrammeRisk,
    Proposal,
    User,
)
from experiments.models.scorecard import GoalDirection
from experiments.scorecard import METRICS, programme_scorecard, progress
from experiments.services import scorecard as service
from experiments.statistics import as_figure, programme_statistics
from tests import builders

YEAR = date.today().year

# Each metric code with the statistic it must show, written out independently of the registry.
EXPECTED = {
    "proposals": lambda s: s.proposals,
    "screened": lambda s: s.screened,
    "carried_out": lambda s: s.carried_out,
    "awaiting_screening": lambda s: s.submitted,
    "in_screening": lambda s: s.in_screening,
    "awaiting_answer": lambda s: s.more_info,
    "running": lambda s: s.running,
    "in_evaluation": lambda s: s.in_evaluation,
    "evaluated": lambda s: s.evaluated,
    "adopted": lambda s: s.adopted,
    "discontinued": lambda s: s.discontinued,
    "rejected": lambda s: s.rejected,
    "withdrawn": lambda s: s.withdrawn,
    "conversion": lambda s: Decimal(str(s.conversion)) * 100,
    "residents_customers": lambda s: s.participants["residents_customers"],
    "companies_communities": lambda s: s.participants["companies_communities"],
    "employees": lambda s: s.participants["employees"],
    "partner_organisations": lambda s: s.partner_organisations,
    "overspent_pilots": lambda s: len(s.overspent_pilots),
    "budget_annual": lambda s: sum(b.annual for b in s.budget),
    "budget_allocated": lambda s: sum(b.allocated for b in s.budget),
    "budget_spent": lambda s: sum(b.spent for b in s.budget),
    "budget_allocated_share": lambda s: (
        sum(b.allocated for b in s.budget) / sum(b.annual for b in s.budget) * 100
    ),
    "budget_largest_year_share": lambda s: max(b.allocated / b.annual * 100 for b in s.budget),
    "median_days_to_screening_decision": lambda s: s.median_days_to_screening_decision,
    "median_experiment_days": lambda s: s.median_experiment_days,
}


class Rows(HTMLParser):
    """The data-value cells of each goal row and trend table of a scorecard page."""

    def __init__(self, text: str):
        super().__init__()
        self.goals: dict[int, list[str]] = {}
        self.trends: dict[int, list[str]] = {}
        self._goal = self._trend = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-goal" in attrs:
            self._goal = int(attrs["data-goal"])
            self.goals[self._goal] = []
        elif tag == "table" and (attrs.get("id") or "").startswith("trend-"):
            self._trend = int(attrs["id"].removeprefix("trend-"))
            self.trends[self._trend] = []
        elif tag == "td" and "data-value" in attrs:
            if self._goal is not None:
                self.goals[self._goal].append(attrs["data-value"])
            elif self._trend is not None:
                self.trends[self._trend].append(attrs["data-value"])

    def handle_endtag(self, tag):
        if tag == "tr":
            self._goal = None
        elif tag == "table":
            self._trend = None


def _add_records(
    proposal_id: int,
    residents: int = 0,
    employees: int = 0,
    partner: str | None = None,
    expense: str | None = None,
) -> None:
    experiment = db.session.scalar(select(Experiment).where(Experiment.proposal_id == proposal_id))
    on = experiment.start_date + timedelta(days=10)
    if residents:
        db.session.add(
            Participation(
                experiment_id=experiment.id,
                date=on,
                category="residents_customers",
                count=residents,
            )
        )
    if employees:
        db.session.add(
            Participation(
                experiment_id=experiment.id, date=on, category="employees", count=employees
            )
        )
    if partner:
        organisation = Organisation(name=partner, type="community")
        db.session.add(
            ExperimentPartner(experiment=experiment, organisation=organisation, role="partner")
        )
    if expense:
        db.session.add(
            Expense(
                experiment_id=experiment.id,
                date=on,
                amount=Decimal(expense),
                description="Materials",
            )
        )
    db.session.commit()


@pytest.fixture
def dataset(app, people, programme):
    """A programme with proposals in several states, participants, partners and expenses."""
    with app.app_context():
        owner = people["applicant"]
        made = {}
        for status in (
            Status.DRAFT,
            Status.SUBMITTED,
            Status.SCREENING,
            Status.REJECTED,
            Status.PILOT,
            Status.EVALUATION,
            Status.ADOPTED,
            Status.DISCONTINUED,
        ):
            made[status] = builders.make_proposal(owner, programme, status=status)
        _add_records(
            made[Status.PILOT], residents=120, employees=4, partner="Kylätalo ry", expense="1200.50"
        )
        _add_records(made[Status.ADOPTED], residents=80, employees=2, partner="Koulu ry")
        return {"programme": programme, "owner": owner, **made}


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.email == f"{name}@test.example"))


def _goal(programme_id: int, metric: str, target="10", **values) -> int:
    programme = db.session.get(Programme, programme_id)
    start, end = service.programme_period(programme)
    data = {
        "text_fi": f"Tavoite {metric}",
        "metric": metric,
        "target": target,
        "period_start": start,
        "period_end": end,
        **values,
    }
    return service.create_goal(programme, _user("manager"), data).id


def _goal_form(programme_id, **overrides):
    data = {
        "text_fi": "Ehdotuksia kertyy",
        "text_sv": "",
        "text_en": "Proposals come in",
        "metric": "proposals",
        "direction": "at_least",
        "target": "150",
        "unit": "",
        "period_start": f"{YEAR - 1}-01-01",
        "period_end": f"{YEAR + 1}-12-31",
    }
    data.update(overrides)
    return data


# Computed actuals.


def test_every_computed_actual_equals_the_statistics(app, client, dataset):
    pid = dataset["programme"]
    with app.app_context():
        goals = {metric.name: _goal(pid, metric.name) for metric in METRICS}
        stats = programme_statistics(pid)
        expected = {code: as_figure(EXPECTED[code](stats)) for code in goals}
    assert set(EXPECTED) == {metric.name for metric in METRICS}
    # The dataset exercises the figures, so equality means something.
    assert expected["proposals"] == Decimal("7.00")
    assert expected["carried_out"] == Decimal("4.00")
    assert expected["residents_customers"] == Decimal("200.00")
    assert expected["partner_organisations"] == Decimal("2.00")
    assert expected["budget_spent"] == Decimal("1200.50")

    rows = Rows(client.get(f"/scorecards/{pid}").text).goals
    for code, goal_id in goals.items():
        actual = rows[goal_id][1]
        assert (Decimal(actual) if actual else None) == expected[code], code


def test_a_goal_within_one_year_is_measured_with_that_years_statistics(app, client, dataset):
    pid = dataset["programme"]
    with app.app_context():
        old = builders.make_proposal(dataset["owner"], pid, status=Status.SUBMITTED)
        # Last year, whatever today is (a year back from 29 February is no date).
        proposal = db.session.get(Proposal, old)
        submitted = proposal.submitted_at
        proposal.submitted_at = submitted.replace(year=YEAR - 1, day=min(submitted.day, 28))
        db.session.commit()
        whole = _goal(pid, "proposals")
        this_year = _goal(
            pid, "proposals", period_start=date(YEAR, 1, 1), period_end=date(YEAR, 12, 31)
        )
        expected_whole = programme_statistics(pid).proposals
        expected_year = programme_statistics(pid, year=YEAR).proposals
    assert expected_whole == expected_year + 1
    rows = Rows(client.get(f"/scorecards/{pid}").text).goals
    assert Decimal(rows[whole][1]) == expected_whole
    assert Decimal(rows[this_year][1]) == expected_year


def test_progress_in_both_directions():
    assert progress(Decimal("75"), Decimal("150"), GoalDirection.AT_LEAST) == 50
    assert progress(Decimal("300"), Decimal("150"), GoalDirection.AT_LEAST) == 200
    assert progress(Decimal("20"), Decimal("30"), GoalDirection.AT_MOST) == 100
    assert progress(Decimal("60"), Decimal("30"), GoalDirection.AT_MOST) == 50
    assert progress(Decimal("0"), Decimal("0"), GoalDirection.AT_LEAST) == 100
    assert progress(None, Decimal("10"), GoalDirection.AT_LEAST) is None


# Follow-ups.


def test_a_follow_up_snapshot_stays_when_later_records_change(app, client, auth, dataset):
    pid = dataset["programme"]
    with app.app_context():
        goal = _goal(pid, "proposals", target="14")
        residents = _goal(pid, "residents_customers", target="400")
    auth.login("manager")
    today = date.today().isoformat()
    for goal_id in (goal, residents):
        response = client.post(
            f"/scorecards/{pid}/goals/{goal_id}/follow-ups/new",
            data={"date": today, "status": "yellow", "comment": "Halfway there."},
        )
        assert response.status_code == 302, response.text

    with app.app_context():
        builders.make_proposal(dataset["owner"], pid, status=Status.SUBMITTED)
        _add_records(dataset[Status.EVALUATION], residents=33)
        db.session.get(ProgrammeGoal, goal).target = Decimal("20")
        db.session.commit()
        snapshot = db.session.execute(
            select(GoalFollowUp.goal_id, GoalFollowUp.value, GoalFollowUp.target).order_by(
                GoalFollowUp.goal_id
            )
        ).all()
        now = programme_statistics(pid)
    assert [tuple(row) for row in snapshot] == [
        (goal, Decimal("7.00"), Decimal("14.00")),
        (residents, Decimal("200.00"), Decimal("400.00")),
    ]
    assert (now.proposals, now.participants["residents_customers"]) == (8, 233)

    page = Rows(client.get(f"/scorecards/{pid}").text)
    assert Decimal(page.goals[goal][1]) == 8  # the live actual moved on
    assert Decimal(page.trends[goal][0]) == 7  # the follow-up did not
    assert Decimal(page.trends[residents][0]) == 200


def test_a_manual_goal_takes_its_value_from_the_latest_follow_up(
    app, client, auth, programme, people
):
    with app.app_context():
        goal = _goal(programme, "manual", target="4", unit="/ 5")
    auth.login("manager")
    url = f"/scorecards/{programme}/goals/{goal}/follow-ups/new"
    response = client.post(
        url, data={"date": (date.today() - timedelta(days=3)).isoformat(), "status": "green"}
    )
    assert response.status_code == 422
    assert "This is required." in response.text
    for days, value in ((2, "3,5"), (1, "4.2")):
        response = client.post(
            url,
            data={
                "date": (date.today() - timedelta(days=days)).isoformat(),
                "value": value,
                "status": "green",
                "comment": "Survey",
            },
        )
        assert response.status_code == 302, response.text
    rows = Rows(client.get(f"/scorecards/{programme}").text)
    assert rows.goals[goal][1:] == ["4.20", "105"]
    assert rows.trends[goal] == ["3.50", "4.20"]


# Permissions.


@pytest.fixture
def card(app, dataset):
    """A scorecard with one goal, one follow-up with a comment, and one risk."""
    pid = dataset["programme"]
    with app.app_context():
        goal = _goal(pid, "proposals", target="150")
        service.add_follow_up(
            db.session.get(ProgrammeGoal, goal),
            _user("manager"),
            {"date": date.today(), "status": "yellow", "comment": "Secret steering remark"},
        )
        programme = db.session.get(Programme, pid)
        risk = service.create_risk(
            programme,
            _user("manager"),
            {
                "description": "Partners lose interest",
                "probability": 3,
                "impact": 4,
                "mitigation": "Monthly partner meetings",
                "owner": "Programme manager",
                "status": "yellow",
            },
        ).id
    return {"programme": pid, "goal": goal, "risk": risk}


def test_the_public_sees_goals_and_latest_status_but_no_comments_or_risks(client, card):
    page = client.get(f"/scorecards/{card['programme']}")
    assert page.status_code == 200
    assert "Tavoite proposals" in page.text  # no English text: the Finnish one
    assert "Yellow: needs attention" in page.text
    assert "Secret steering remark" not in page.text
    assert "Partners lose interest" not in page.text
    assert 'href="/static/css/print.css" media="print"' in page.text


@pytest.mark.parametrize("who", ["staff", "manager"])
def test_staff_and_managers_see_comments_and_risks(client, auth, card, who):
    auth.login(who)
    page = client.get(f"/scorecards/{card['programme']}").text
    assert "Secret steering remark" in page
    assert "Partners lose interest" in page
    assert "High (12)" in page and "High: Score 12" in page  # 3 × 4, said in words
    assert ("Add a follow-up" in page) == (who == "manager")


def _manager_routes(card):
    p, g, r = card["programme"], card["goal"], card["risk"]
    return [
        ("get", f"/scorecards/{p}/goals/new"),
        ("post", f"/scorecards/{p}/goals/new"),
        ("get", f"/scorecards/{p}/goals/{g}/edit"),
        ("post", f"/scorecards/{p}/goals/{g}/edit"),
        ("post", f"/scorecards/{p}/goals/{g}/delete"),
        ("get", f"/scorecards/{p}/goals/{g}/follow-ups/new"),
        ("post", f"/scorecards/{p}/goals/{g}/follow-ups/new"),
        ("get", f"/scorecards/{p}/risks/new"),
        ("post", f"/scorecards/{p}/risks/new"),
        ("get", f"/scorecards/{p}/risks/{r}/edit"),
        ("post", f"/scorecards/{p}/risks/{r}/edit"),
        ("post", f"/scorecards/{p}/risks/{r}/delete"),
    ]


@pytest.mark.parametrize(
    "who, expected",
    [
        (None, 302),
        ("applicant", 403),
        ("staff", 403),
        ("admin", 403),
    ],
)
def test_only_managers_edit_the_scorecard(app, client, auth, card, who, expected):
    if who:
        auth.login(who)
    for method, url in _manager_routes(card):
        response = getattr(client, method)(url, data={})
        assert response.status_code == expected, (method, url)
        if expected == 302:
            assert "/login" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(ProgrammeGoal.id))) == 1
        assert db.session.scalar(select(func.count(ProgrammeRisk.id))) == 1
        assert db.session.scalar(select(func.count(GoalFollowUp.id))) == 1


def test_managers_open_every_form(client, auth, card):
    auth.login("manager")
    for method, url in _manager_routes(card):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who, expected",
    [
        (None, 302),
        ("applicant", 403),
        ("admin", 403),
        ("staff", 200),
        ("manager", 200),
    ],
)
def test_the_export_is_for_staff_and_managers(client, auth, card, who, expected):
    if who:
        auth.login(who)
    assert client.get(f"/scorecards/{card['programme']}/scorecard.xlsx").status_code == expected


def test_missing_or_foreign_records_are_404(app, client, auth, card):
    with app.app_context():
        other = builders.make_programme()
    auth.login("manager")
    p, g, r = card["programme"], card["goal"], card["risk"]
    for url in (
        f"/scorecards/{p + 1000}",
        f"/scorecards/{other}/goals/{g}/edit",
        f"/scorecards/{other}/risks/{r}/edit",
        f"/scorecards/{p}/goals/999/edit",
        f"/scorecards/{other}/goals/{g}/follow-ups/new",
    ):
        assert client.get(url).status_code == 404, url


def test_the_service_refuses_everyone_but_managers(app, card):
    with app.app_context():
        programme = db.session.get(Programme, card["programme"])
        with pytest.raises(NotAllowed):
            service.create_risk(programme, _user("staff"), {})


# Managing goals and risks.


def test_a_manager_defines_edits_and_removes_a_goal(app, client, auth, programme):
    auth.login("manager")
    form = client.get(f"/scorecards/{programme}/goals/new")
    assert f'value="{YEAR - 1}-01-01"' in form.text  # the programme's period by default
    response = client.post(f"/scorecards/{programme}/goals/new", data=_goal_form(programme))
    assert response.status_code == 302
    with app.app_context():
        goal = db.session.scalar(select(ProgrammeGoal))
        assert (goal.text_fi, goal.metric, goal.target) == (
            "Ehdotuksia kertyy",
            "proposals",
            Decimal("150.00"),
        )
        goal_id = goal.id
    response = client.post(
        f"/scorecards/{programme}/goals/{goal_id}/edit",
        data=_goal_form(programme, target="160", text_sv="Förslag"),
    )
    assert response.status_code == 302
    assert "Förslag" in client.get(f"/scorecards/{programme}?lang=sv").text
    assert "Ehdotuksia kertyy" in client.get(f"/scorecards/{programme}?lang=fi").text
    assert "Proposals come in" in client.get(f"/scorecards/{programme}?lang=en").text
    delete = f"/scorecards/{programme}/goals/{goal_id}/delete"
    page = client.post(delete)  # the confirmation page: nothing removed yet
    assert page.status_code == 200
    assert "This cannot be undone." in page.text
    assert "The goal is retired: it leaves the scorecard and its export." in page.text
    assert "Retire the goal" in page.text
    assert 'name="confirmed" type="hidden" value="yes"' in page.text
    with app.app_context():
        assert db.session.scalar(select(ProgrammeGoal.retired_at)) is None
    assert client.post(delete, data={"confirmed": "yes"}).status_code == 303
    with app.app_context():  # kept, retired
        assert db.session.scalar(select(func.count(ProgrammeGoal.id))) == 1
        assert db.session.scalar(select(ProgrammeGoal.retired_at)) is not None
    assert "Proposals come in" not in client.get(f"/scorecards/{programme}?lang=en").text
    book = load_workbook(BytesIO(client.get(f"/scorecards/{programme}/scorecard.xlsx").data))
    cells = str([list(r) for r in book["Goals"].values])
    assert "Proposals come in" not in cells and "Ehdotuksia kertyy" not in cells
    assert client.get(f"/scorecards/{programme}/goals/{goal_id}/edit").status_code == 404


def test_a_manager_records_and_reassesses_a_risk(app, client, auth, programme):
    auth.login("manager")
    response = client.post(
        f"/scorecards/{programme}/risks/new",
        data={
            "description": "Budget cut",
            "probability": "2",
            "impact": "4",
            "mitigation": "Plan B",
            "owner": "Director",
            "status": "green",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        risk_id = db.session.scalar(select(ProgrammeRisk.id))
    response = client.post(
        f"/scorecards/{programme}/risks/{risk_id}/edit",
        data={
            "description": "Budget cut",
            "probability": "4",
            "impact": "4",
            "mitigation": "Plan B",
            "owner": "Director",
            "status": "red",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        risk = db.session.get(ProgrammeRisk, risk_id)
        assert (risk.probability, risk.impact, risk.status, risk.score) == (4, 4, "red", 16)
    page = client.get(f"/scorecards/{programme}").text
    assert '<a href="#risk-1">Risk 1</a>: <span class="traffic traffic-red">' in page
    assert "Red: critical" in page
    # The first assessment stays, as the risk's trend; the current one is the row's values.
    assert "Earlier assessments:" in page and "2 × 4 = 8" in unescape(page)
    with app.app_context():
        versions = db.session.get(ProgrammeRisk, risk_id).assessments
        assert [(v.probability, v.status) for v in versions] == [(2, "green"), (4, "red")]
    delete = f"/scorecards/{programme}/risks/{risk_id}/delete"
    page = client.post(delete)  # the confirmation page: nothing removed yet
    assert page.status_code == 200
    assert "This cannot be undone." in page.text and "Budget cut" in page.text
    with app.app_context():
        assert db.session.get(ProgrammeRisk, risk_id) is not None
    assert client.post(delete, data={"confirmed": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.get(ProgrammeRisk, risk_id) is None
        # Its assessments go with it; the trail keeps what each said.
        gone = db.session.scalars(
            select(AuditEntry.changes).where(
                AuditEntry.object_type == "risk_assessment", AuditEntry.action == "deleted"
            )
        ).all()
        assert sorted(c["status"][0] for c in gone) == ["green", "red"]


# Bad input.


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"target": "lots"}, "Enter the target as a number, e.g. 150 or 12.5."),
        ({"target": ""}, "Enter the target."),
        ({"target": "-5"}, "Enter a number that is zero or more."),
        ({"target": "1.005"}, "Use at most two decimals."),
        ({"metric": "happiness"}, "Unknown metric “happiness”: choose one from the list."),
        ({"text_fi": ""}, "This field is required."),
        ({"text_sv": "t" * 501}, "At most 500 characters."),
        ({"unit": "u" * 41}, "At most 40 characters."),
        ({"target": "1000000000000"}, "Enter a number that is zero or more."),
        (
            {"period_start": f"{YEAR + 1}-06-01", "period_end": f"{YEAR + 1}-01-01"},
            "The period must end on or after its start.",
        ),
        (
            {"period_start": f"{YEAR - 5}-01-01"},
            f"The period must lie within the programme's years {YEAR - 1}–{YEAR + 1}.",
        ),
        ({"period_end": "someday"}, "Not a valid date value."),
    ],
)
def test_a_bad_goal_is_refused_and_nothing_saved(app, client, auth, programme, overrides, message):
    auth.login("manager")
    response = client.post(
        f"/scorecards/{programme}/goals/new", data=_goal_form(programme, **overrides)
    )
    assert response.status_code == 422
    assert message in unescape(response.text)
    assert 'class="error-summary"' in response.text
    with app.app_context():
        assert _count(ProgrammeGoal) == 0


def test_the_service_refuses_an_unknown_metric_and_a_non_number(app, programme, people):
    with app.app_context():
        with pytest.raises(Invalid) as error:
            _goal(programme, "happiness", target="many")
        assert set(error.value.errors) == {"metric", "target"}
        assert _count(ProgrammeGoal) == 0


def test_the_service_refuses_odd_types_without_crashing(app, programme, people):
    with app.app_context():
        with pytest.raises(Invalid) as error:
            _goal(programme, ["proposals"], target=float("nan"))
        assert set(error.value.errors) == {"metric", "target"}
        with pytest.raises(Invalid) as error:
            service.create_risk(
                db.session.get(Programme, programme),
                _user("manager"),
                {"description": "x", "probability": 2.7, "impact": "2.5", "status": "green"},
            )
        assert set(error.value.errors) == {"probability", "impact"}
        assert _count(ProgrammeGoal) == _count(ProgrammeRisk) == 0


@pytest.mark.parametrize(
    "when, message",
    [
        (date(YEAR - 2, 12, 31), "The date must lie within the goal's period"),
        (date.today() + timedelta(days=1), "A follow-up cannot be dated in the future."),
    ],
)
def test_a_follow_up_outside_the_period_is_refused(
    app, client, auth, programme, people, when, message
):
    with app.app_context():
        goal = _goal(
            programme,
            "proposals",
            period_start=date(YEAR - 1, 1, 1),
            period_end=date(YEAR + 1, 12, 31),
        )
    auth.login("manager")
    response = client.post(
        f"/scorecards/{programme}/goals/{goal}/follow-ups/new",
        data={"date": when.isoformat(), "status": "green"},
    )
    assert response.status_code == 422
    assert message in unescape(response.text)
    with app.app_context():
        assert _count(GoalFollowUp) == 0


def test_a_second_follow_up_on_the_same_date_and_bad_status_are_refused(app, client, auth, card):
    auth.login("manager")
    url = f"/scorecards/{card['programme']}/goals/{card['goal']}/follow-ups/new"
    response = client.post(url, data={"date": date.today().isoformat(), "status": "green"})
    assert response.status_code == 422
    assert "already has a follow-up on this date" in response.text
    response = client.post(
        url, data={"date": (date.today() - timedelta(days=1)).isoformat(), "status": "purple"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert _count(GoalFollowUp) == 1


def test_a_goal_with_follow_ups_keeps_its_metric_and_period(app, client, auth, card):
    auth.login("manager")
    url = f"/scorecards/{card['programme']}/goals/{card['goal']}/edit"
    response = client.post(url, data=_goal_form(card["programme"], metric="adopted"))
    assert response.status_code == 422
    assert "its metric can no longer change" in response.text
    response = client.post(url, data=_goal_form(card["programme"], period_end=f"{YEAR - 1}-12-31"))
    assert response.status_code == 422
    assert "follow-ups outside this period" in response.text
    with app.app_context():
        assert db.session.get(ProgrammeGoal, card["goal"]).metric == "proposals"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"probability": "5"}, "probability"),
        ({"impact": "0"}, "impact"),
        ({"description": ""}, "description"),
        ({"status": "blue"}, "status"),
        ({"owner": "o" * 201}, "owner"),
        ({"mitigation": "m" * 5001}, "mitigation"),
    ],
)
def test_a_bad_risk_is_refused(app, client, auth, programme, overrides, field):
    """The scorecard service says what is wrong; the page shows it beside the field."""
    auth.login("manager")
    data = {"description": "Budget cut", "probability": "2", "impact": "3", "status": "green"}
    data.update(overrides)
    response = client.post(f"/scorecards/{programme}/risks/new", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    with app.app_context():
        assert _count(ProgrammeRisk) == 0


def test_a_risk_too_long_is_said_by_the_service(app, client, auth, programme):
    auth.login("manager")
    data = {"description": "Budget cut", "probability": "2", "impact": "3", "status": "green"}
    response = client.post(f"/scorecards/{programme}/risks/new", data={**data, "owner": "o" * 201})
    assert response.status_code == 422
    assert "At most 200 characters." in response.text
    with app.app_context():
        assert _count(ProgrammeRisk) == 0


def test_a_programme_risk_follows_the_rule_of_every_risk(app, people, programme):
    with app.app_context():
        with pytest.raises(Invalid) as refused:
            service.create_risk(
                db.session.get(Programme, programme),
                _user("manager"),
                {"description": " ", "probability": 5, "impact": 0, "status": "blue"},
            )
    assert refused.value.errors["description"] == ["Describe the risk."]
    assert refused.value.errors["probability"] == ["Probability is a whole number from 1 to 4."]
    assert refused.value.errors["impact"] == ["Impact is a whole number from 1 to 4."]
    assert refused.value.summary == "The risk was not saved."


# The export.


def test_the_export_holds_the_numbers_of_the_page(app, client, auth, card):
    pid = card["programme"]
    with app.app_context():
        _goal(pid, "residents_customers", target="6000")
        _goal(pid, "median_experiment_days", target="200", direction="at_most")
        _goal(pid, "manual", target="4")
    auth.login("manager")
    page = Rows(client.get(f"/scorecards/{pid}").text)
    response = client.get(f"/scorecards/{pid}/scorecard.xlsx")
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Goals", "Follow-ups", "Risks"]
    goals = list(book["Goals"].iter_rows(min_row=2, values_only=True))
    assert len(goals) == len(page.goals) == 4

    def cell(value):
        return "" if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))

    for (goal_id, values), row in zip(page.goals.items(), goals, strict=True):
        target, actual, percent = values
        assert cell(row[4]) == cell(Decimal(target)), goal_id
        assert cell(row[8]) == (cell(Decimal(actual)) if actual else ""), goal_id
        assert (str(row[9]) if row[9] is not None else "") == percent, goal_id
    history = list(book["Follow-ups"].iter_rows(min_row=2, values_only=True))
    assert [cell(r[3]) for r in history] == [cell(Decimal(v)) for v in page.trends[card["goal"]]]
    assert history[0][7] == "Secret steering remark"
    risks = list(book["Risks"].iter_rows(min_row=2, values_only=True))
    assert risks[0][1:5] == ("Partners lose interest", 3, 4, 12)
    with app.app_context():
        card_model = programme_scorecard(db.session.get(Programme, pid))
        assert [row.actual for row in card_model.goals] == [
            None if r[8] is None else Decimal(str(r[8])).quantize(Decimal("0.01")) for r in goals
        ]


def test_the_export_neutralises_formula_like_text(app, client, auth, programme, people):
    with app.app_context():
        _goal(programme, "proposals", text_fi='=HYPERLINK("http://evil.example","x")')
        service.create_risk(
            db.session.get(Programme, programme),
            _user("manager"),
            {
                "description": "+cmd|' /C calc'!A0",
                "probability": 1,
                "impact": 1,
                "mitigation": "@SUM(A1)",
                "owner": "-1",
                "status": "green",
            },
        )
    auth.login("staff")
    response = client.get(f"/scorecards/{programme}/scorecard.xlsx")
    book = load_workbook(BytesIO(response.data))
    assert book["Goals"]["B2"].value == '\'=HYPERLINK("http://evil.example","x")'
    assert book["Goals"]["B2"].data_type == "s"
    risk = [c.value for c in book["Risks"][2]]
    assert risk[1] == "'+cmd|' /C calc'!A0"
    assert risk[6:8] == ["'@SUM(A1)", "'-1"]


def test_the_export_drops_control_characters_stored_earlier(app, client, auth, programme, people):
    with app.app_context():
        goal = db.session.get(ProgrammeGoal, _goal(programme, "proposals"))
        goal.text_fi = "Vertical\x0btab\x01"  # as stored before such texts were refused
        db.session.commit()
    auth.login("staff")
    response = client.get(f"/scorecards/{programme}/scorecard.xlsx?lang=en")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.data))["Goals"]["B2"].value == "Verticaltab"


def test_the_print_stylesheet_fits_a4_landscape(app, client, auth, card):
    auth.login("manager")
    page = client.get(f"/scorecards/{card['programme']}").text
    link = '<link rel="stylesheet" href="/static/css/scorecard-print.css" media="print">'
    assert link in page
    with open(app.static_folder + "/css/scorecard-print.css", encoding="utf-8") as sheet:
        assert "@page { size: A4 landscape;" in sheet.read()


def test_an_empty_scorecard_and_the_index(client, programme):
    assert "No goals have been set" in client.get(f"/scorecards/{programme}").text
    assert f"/scorecards/{programme}" in client.get("/scorecards").text


def test_no_inline_styles_or_scripts(client, auth, card):
    auth.login("manager")
    for url in (
        f"/scorecards/{card['programme']}",
        f"/scorecards/{card['programme']}/goals/new",
        f"/scorecards/{card['programme']}/risks/new",
        f"/scorecards/{card['programme']}/goals/{card['goal']}/follow-ups/new",
    ):
        text = client.get(url).text
        assert "style=" not in text and "<script>" not in text, url
        assert text.count("<h1") == 1, url


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"owner": "o" * 201}, "At most 200 characters."),
        ({"description": "d" * 5001}, "At most 5000 characters."),
        ({"owner": "Line one\nline two"}, "Write this on one line, without line breaks."),
    ],
)
def test_a_risk_text_is_checked_by_the_service(app, client, auth, programme, overrides, message):
    auth.login("manager")
    data = {"description": "Budget cut", "probability": "2", "impact": "3", "status": "green"}
    response = client.post(f"/scorecards/{programme}/risks/new", data={**data, **overrides})
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert _count(ProgrammeRisk) == 0
