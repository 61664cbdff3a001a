"""Prometheus metrics: requests by endpoint and status, their latency, the database pool.

With PROMETHEUS_MULTIPROC_DIR in the environment (set before the app is imported, and the
folder emptied at each start of gunicorn) every worker writes its figures there and
`/metrics` adds up all of them; gunicorn.conf.py tells the library when a worker exits.
Without it each process counts for itself (development, tests).

More figures join by registering a function with `on_scrape`: it runs just before each
scrape and sets gauges from the database (services/mail_outbox sets the mail queue's).
"""

import hmac
import ipaddress
import os
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from sqlalchemy import event
from sqlalchemy.engine import Engine

REQUESTS = Counter(
    "kokeilu_http_requests_total",
    "Requests answered, by endpoint, method and status.",
    ("endpoint", "method", "status"),
)
LATENCY = Histogram(
    "kokeilu_http_request_duration_seconds",
    "Time to answer a request, by endpoint and method.",
    ("endpoint", "method"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
# livesum: the figure of every worker alive now, added up.
POOL_OPEN = Gauge(
    "kokeilu_db_pool_connections",
    "Database connections held open by the app's connection pools.",
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "kokeilu_db_pool_connections_in_use",
    "Database connections checked out of the pools, serving a request now.",
    multiprocess_mode="livesum",
)
PAGE_CACHE = Counter(
    "kokeilu_page_cache_total",
    "Anonymous requests for public pages: answered from the page cache (hit), answered "
    "304 (not_modified), or rendered (miss).",
    ("result",),
)
DATABASE_ERRORS = Counter(
    "kokeilu_database_unavailable_total",
    "Requests answered 503 because the database could not be reached.",
)

# Set at each scrape from the mail store by the scraping worker: its figure is the latest.
MAIL_MESSAGES = Gauge(
    "kokeilu_mail_messages",
    "Stored mail messages by state (pending, sending, sent, failed, cancelled).",
    ("status",),
    multiprocess_mode="livemostrecent",
)
MAIL_OLDEST_UNSENT = Gauge(
    "kokeilu_mail_oldest_unsent_age_seconds",
    "Age of the oldest message not yet sent (0 when none waits).",
    multiprocess_mode="livemostrecent",
)

_scrape_hooks: list[Callable[[], None]] = []


def on_scrape(hook: Callable[[], None]) -> Callable[[], None]:
    """Run hook before each scrape (e.g. to set the mail queue's gauges from its table)."""
    _scrape_hooks.append(hook)
    return hook


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition() -> Response:
    """Every metric in the text format; in multiprocess mode, of every worker."""
    for hook in _scrape_hooks:
        hook()
    registry = REGISTRY
    if multiprocess():
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _socket_peer() -> str:
    """The address of the TCP peer: ProxyFix keeps the original before replacing it."""
    original = request.environ.get("werkzeug.proxy_fix.orig") or {}
    return str(original.get("REMOTE_ADDR") or request.environ.get("REMOTE_ADDR") or "")


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def may_scrape() -> bool:
    """From this host itself (not through a proxy), or with the bearer METRICS_TOKEN."""
    token: str = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # A proxy on the same host connects from loopback too: a forwarded request is not local.
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return _loopback(_socket_peer()) and not forwarded


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _answered(response: Response) -> Response:
    endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
    if response.status_code == 503 and g.get("database_unavailable"):
        DATABASE_ERRORS.inc()
    return response


def _watch_pool(engine: Engine) -> None:
    if getattr(engine, "_kokeilu_watched", False):
        return
    engine._kokeilu_watched = True  # type: ignore[attr-defined]
    event.listen(engine, "connect", lambda *_: POOL_OPEN.inc())
    event.listen(engine, "close", lambda *_: POOL_OPEN.dec())
    event.listen(engine, "close_detached", lambda *_: POOL_OPEN.dec())
    event.listen(engine, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: POOL_IN_USE.dec())


def init_app(app: Flask) -> None:
    from .extensions import db

    app.before_request(_started)
    app.after_request(_answered)
    with app.app_context():
        for engine in db.engines.values():
            _watch_pool(engine)
