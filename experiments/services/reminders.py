"""Report reminders: one to the team before a report is due, one when it is overdue, and an
overdue notice to the pilot's owner at the city, each sent once.

Each reminder is a row of report_reminder inserted with ON CONFLICT DO NOTHING in the same
transaction as its mail: a run that finds the row already there sends nothing, so hourly
cron runs, and two runs at once, send each reminder once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Experiment, ReminderKind, ReportReminder
from ..rules import REMIND_DAYS_BEFORE
from . import notifications
from .report_schedule import due_reports
from .transaction import unit_of_work

# Overdue reports older than this are not reminded of any more (a first run on old data
# would otherwise send one for every past period).
OVERDUE_HORIZON = timedelta(days=60)


@dataclass
class Reminded:
    sent: int = 0


def send_reminders(today: date) -> Reminded:
    """Send every reminder due today that no earlier run has sent."""
    done = Reminded()
    for due in due_reports(today, within_days=REMIND_DAYS_BEFORE):
        period = due.period
        if period.due < today - OVERDUE_HORIZON:
            continue
        if period.due >= today:
            kinds = [ReminderKind.DUE]
        else:
            kinds = [ReminderKind.OVERDUE, ReminderKind.OWNER_OVERDUE]
        for kind in kinds:
            if _send_once(due.experiment, period.due, kind):
                done.sent += 1
    return done


def _send_once(experiment: Experiment, due: date, kind: ReminderKind) -> bool:
    """The reminder and its mail in one transaction, unless a run has recorded it already."""
    with unit_of_work():
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        inserted = db.session.execute(
            dialect.insert(ReportReminder)
            .values(experiment_id=experiment.id, due_date=due, kind=kind)
            .on_conflict_do_nothing(index_elements=["experiment_id", "due_date", "kind"])
            .returning(ReportReminder.id)
        ).scalar_one_or_none()
        if inserted is None:  # an earlier or concurrent run has sent it
            return False
        if kind == ReminderKind.OWNER_OVERDUE:
            notifications.report_overdue_to_owner(experiment, due)
        else:
            notifications.report_reminder(experiment, due, overdue=kind == ReminderKind.OVERDUE)
    return True
