"""Files over HTTP: request bodies larger than MAX_CONTENT_LENGTH (1 MiB) for the views that
take files, and the one way a stored file is sent back.

A view declares its own limit with accepts_files; every other request keeps the app's.
The limit is known as the request's route is matched, before anything reads the body (the
CSRF check reads a page's form first), and werkzeug refuses a longer body with 413 without
reading it; a file part beyond its spooling size goes to a temporary file, not to memory.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

import flask
from flask import current_app, send_file

View = TypeVar("View", bound=Callable[..., Any])

# The multipart body's own parts around the file: boundaries, part headers, the flags.
FRAMING = 64 * 1024


def accepts_files(max_file_bytes: int) -> Callable[[View], View]:
    """Let this view's request body carry a file of up to max_file_bytes."""

    def decorate(view: View) -> View:
        view.max_content_length = max_file_bytes + FRAMING  # type: ignore[attr-defined]
        return view

    return decorate


class Request(flask.Request):
    """Flask's request, whose body limit is the matched view's own where it declares one."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            own = getattr(view, "max_content_length", None)
            if isinstance(own, int):
                return own
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def download_response(filename: str, content_type: str, data: bytes) -> flask.Response:
    """The file to be saved, never shown as a page: Content-Disposition: attachment with the
    name also in RFC 5987's filename* (Unicode letters kept), and no type sniffing."""
    response = send_file(
        io.BytesIO(data),
        mimetype=content_type,
        as_attachment=True,
        download_name=filename,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A proposal's files may be business secrets: no browser or proxy keeps a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response
