"""The audit trail, for managers and administrators."""

from __future__ import annotations

from ..audit_trail import AuditFilter, audit_page
from ..lifecycle import Role
from .core import ApiBlueprint, authenticated
from .schemas.audit import AuditPageSchema, AuditQuerySchema

blp = ApiBlueprint("api_audit", "audit", "The audit trail: who changed what, and when")


@blp.route("/audit", methods=["GET"])
@authenticated(Role.MANAGER, Role.ADMIN)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
@blp.problems(401, 403)
def list_audit(query):
    """Audit entries, newest first, one page."""
    f = AuditFilter(
        object_type=query.get("object_type"),
        object_id=query.get("object_id"),
        actor_id=query.get("actor_id"),
        since=query.get("since"),
        until=query.get("until"),
    )
    return audit_page(f, query["page"], query["per_page"])
