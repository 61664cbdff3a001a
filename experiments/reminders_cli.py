"""`flask reminders send`: remind pilot teams of due and overdue reports (each once)."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

reminders_group = AppGroup("reminders", help="Remind pilot teams of their reports.")


@reminders_group.command("send")
def send_command() -> None:
    """Send the report reminders due today; safe to run every hour, and twice at once."""
    from .services.clock import today
    from .services.reminders import send_reminders

    done = send_reminders(today())
    click.echo(_("Sent %(num)d report reminders.", num=done.sent))
