"""Blueprints, one per area of the site."""

from flask import Flask

from .navigation import navigation


def register_blueprints(app: Flask) -> None:
    from . import auth, main, proposals, screening

    for module in (main, auth, proposals, screening):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["navigation"] = navigation
