"""`flask mail deliver [--loop]`: send the stored mail that is due (services/mail_outbox)."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

mail_group = AppGroup("mail", help="Deliver the stored e-mail.")


@mail_group.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (SIGTERM, Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds between rounds with --loop (MAIL_DELIVER_INTERVAL).",
)
def deliver_command(loop: bool, interval: float | None) -> None:
    """Send the mail that is due, then exit; with --loop, keep running. Several delivery
    processes may run at once on PostgreSQL (each message is sent once); one on SQLite."""
    from .services import mail_outbox

    if not loop:
        done = mail_outbox.deliver_due()
        click.echo(
            _(
                "Sent %(sent)d, to be retried %(retried)d, failed %(failed)d.",
                sent=done.sent,
                retried=done.retried,
                failed=done.failed,
            )
        )
        return
    stop = threading.Event()

    def finish(signum, frame):  # the round under way ends first: no message is left half-sent
        stop.set()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    seconds = interval if interval is not None else current_app.config["MAIL_DELIVER_INTERVAL"]
    click.echo(_("Delivering mail every %(seconds)s seconds; stop with SIGTERM.", seconds=seconds))
    mail_outbox.deliver_forever(float(seconds), stop)
    click.echo(_("Mail delivery stopped."))
