"""`flask reminders send`: each report reminder once, however often and however many at once."""

import threading
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from experiments.extensions import db
from experiments.lifecycle import Status
from experiments.models import Experiment, ExperimentReport, MailMessage, ReportStatus
from experiments.services.reminders import send_reminders
from tests import builders
from tests.pilot_support import make_pilot


def _kinds(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(select(MailMessage.kind, MailMessage.recipient)).all()
        return sorted((kind, recipient) for kind, recipient in rows)


def _pilot(app, people, programme, started_days_ago=35, status=Status.PILOT) -> int:
    """A monthly-reporting pilot whose first report was due a few days ago."""
    _, eid = make_pilot(app, people["applicant"], programme, status=status)
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        experiment.start_date = date.today() - timedelta(days=started_days_ago)
        experiment.planned_end_date = experiment.start_date + timedelta(days=150)
        experiment.report_interval_months = 1
        experiment.owner.email = "owner@test.example"
        builders.commit()
    return eid


def _run(app, when: date | None = None) -> int:
    with app.app_context():
        return send_reminders(when or date.today()).sent


def test_an_overdue_report_is_reminded_once_to_the_team_and_the_owner(app, people, programme):
    _pilot(app, people, programme)
    assert _run(app) == 2
    assert _run(app) == 0
    assert _kinds(app) == [
        ("report_overdue", "owner@test.example"),
        ("report_reminder", "applicant@test.example"),
    ]


def test_a_report_due_soon_is_reminded_once_before_its_day(app, people, programme, frozen_clock):
    eid = _pilot(app, people, programme, started_days_ago=0)
    with app.app_context():
        first_due = db.session.get(Experiment, eid).start_date + relativedelta(months=1)
    assert _run(app, first_due - timedelta(days=8)) == 0
    assert _run(app, first_due - timedelta(days=7)) == 1
    assert _run(app, first_due - timedelta(days=3)) == 0
    assert _run(app, first_due) == 0  # due today is not overdue yet
    assert _run(app, first_due + timedelta(days=1)) == 2
    assert _run(app, first_due + timedelta(days=2)) == 0
    kinds = [kind for kind, _ in _kinds(app)]
    assert kinds.count("report_reminder") == 2 and kinds.count("report_overdue") == 1


def test_a_sent_report_stops_the_reminders(app, people, programme):
    eid = _pilot(app, people, programme)
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        db.session.add(
            ExperimentReport(
                experiment_id=eid,
                period_start=experiment.start_date,
                period_end=experiment.start_date + relativedelta(months=1, days=-1),
                summary="Done.",
                status=ReportStatus.SUBMITTED,
                submitted_by_id=people["applicant"],
            )
        )
        builders.commit()
    assert _run(app) == 0


def test_a_returned_report_is_still_due(app, people, programme):
    eid = _pilot(app, people, programme)
    with app.app_context():
        experiment = db.session.get(Experiment, eid)
        db.session.add(
            ExperimentReport(
                experiment_id=eid,
                period_start=experiment.start_date,
                period_end=experiment.start_date + timedelta(days=20),
                summary="Done.",
                status=ReportStatus.RETURNED,
                submitted_by_id=people["applicant"],
            )
        )
        builders.commit()
    assert _run(app) == 2


def test_a_decided_pilot_is_not_reminded(app, people, programme):
    _pilot(app, people, programme, status=Status.ADOPTED)
    assert _run(app) == 0


def test_the_reminder_is_in_the_team_language(app, people, programme):
    _pilot(app, people, programme)
    with app.app_context():
        from experiments.models import User

        db.session.get(User, people["applicant"]).locale = "fi"
        builders.commit()
    _run(app)
    with app.app_context():
        mail = db.session.scalars(
            select(MailMessage).where(MailMessage.kind == "report_reminder")
        ).one()
        assert "myöhässä" in mail.subject


def test_the_command_says_what_it_sent(app, people, programme):
    _pilot(app, people, programme)
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "2" in result.output
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "0" in result.output


@pytest.mark.parametrize("runs", [2, 4])
def test_concurrent_runs_send_each_reminder_once(concurrent_app, runs):
    app = concurrent_app
    with app.app_context():
        applicant = builders.make_user(email="applicant@test.example")
        programme = builders.make_programme()
    _pilot(app, {"applicant": applicant}, programme)
    barrier = threading.Barrier(runs)
    errors: list[BaseException] = []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                send_reminders(date.today())
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MailMessage)) == 2


def test_a_switched_off_team_account_gets_no_reminder_but_the_owner_still_hears(
    app, people, programme
):
    eid = _pilot(app, people, programme)
    with app.app_context():
        team = db.session.get(Experiment, eid).proposal.owner
        team.active = False
        builders.commit()
    _run(app)
    assert _kinds(app) == [("report_overdue", "owner@test.example")]
