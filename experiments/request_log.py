"""Request ids and the production log: one JSON object per line.

Every request gets an id, returned in the X-Request-ID header and written with each log
line made while it is served. The id a proxy sends in X-Request-ID is kept only when the
app trusts its proxies (PROXY_FIX) and the id has a harmless shape; otherwise it is made
here. LOG_FORMAT=json (the production default) writes the log as JSON lines on stderr,
with one line per request (endpoint and route, never the query string or path values,
which may hold a reset token).
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, has_request_context, request

HEADER = "X-Request-ID"
# Letters, digits and a few separators: nothing that could break a log line or a header.
_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}

log = logging.getLogger("experiments.requests")


def request_id() -> str | None:
    """The id of the request being served, if any."""
    if not has_request_context():
        return None
    value: str | None = g.get("request_id")
    return value


def _take_id() -> None:
    given = request.headers.get(HEADER, "")
    trusted = int(current_app.config.get("PROXY_FIX") or 0) > 0
    g.request_id = given if trusted and _SHAPE.fullmatch(given) else uuid.uuid4().hex
    g.request_log_started = time.perf_counter()


def _give_id(response: Response) -> Response:
    if "request_id" not in g:  # an earlier before_request hook failed
        _take_id()
    response.headers[HEADER] = g.request_id
    started = g.get("request_log_started")
    log.info(
        "request",
        extra={
            "method": request.method,
            "endpoint": request.url_rule.endpoint if request.url_rule else None,
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        },
    )
    return response


class RequestIdFilter(logging.Filter):
    """Puts the request id on every record made while a request is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def json_handler() -> logging.Handler | None:
    """The JSON handler on the root logger, if the log is configured as JSON."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, JsonFormatter):
            return handler
    return None


def _configure_json_log(app: Flask) -> None:
    """JSON lines on stderr for every logger (once per process, however many apps)."""
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    root = logging.getLogger()
    if json_handler() is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    app.before_request(_take_id)
    app.after_request(_give_id)
    if app.config.get("LOG_FORMAT") == "json":
        _configure_json_log(app)
