"""Public pages for anonymous readers, kept as rendered responses per data generation.

The pages in ENDPOINTS (the home page, statistics, the catalogue and its experiments, open
data, the feeds and the public experiments API) are the same for every anonymous reader in
one language until the next counted write, or until the next day in the city (a call opens
or closes by the calendar).
Their rendered responses are kept by (generation token, today, negotiated language, scheme
and host, path and query string exactly as sent). Every write replaces the token in its own
transaction (services.transaction.unit_of_work), so a request that starts after the commit
never finds a page rendered before it.

Where: in each process, as statistics_cache keeps figures, not in a shared table. A hit is
one primary-key read of the generation row and a dictionary lookup: the body never crosses
the database connection, and old generations need no pruning (the least recently used pages
make room). Each worker renders a page once per generation; any worker on any host that
reads the same row serves only that generation's page, so all of them stay correct.

Who: only a request that is nobody in particular: no Authorization header, no remember-me
cookie, and a session (a signed cookie, read without the database) that holds no user and
no flashed message, only the language of the visit (part of the key) and Flask-Login's and
Flask-WTF's bookkeeping. Signed in, a person's pages are rendered for them and never kept
(security.py sends them `Cache-Control: no-store`).

What: a 200 whose render made nothing for the visitor but a CSRF token: no flashed message,
no cookie of its own. A form's token (Flask-WTF's, signed from a secret in the visitor's
session) is kept as a slot that each visitor's own token fills as the page is served, made
for their session as a render would; a page with a CSRF field that is not such a slot is
never kept. Only the body and its content headers are kept; all other headers are made for
each response (so is the session cookie that keeps a ?lang= choice or a CSRF secret).
Kept pages carry a weak ETag of their key and the generation's time as Last-Modified (the
day's start, if later): a repeat visit is answered 304.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, message_flashed, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf  # type: ignore[import-untyped]

from .metrics import PAGE_CACHE
from .services.clock import today
from .statistics_cache import current_generation

ENDPOINTS = frozenset(
    {
        "main.home",
        "statistics.dashboard",
        "catalogue.index",
        "catalogue.show",
        "catalogue.open_data",
        "catalogue.open_data_csv",
        "catalogue.open_data_json",
        "feeds.experiments_atom",
        "feeds.calls_ics",
        "feeds.open_data_turtle",
        "feeds.open_data_json_ld",
        "api_public.list_public_experiments",
        "api_public.similar_public_experiments",
    }
)
# What a visitor's session may hold and still be shown the shared page.
SHAREABLE_SESSION = frozenset({"lang", "csrf_token", "_fresh", "_id", "_remember", "_permanent"})
# The headers a kept page is served with; every other one is made for each response.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Link")
VARY = ("Accept-Language", "Cookie")
# A form's CSRF field. A kept page holds CSRF_SLOT where its render wrote the visitor's
# token, and each visitor it is served to gets their own token there; a page with a field
# whose token was not replaced (more fields than slots) is never kept.
CSRF_FIELD = b'name="csrf_token"'
CSRF_SLOT = b"csrf-slot-" + secrets.token_hex(16).encode()  # never in any page's text
REMEMBER_COOKIE = "remember_token"  # Flask-Login's, unless REMEMBER_COOKIE_NAME says
_STORE = "page_cache"


@dataclass(frozen=True)
class Kept:
    """A kept page: its body (None: known to be 200 but too large to keep) and headers."""

    body: bytes | None
    headers: tuple[tuple[str, str], ...]


class Store:
    """Kept pages by key, the least recently used dropped beyond `limit` bytes."""

    def __init__(self, limit: int, entry_limit: int) -> None:
        self.limit, self.entry_limit = limit, entry_limit
        self.size = 0
        self._pages: OrderedDict[tuple[object, ...], Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Kept | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is not None:
                self._pages.move_to_end(key)
            return kept

    def put(
        self, key: tuple[object, ...], body: bytes | None, headers: tuple[tuple[str, str], ...]
    ) -> bool:
        """Keep the page; False if its body holds a CSRF field that is not a slot."""
        if body is not None and body.count(CSRF_FIELD) > body.count(CSRF_SLOT):
            return False
        if body is not None and len(body) > self.entry_limit:
            body = None
        kept = Kept(body, headers)
        with self._lock:
            self._drop(key)
            self._pages[key] = kept
            self.size += _size(kept)
            while self.size > self.limit and self._pages:
                self._drop(next(iter(self._pages)))
        return True

    def _drop(self, key: tuple[object, ...]) -> None:
        kept = self._pages.pop(key, None)
        if kept is not None:
            self.size -= _size(kept)

    def bodies(self) -> list[bytes]:
        with self._lock:
            return [kept.body for kept in self._pages.values() if kept.body is not None]

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0


def _size(kept: Kept) -> int:
    return len(kept.body or b"") + sum(len(n) + len(v) for n, v in kept.headers) + 200


@dataclass(frozen=True)
class Page:
    """The page a request asks for: its key, its ETag (unquoted) and Last-Modified."""

    key: tuple[object, ...]
    etag: str
    last_modified: datetime


def store(app: Flask) -> Store | None:
    """The app's kept pages (None when PAGE_CACHE_BYTES is 0)."""
    kept: Store | None = app.extensions.get(_STORE)
    return kept


