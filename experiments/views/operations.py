"""Operations: liveness, readiness and metrics, for the load balancer and Prometheus."""

from flask import Blueprint, abort, jsonify

from .. import metrics
from ..readiness import unready_reason
from .guards import EVERYONE, allow

bp = Blueprint("operations", __name__)


@bp.get("/healthz")
@allow(EVERYONE)
def healthz():
    """The process serves; the database is not asked (a restart would not help it)."""
    return jsonify(status="ok")


@bp.get("/readyz")
@allow(EVERYONE)
def readyz():
    reason = unready_reason()
    if reason:
        return jsonify(status="unavailable", reason=reason), 503
    return jsonify(status="ready")


@bp.get("/metrics")
@allow(EVERYONE)  # to this host or the token holder only; anyone else finds nothing here
def metrics_text():
    if not metrics.may_scrape():
        abort(404)
    return metrics.exposition()
