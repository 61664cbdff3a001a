"""Every route declares who may use it, and the declaration is enforced.

The rule, for whoever adds a route:

- Pages: decorate the view with ``@allow(...)`` from ``experiments/views/guards.py``
  (roles, ``EVERYONE`` or ``SIGNED_IN``). It sets ``view.allowed``; put it innermost, under
  ``@bp.route`` and any ``@limiter.limit`` (they copy the attribute).
- API (``/api/``): a view that needs a token uses ``authenticated(*roles)`` from
  ``experiments/api/core.py``, which declares bearer security in the OpenAPI description;
  a view may also carry ``allowed`` like a page. A view open to anyone must be listed in
  ``PUBLIC_API`` below, so that opening one is a deliberate, reviewed change.
- ``static`` serves the public files in ``static/`` and needs no declaration.
"""

import re

import pytest

from experiments.lifecycle import Role
from experiments.views.guards import EVERYONE, SIGNED_IN

PUBLIC_API = {
    "api_tokens.create_token",  # exchanging a password for a token
    "api_programmes.list_programmes",
    "api_statistics.get_statistics",
    "api_public.list_public_experiments",  # open data
    "api_public.similar_public_experiments",  # the public experiments like a text
    "api.openapi",
    "api.docs",  # a page that shows openapi.json
}
KNOWN = {EVERYONE, SIGNED_IN} | {role.value for role in Role}


def _views(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            yield rule, app.view_functions[rule.endpoint]


def _bearer_operations(app) -> set[tuple[str, str]]:
    """(path, METHOD) of each operation that the OpenAPI description says needs a token."""
    spec = app.test_client().get("/api/openapi.json").get_json()
    return {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
        and any("bearerAuth" in entry for entry in operation.get("security", []))
    }


def _bearer(rule, operations: set[tuple[str, str]]) -> bool:
    path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule)  # <int:id> → {id}
    return any((path, method) in operations for method in rule.methods)


def test_every_page_declares_who_may_use_it(app):
    missing = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule, view in _views(app)
        if not rule.rule.startswith("/api/") and not getattr(view, "allowed", None)
    )
    assert missing == [], "views without @allow(...): " + ", ".join(missing)


def test_declarations_name_known_roles(app):
    unknown = sorted(
        f"{rule.endpoint}: {who!r}"
        for rule, view in _views(app)
        for who in getattr(view, "allowed", ())
        if str(who) not in KNOWN
    )
    assert unknown == []


def test_every_api_route_declares_who_may_use_it(app):
    operations = _bearer_operations(app)
    assert operations, "the OpenAPI description declares no bearer security at all"
    missing = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule, view in _views(app)
        if rule.rule.startswith("/api/")
        and rule.endpoint not in PUBLIC_API
        and not _bearer(rule, operations)
        and not getattr(view, "allowed", None)
    )
    assert missing == [], "API views with neither a token requirement nor a listing: " + ", ".join(
        missing
    )
    assert PUBLIC_API <= set(app.view_functions), "PUBLIC_API names a route that is gone"


def _plain_get_routes(app, api: bool):
    for rule, view in _views(app):
        if "GET" in rule.methods and not rule.arguments and rule.rule.startswith("/api/") == api:
            yield rule, view


def test_pages_for_signed_in_users_send_strangers_to_sign_in(app, client, people):
    for rule, view in _plain_get_routes(app, api=False):
        if EVERYONE in getattr(view, "allowed", ()):
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login"), rule.rule


@pytest.mark.parametrize("who", ["applicant", "staff", "manager", "admin"])
def test_pages_for_other_roles_are_forbidden(app, client, auth, who):
    auth.login(who)
    role = Role(who)
    for rule, view in _plain_get_routes(app, api=False):
        allowed = {str(w) for w in getattr(view, "allowed", ())}
        if allowed & {EVERYONE, SIGNED_IN} or role.value in allowed:
            continue
        assert client.get(rule.rule).status_code == 403, (who, rule.rule)


def test_api_routes_that_need_a_token_refuse_requests_without_one(app, client):
    operations = _bearer_operations(app)
    for rule, _view in _plain_get_routes(app, api=True):
        if _bearer(rule, operations):
            response = client.get(rule.rule)
            assert response.status_code == 401, rule.rule
            assert response.content_type == "application/problem+json"