def _nobody_in_particular() -> bool:
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in request.cookies:
        return False
    return session.keys() <= SHAREABLE_SESSION


def _page(token: int, changed_at: int) -> Page:
    day = today()
    key = (
        token,
        day.isoformat(),
        str(get_locale()),
        request.scheme,
        request.host,
        request.root_path,
        request.path,
        request.query_string,
    )
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    day_start = int(datetime.combine(day, time(), zone).timestamp())
    etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return Page(key, etag, datetime.fromtimestamp(max(changed_at, day_start), UTC))


def _unchanged(page: Page) -> bool:
    """The visitor holds this page already (If-None-Match, else If-Modified-Since)."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(page.etag)
    since = request.if_modified_since
    return since is not None and page.last_modified <= since


def _serve() -> Response | None:
    """Before the view: answer a kept page (or 304) to a request for one."""
    kept_pages = store(current_app)
    if kept_pages is None or request.endpoint not in ENDPOINTS or not _nobody_in_particular():
        return None
    generation = current_generation()
    if generation is None:  # no generation row (a truncated test database)
        return None
    g.page_cache = page = _page(*generation)
    kept = kept_pages.get(page.key)
    if kept is not None and _unchanged(page):
        PAGE_CACHE.labels("not_modified").inc()
        g.page_cache_served = True
        answer = Response(status=304)
        del answer.headers["Content-Type"]
        return answer
    if kept is None or kept.body is None:
        PAGE_CACHE.labels("miss").inc()
        return None
    PAGE_CACHE.labels("hit").inc()
    g.page_cache_served = True
    body = kept.body
    if CSRF_SLOT in body:  # this visitor's token (made for their session, as a render does)
        body = body.replace(CSRF_SLOT, _visitor_token())
    return Response(body, headers=list(kept.headers))


def _shareable(response: Response) -> bool:
    """Nothing of the render was made for this visitor."""
    return (
        response.status_code == 200
        and not g.get("page_cache_flashed")
        and "Set-Cookie" not in response.headers
        and session.keys() <= SHAREABLE_SESSION
    )


def _keep(response: Response) -> Response:
    """After the view: keep a shareable page, and say how it may be revalidated."""
    page: Page | None = g.pop("page_cache", None)
    kept_pages = store(current_app)
    if page is None or kept_pages is None:
        return response
    if not g.pop("page_cache_served", False):
        if not _shareable(response):
            return response
        headers = tuple(
            (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
        )
        if response.is_streamed:  # an open-data file: made without forms, checked as kept
            response.response = Tee(
                response.response,
                kept_pages.entry_limit,
                lambda body: kept_pages.put(page.key, body, headers),
            )
        elif not kept_pages.put(page.key, _without_token(response.get_data()), headers):
            return response
    response.set_etag(page.etag, weak=True)
    response.last_modified = page.last_modified
    # Sent and received without cookies, the page may be kept by shared caches too.
    shared = not request.cookies and not session
    response.headers["Cache-Control"] = (
        f"{'public' if shared else 'private'}, max-age=0, must-revalidate"
    )
    response.vary.update(VARY)
    return response


def _visitor_token() -> bytes:
    """This visitor's CSRF token (Flask-WTF's: made for their session if it has none)."""
    token: str = generate_csrf()
    return token.encode()


def _without_token(body: bytes) -> bytes:
    """The body with the CSRF token its render made for this visitor replaced by the slot."""
    token: str | None = g.get("csrf_token")
    return body if token is None else body.replace(token.encode(), CSRF_SLOT)


class Tee:
    """A streamed body passed on as it is made, and kept once it has been sent whole (None
    beyond `limit` bytes: known, not kept)."""

    def __init__(
        self, chunks: Iterable[bytes | str], limit: int, done: Callable[[bytes | None], object]
    ) -> None:
        self.chunks, self.limit, self.done = chunks, limit, done

    def __iter__(self) -> Iterator[bytes]:
        parts: list[bytes] | None = []
        size = 0
        for chunk in self.chunks:
            data = chunk.encode() if isinstance(chunk, str) else chunk
            size += len(data)
            if parts is not None and size > self.limit:
                parts = None
            elif parts is not None:
                parts.append(data)
            yield data
        self.done(None if parts is None else b"".join(parts))

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


def _flashed(sender: Flask, **extra: object) -> None:
    g.page_cache_flashed = True


def init_app(app: Flask) -> None:
    limit = int(app.config.get("PAGE_CACHE_BYTES") or 0)
    if limit <= 0:
        return
    app.extensions[_STORE] = Store(limit, int(app.config["PAGE_CACHE_ENTRY_BYTES"]))
    app.before_request(_serve)
    app.after_request(_keep)
    message_flashed.connect(_flashed, app)
