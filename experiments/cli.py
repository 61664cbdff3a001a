"""Command-line tools: `flask users create`, `flask demo`. They speak the operator's language
(i18n.operator_language)."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from .errors import Invalid
from .i18n import role_label
from .lifecycle import Role
from .mail_cli import mail_group
from .reminders_cli import reminders_group
from .search_cli import search_group

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True)
def create_user_command(email, name, role, password):
    """Create a user with a role; staff and above get their second factor's enrolment link."""
    from .services.second_factor import enrolment_link, needs_enrolment_link
    from .services.signup import create_user

    try:
        user = create_user(email, name, password, role=Role(role))
    except Invalid as error:
        raise click.ClickException(error.message) from error
    click.echo(
        _(
            "Created the account %(email)s (%(role)s, id %(id)s).",
            email=user.email,
            role=role_label(user.role),
            id=user.id,
        )
    )
    if needs_enrolment_link(user):
        # No mail from here (the first admin's server may have none): the operator passes
        # the link on.
        hours = int(current_app.config["TOTP_ENROLMENT_MAX_AGE"].total_seconds() // 3600)
        link = enrolment_link(user)
        click.echo(
            _(
                "The account sets up two-step sign-in with this link, once, within %(hours)d "
                "hours:",
                hours=hours,
            )
        )
        click.echo(link)
        if link.startswith("/"):
            click.echo(_("Put the address of the service in front of it."))


@click.command("demo")
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    default=None,
    help="Generate N proposals of the same shape, for benchmarks.",
)
def demo_command(scale):
    """Load the Digital Agenda 2015–2021 demo programme (idempotent)."""
    from .demo.scale import load_scale
    from .demo.storyline import load_demo

    summary = load_scale(scale) if scale else load_demo()
    click.echo(summary)


def register_cli(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(mail_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(search_group)
