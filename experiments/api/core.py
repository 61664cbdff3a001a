"""What every API endpoint shares: the Api, the bearer-token guard, problem+json errors."""

from __future__ import annotations

import http
from functools import wraps

from apispec import BasePlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import g, request
from flask_babel import gettext as _
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import BadRequest, HTTPException

from ..errors import DomainError, Invalid, NotAllowed
from ..extensions import db
from ..lifecycle import Role
from ..models import ApiToken, User
from ..problems import problem
from ..services import tokens
from .schemas import ProblemSchema

PROBLEM_JSON = "application/problem+json"
BEARER = [{"bearerAuth": []}]


class KokeiluApi(Api):
    """flask-smorest's Api without its app-wide JSON error handler and its own doc routes.

    HTML pages keep their HTML error pages; API blueprints answer problem+json through
    handlers registered on themselves; /api/openapi.json is served by experiments.api.bp.
    """

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass

    def _register_responses(self):
        """Every status code's error response is a problem document (RFC 9457)."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                if status.value in _ERROR_HEADERS:
                    response["headers"] = _ERROR_HEADERS[status.value]
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def register_blueprint(self, blp: ApiBlueprint, **options):
        """Register the blueprint and its operations, tagged with the blueprint's tag."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=None)
        self.spec.tag({"name": blp.tag, "description": blp.description})


class SchemaRules(BasePlugin):
    """Adds a schema's json_schema (its rules across fields, e.g. anyOf) to its component."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        return dict(getattr(resolve_schema_cls(schema), "json_schema", {})) if schema else {}


_ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
}


class JsonBodyParser(FlaskParser):
    """webargs' parser, except that a body it should read must be there and be JSON."""

    def load_json(self, req, schema):
        if not is_json_request(req) or not req.get_data(cache=True):
            raise BadRequest(
                _("Send a JSON object as the request body (Content-Type: application/json).")
            )
        return super().load_json(req, schema)

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        """A multipart/form-data body: its fields and its files, as one set of arguments."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class ApiBlueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose routes carry one tag and answer errors as problems."""

    ARGUMENTS_PARSER = JsonBodyParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **SmorestBlueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def __init__(self, name: str, tag: str, description: str, url_prefix: str = "/api/v1"):
        super().__init__(name, __name__, url_prefix=url_prefix, description=description)
        self.tag = tag
        self.register_error_handler(HTTPException, http_problem)
        self.register_error_handler(DomainError, domain_problem)
        # A body nested deeper than the JSON parser can follow is malformed input.
        self.register_error_handler(RecursionError, lambda error: problem(400, _malformed()))

    def route(self, rule, *, parameters=None, tags=None, **options):
        """Route as flask-smorest does; the view's name becomes its documented operationId."""
        register = super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

        def decorate(view):
            if set(options.get("methods", ())) & {"POST", "PUT", "PATCH"}:
                view = self.problems(400, 413)(view)  # malformed or oversized bodies
            apidoc = dict(getattr(view, "_apidoc", {}))
            apidoc["manual_doc"] = {"operationId": view.__name__, **apidoc.get("manual_doc", {})}
            view._apidoc = apidoc
            return register(view)

        return decorate

    def problems(self, *codes: int, because: dict[int, str] | None = None):
        """Document the problem responses an operation may give, and why, where it says."""
        because = because or {}

        def decorate(view):
            for code in codes:
                if code in because:
                    document = self.alt_response(
                        code,
                        schema=ProblemSchema,
                        content_type=PROBLEM_JSON,
                        description=because[code],
                    )
                else:
                    document = self.alt_response(code, response=http.HTTPStatus(code).name)
                view = document(view)
            return view

        return decorate


def _malformed() -> str:
    return _("The request body is not valid JSON.")


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as field path → messages ("organisation.name", "sdgs.0")."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "body" if key == "_schema" else str(key)
            path = f"{prefix}.{name}" if prefix else name
            for field, texts in flatten_messages(value, path).items():
                flat.setdefault(field, []).extend(texts)
    elif isinstance(messages, list | tuple):
        flat[prefix or "body"] = [str(m) for m in messages]
    else:
        flat[prefix or "body"] = [str(messages)]
    return flat


def http_problem(error: HTTPException):
    """An HTTP error raised in an API view (webargs, abort, limits) as a problem document."""
    db.session.rollback()
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    code = error.code or 500
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    if getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    if code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if code == 422 and messages:
        # webargs keys messages by location first: {"json": {...}} or {"query": {...}}.
        errors: dict[str, list[str]] = {}
        for location_messages in messages.values():
            for field, texts in flatten_messages(location_messages).items():
                errors.setdefault(field, []).extend(texts)
        return problem(422, _("Some fields are invalid."), errors=errors, headers=headers)
    if code == 400 and messages:
        return problem(400, _malformed(), headers=headers)
    return problem(code, error.description or "", headers=headers)


def domain_problem(error: DomainError):
    """A service's refusal as a problem: 422 with field errors, 403, or 409 (with field errors
    when the stored data refuses well-formed fields)."""
    db.session.rollback()
    if isinstance(error, Invalid):
        return problem(error.status_code, error.message, errors=error.errors)
    return problem(error.status_code, error.message)


class Unauthorised(HTTPException):
    code = 401

    def __init__(self, description: str, invalid_token: bool = False):
        super().__init__(description)
        challenge = 'Bearer error="invalid_token"' if invalid_token else "Bearer"
        self.data = {"headers": {"WWW-Authenticate": challenge}}


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def current_token() -> ApiToken:
    return g.api_token


def api_user() -> User:
    """The user whose bearer token authenticated this request."""
    return g.api_token.user


def authenticated(*roles: Role):
    """Require a live bearer token (and, if given, one of these roles); 401, else 403.

    The browser's session cookie is never consulted: the API authenticates by token only.
    """

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            raw = _bearer()
            if raw is None:
                raise Unauthorised(_("Send a token: Authorization: Bearer <token>."))
            token = tokens.token_for(raw)
            if token is None:
                raise Unauthorised(
                    _("The token is unknown, expired or revoked."), invalid_token=True
                )
            g.api_token = token
            if roles and token.user.role not in roles:
                raise NotAllowed(_("Your role may not use this."))
            return view(*args, **kwargs)

        guarded._apidoc = dict(getattr(guarded, "_apidoc", {}))
        manual = dict(guarded._apidoc.get("manual_doc", {}))
        manual["security"] = BEARER
        guarded._apidoc["manual_doc"] = manual
        return guarded

    return decorate
