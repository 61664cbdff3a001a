"""Error pages for people, problem+json for the API; never a traceback."""

import logging

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError, ServiceUnavailable

from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..problems import problem, wants_problem
from ..security import referring_path

log = logging.getLogger(__name__)


def _render(error: HTTPException):
    if wants_problem(request.path):
        headers = {"Retry-After": error.retry_after} if getattr(error, "retry_after", None) else {}
        if getattr(error, "valid_methods", None):  # RFC 9110: a 405 names the allowed methods
            headers["Allow"] = ", ".join(error.valid_methods)
        return problem(error.code or 500, error.description or "", headers=headers)
    template = f"errors/{error.code}.html" if error.code in (403, 404) else "errors/generic.html"
    return render_template(template, error=error), error.code


def _csrf(error: CSRFError):
    if wants_problem(request.path):
        return problem(400, error.description)
    return render_template("errors/generic.html", error=error), 400


def _refused(error: DomainError):
    """A service's refusal that no form shows: said on the page the person came from.

    The API has its own handler (problem+json); a role's refusal is a 403 page.
    """
    if isinstance(error, NotAllowed):
        return _render(Forbidden())
    if wants_problem(request.path):
        return problem(error.status_code, error.message)
    flash(error.message, "error")
    back = referring_path(request.referrer, request.host) or url_for("main.home")
    return redirect(back, 303)


def _database_down(error: DBAPIError | PoolTimeout):
    """The server is gone or refuses: 503. SQLAlchemy has already dropped the broken
    connections from the pool (and pre-ping tests the others), so the next request after
    the server is back is served as usual."""
    unreachable = isinstance(error, PoolTimeout | OperationalError | InterfaceError) or (
        error.connection_invalidated
    )
    if not unreachable:  # an integrity or programming error is a bug, not an outage
        return _unexpected(error)
    log.exception("database unavailable")
    g.database_unavailable = True
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()
    return _render(ServiceUnavailable())


def _unexpected(error: Exception):
    log.exception("unhandled error")
    db.session.rollback()
    return _render(InternalServerError())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(DomainError, _refused)
    app.register_error_handler(DBAPIError, _database_down)
    app.register_error_handler(PoolTimeout, _database_down)
    app.register_error_handler(Exception, _unexpected)
