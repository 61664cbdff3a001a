"""RFC 9457 problem details, the error format of everything under /api/."""

from flask import Response, json
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPES = "https://kokeilu.example/problems/"


def problem(
    status: int,
    detail: str = "",
    errors: dict | None = None,
    title: str | None = None,
    headers: dict | None = None,
) -> Response:
    body = {
        "type": PROBLEM_TYPES + HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "-"),
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or HTTP_STATUS_CODES.get(status, "Error"),
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_problem(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")
