"""Blueprints, one per area of the site."""

from flask import Flask

from .navigation import navigation


def register_blueprints(app: Flask) -> None:
    from ..api import bp as api_bp
    from ..routing import IdConverter
    from . import (
        admin,
        assignments,
        attachments,
        audit,
        auth,
        catalogue,
        conversation,
        decisions,
        exports,
        feeds,
        lessons,
        main,
        operations,
        pages,
        pilots,
        programmes,
        proposals,
        screening,
        statistics,
        submission,
        subscriptions,
    )

    app.url_map.converters["id"] = IdConverter  # before any route uses it
    for module in (
        main,
        auth,
        proposals,
        attachments,
        conversation,
        submission,
        screening,
        assignments,
        programmes,
        decisions,
        pilots,
        statistics,
        catalogue,
        subscriptions,
        lessons,
        feeds,
        exports,
        admin,
        pages,
        operations,
        audit,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(api_bp)
    from .scorecard import bp as scorecard_bp  # the programme scorecard

    app.register_blueprint(scorecard_bp)
    from .account import bp as account_bp  # own account, privacy notice

    app.register_blueprint(account_bp)
    from .mail_admin import bp as mail_admin_bp  # outgoing mail, for admins

    app.register_blueprint(mail_admin_bp)
    from .experiment_feedback import bp as experiment_feedback_bp  # residents' feedback

    app.register_blueprint(experiment_feedback_bp)
    from . import outbox  # development only: e-mail written to files

    if outbox.shown(app.config):
        app.register_blueprint(outbox.bp)
    app.jinja_env.globals["navigation"] = navigation
