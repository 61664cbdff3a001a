"""The JSON API v1: the same services and workflow table as the pages, problem+json errors.

`bp` serves the OpenAPI description at /api/openapi.json; registering it on an app also
sets up the documented v1 blueprints under /api/v1 (see _set_up).
"""

from flask import Blueprint, Flask, current_app, jsonify, redirect, url_for

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api")

SPEC_OPTIONS = {
    "info": {
        "description": (
            "Kokeilu's JSON API: proposals and their workflow, pilots, statistics and open "
            "data. Authenticate with `Authorization: Bearer <token>` from POST /api/v1/tokens. "
            "Errors are RFC 9457 problem documents (application/problem+json). Money is a "
            "decimal string with two places. Open data (public experiments) is CC BY 4.0."
        ),
        "license": {"name": "CC BY 4.0 (open data)", "identifier": "CC-BY-4.0"},
    },
    "servers": [{"url": "/"}],
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    },
}


def _set_up(app: Flask) -> None:
    """Create the app's Api and register every v1 blueprint with its documentation."""
    from . import (
        assignments,
        attachments,
        audit,
        conversation,
        experiments,
        programmes,
        proposals,
        public,
        staged,
        statistics,
        tokens,
    )
    from .core import KokeiluApi, SchemaRules

    api = KokeiluApi(
        spec_kwargs={
            "title": "Kokeilu API",
            "version": "1.0.0",
            "openapi_version": "3.1.0",
            "extra_plugins": [SchemaRules()],
            **SPEC_OPTIONS,
        }
    )
    api.init_app(app)
    for module in (
        tokens,
        programmes,
        proposals,
        conversation,
        assignments,
        attachments,
        staged,
        experiments,
        statistics,
        public,
        audit,
    ):
        # Token-authenticated: no cookies, so no cross-site request forgery to guard against.
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    app.extensions["kokeilu-api"] = api


bp.record_once(lambda state: _set_up(state.app))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of /api/v1."""
    return jsonify(current_app.extensions["kokeilu-api"].spec.to_dict())


@bp.get("/docs")
def docs():
    """Swagger UI (vendored in static/swagger-ui) over the OpenAPI description."""
    return redirect(url_for("static", filename="swagger-ui/index.html"))
