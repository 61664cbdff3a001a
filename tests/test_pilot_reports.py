"""The pilot's team on its own experiment: what it sees, its reports, and the staff's review.
An accepted report's counts reach the statistics once."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, ExperimentReport, MailMessage, Participation, User
from tests import builders
from tests.pilot_support import count, login, make_pilot


@pytest.fixture
def pilot(app, people, programme):
    return make_pilot(app, people["applicant"], programme)


def _dates(app, experiment_id):
    with app.app_context():
        experiment = db.session.get(Experiment, experiment_id)
        return experiment.start_date, experiment.planned_end_date


def _form(app, experiment_id, **overrides):
    start, _end = _dates(app, experiment_id)
    values = {
        "report-period_start": start.isoformat(),
        "report-period_end": (start + timedelta(days=29)).isoformat(),
        "report-summary": "Twelve walks with the robot.",
        "report-problems": "Snow on two days.",
        "report-count_residents_customers": "40",
        "report-count_companies_communities": "0",
        "report-count_employees": "3",
    }
    values.update(overrides)
    return values


def _file(app, client, auth, experiment_id, who="applicant", **overrides):
    login(auth, client, who)
    return client.post(
        f"/pilots/{experiment_id}/reports", data=_form(app, experiment_id, **overrides)
    )


def _report_id(app) -> int:
    with app.app_context():
        return db.session.scalars(
            select(ExperimentReport.id).order_by(ExperimentReport.id.desc())
        ).first()


def _review(client, experiment_id, report_id, decision, comment="", confirmed=True):
    data = {f"review-{report_id}-decision": decision, f"review-{report_id}-comment": comment}
    if confirmed:
        data[f"review-{report_id}-confirmed"] = "yes"
    return client.post(f"/pilots/{experiment_id}/reports/{report_id}/review", data=data)


def test_the_team_sees_its_experiment_but_no_internal_content(app, client, auth, pilot):
    _, eid = pilot
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        experiment.city_unit = "Sports services"
        builders.commit()
    login(auth, client, "applicant")
    page = client.get(f"/pilots/{eid}")
    assert page.status_code == 200
    text = page.text
    assert (
        "Sports services" in text
        and "10,000.00" in text.replace("\xa0", " ")
        or "10 000,00" in text
    )
    assert "Send a report" in text
    # Staff's own sections are not on it.
    assert "Risks" not in text and "Add a partner" not in text and "Evaluation" not in text
    assert client.get(f"/pilots/{eid}/evaluation").status_code == 404


@pytest.mark.parametrize("who", ["other", "admin"])
def test_no_one_else_sees_the_team_page_or_reports(app, client, auth, pilot, who):
    _, eid = pilot
    login(auth, client, who)
    assert client.get(f"/pilots/{eid}").status_code == 404
    assert _file(app, client, auth, eid, who).status_code == 404
    assert count(app, ExperimentReport) == 0


def test_anonymous_visitors_are_sent_to_sign_in(app, client, pilot):
    _, eid = pilot
    response = client.get(f"/pilots/{eid}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_applicant_sees_only_their_own_pilot(app, client, auth, people, programme, pilot):
    _, other_eid = make_pilot(app, people["other"], programme)
    login(auth, client, "applicant")
    assert client.get(f"/pilots/{other_eid}").status_code == 404
    assert (
        client.post(f"/pilots/{other_eid}/reports", data=_form(app, other_eid)).status_code == 404
    )


def test_a_report_is_filed_and_the_owner_at_the_city_is_told(app, client, auth, pilot):
    _, eid = pilot
    response = _file(app, client, auth, eid)
    assert response.status_code == 303
    page = client.get(f"/pilots/{eid}").text
    assert "Twelve walks with the robot." in page and "Waiting for review" in page
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        mail = db.session.scalars(
            select(MailMessage).where(MailMessage.kind == "report_submitted")
        ).all()
        assert [m.recipient for m in mail] == [experiment.owner.email]


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"report-summary": ""}, "Tell what was done in the period."),
        ({"report-count_employees": "-1"}, "Enter a whole number from 0 to"),
        ({"report-period_end": "2000-01-01"}, "The period cannot end before it starts."),
    ],
)
def test_a_wrong_report_is_shown_again_with_its_message(
    app, client, auth, pilot, overrides, field_message
):
    _, eid = pilot
    response = _file(app, client, auth, eid, **overrides)
    assert response.status_code == 422
    assert field_message in response.text
    assert count(app, ExperimentReport) == 0


def test_a_period_outside_the_pilot_is_refused(app, client, auth, pilot):
    _, eid = pilot
    start, end = _dates(app, eid)
    response = _file(
        app,
        client,
        auth,
        eid,
        **{"report-period_start": (start - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 422 and "before the pilot started" in response.text
    response = _file(
        app, client, auth, eid, **{"report-period_end": (end + timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 422 and "after the pilot" in response.text


def _participants(client, programme) -> dict:
    return client.get(f"/api/v1/statistics?programme={programme}").get_json()["participants"]


def test_an_accepted_report_counts_once(app, client, auth, pilot, programme):
    _, eid = pilot
    before = _participants(client, programme)
    _file(app, client, auth, eid)
    rid = _report_id(app)
    login(auth, client, "staff")
    # First the confirmation page; nothing is counted yet.
    asked = _review(client, eid, rid, "accept", confirmed=False)
    assert asked.status_code == 200 and "This cannot be undone." in asked.text
    assert count(app, Participation) == 0
    assert _review(client, eid, rid, "accept").status_code == 303
    again = _review(client, eid, rid, "accept")
    assert again.status_code in (303, 409) and count(app, Participation) == 2
    after = _participants(client, programme)
    assert after["residents_customers"] - before["residents_customers"] == 40
    assert after["employees"] - before["employees"] == 3
    assert after["companies_communities"] == before["companies_communities"]
    with app.app_context():
        assert {p.report_id for p in db.session.scalars(select(Participation))} == {rid}


def test_a_returned_report_needs_a_comment_and_is_corrected(app, client, auth, pilot):
    _, eid = pilot
    _file(app, client, auth, eid)
    rid = _report_id(app)
    login(auth, client, "staff")
    refused = _review(client, eid, rid, "return", "")
    assert refused.status_code == 422 and "Tell the team what to correct." in refused.text
    assert _review(client, eid, rid, "return", "Count the employees too.").status_code == 303
    login(auth, client, "applicant")
    page = client.get(f"/pilots/{eid}").text
    assert "Count the employees too." in page and "Correct and send again" in page
    form = client.get(f"/pilots/{eid}/reports/{rid}/correct")
    assert form.status_code == 200 and "Twelve walks with the robot." in form.text
    data = {k: v for k, v in _form(app, eid).items()}
    data["report-count_employees"] = "5"
    assert client.post(f"/pilots/{eid}/reports/{rid}/correct", data=data).status_code == 303
    with app.app_context():
        report = db.session.get(ExperimentReport, rid)
        assert report.status.value == "submitted" and report.review_comment is None
        assert {c.category.value: c.count for c in report.counts}["employees"] == 5


def test_the_team_is_told_in_its_own_language(app, client, auth, people, pilot):
    _, eid = pilot
    with app.app_context():
        db.session.get(User, people["applicant"]).locale = "sv"
        builders.commit()
    _file(app, client, auth, eid)
    rid = _report_id(app)
    login(auth, client, "staff")
    _review(client, eid, rid, "return", "Räkna också personalen.")
    with app.app_context():
        mail = db.session.scalars(
            select(MailMessage).where(MailMessage.kind == "report_returned")
        ).one()
        assert mail.recipient == "applicant@test.example"
        assert "returnerade" in mail.body.lower() or "returnerad" in mail.subject.lower()
        assert "Räkna också personalen." in mail.body


def test_only_staff_review(app, client, auth, pilot):
    _, eid = pilot
    _file(app, client, auth, eid)
    rid = _report_id(app)
    assert _review(client, eid, rid, "accept").status_code == 404
    assert count(app, Participation) == 0


def test_no_reports_once_decided(app, client, auth, people, programme):
    _, eid = make_pilot(app, people["applicant"], programme, status=Status.ADOPTED)
    response = _file(app, client, auth, eid)
    assert response.status_code in (302, 303, 409)
    assert count(app, ExperimentReport) == 0


def test_staff_home_shows_reports_to_review_and_due(app, client, auth, people, programme):
    from dateutil.relativedelta import relativedelta

    _, eid = make_pilot(app, people["applicant"], programme, experiment_owner_id=people["staff"])
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        experiment.start_date = date.today() - relativedelta(months=1, days=3)
        experiment.planned_end_date = experiment.start_date + timedelta(days=150)
        experiment.report_interval_months = 1
        builders.commit()
    login(auth, client, "staff")
    home = client.get("/").text
    assert "Reports due and overdue" in home and "Late" in home
    assert "Reports to review" not in home and "reports missing" not in home
    with app.app_context():
        db.session.get(Experiment, eid).start_date -= relativedelta(months=2)
        builders.commit()
    assert "3 reports missing" in client.get("/").text
    _file(app, client, auth, eid)
    login(auth, client, "staff")
    home = client.get("/").text
    assert "Reports to review" in home


def test_the_applicant_home_links_to_the_pilot_page(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    assert f"/pilots/{eid}#reports" in client.get("/").text


def test_the_review_is_in_the_audit_trail(app, client, auth, people, pilot):
    from experiments.models import AuditEntry

    _, eid = pilot
    _file(app, client, auth, eid)
    rid = _report_id(app)
    login(auth, client, "staff")
    _review(client, eid, rid, "accept")
    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.changes).where(
                AuditEntry.object_type == "experiment_report", AuditEntry.object_id == rid
            )
        ).all()
        actions = [(action, actor) for action, actor, _ in entries]
        assert ("created", people["applicant"]) in actions
        assert ("updated", people["staff"]) in actions
        assert any(changes.get("status") == ["submitted", "accepted"] for *_, changes in entries)
        participation = (
            db.session.execute(
                select(AuditEntry.actor_id).where(AuditEntry.object_type == "participation")
            )
            .scalars()
            .all()
        )
        assert set(participation) == {people["staff"]} and len(participation) == 2


def test_two_accepts_at_once_count_once(concurrent_app):
    import threading

    from experiments.services import pilot_reports

    app = concurrent_app
    with app.app_context():
        applicant = builders.make_user(email="applicant@test.example")
        staff = [builders.make_user(builders.Role.STAFF) for _ in range(2)]
        programme = builders.make_programme()
    _, eid = make_pilot(app, applicant, programme)
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        report = pilot_reports.submit_report(
            experiment,
            db.session.get(User, applicant),
            {
                "period_start": experiment.start_date,
                "period_end": experiment.start_date + timedelta(days=10),
                "summary": "Walks.",
                "participation": [{"category": "employees", "count": 7}],
            },
        )
        rid = report.id
        db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(staff_id):
        with app.app_context():
            experiment = db.session.get(Experiment, eid)
            report = db.session.get(ExperimentReport, rid)
            actor = db.session.get(User, staff_id)
            barrier.wait()
            try:
                pilot_reports.review_report(experiment, report, actor, "accept")
                outcomes.append("accepted")
            except pilot_reports.Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(s,)) for s in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "conflict"]
    assert count(app, Participation) == 1


def test_staff_change_the_reporting_interval(app, client, auth, pilot):
    _, eid = pilot
    login(auth, client, "applicant")
    assert "The team reports every month" in client.get(f"/pilots/{eid}").text
    data = {"interval-report_interval_months": "2"}
    assert client.post(f"/pilots/{eid}/report-interval", data=data).status_code == 404
    login(auth, client, "staff")
    refused = client.post(
        f"/pilots/{eid}/report-interval", data={"interval-report_interval_months": "13"}
    )
    assert refused.status_code == 422 and "Give a whole number from 1 to 12." in refused.text
    assert client.post(f"/pilots/{eid}/report-interval", data=data).status_code == 303
    assert "The team reports every 2 months" in client.get(f"/pilots/{eid}").text


def test_a_long_pilot_reports_every_two_months_by_default(app):
    from experiments.services.report_schedule import default_interval, due_periods

    start = date(2027, 1, 31)
    assert default_interval(start, date(2027, 7, 31)) == 1
    assert default_interval(start, date(2027, 8, 1)) == 2
    experiment = Experiment(start_date=start, planned_end_date=date(2027, 6, 15))
    periods = due_periods(experiment)
    assert [p.due for p in periods] == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 15),
    ]
    assert periods[0].start == start and periods[0].end == date(2027, 2, 27)
    assert periods[-1].final and periods[-1].start == date(2027, 5, 31)
