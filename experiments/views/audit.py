"""The audit trail for managers and administrators: the page and its CSV export."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext

from .. import exports
from ..audit_trail import (
    ACTION_LABELS,
    OBJECT_PAGES,
    AuditFilter,
    actor_of,
    all_entries,
    audit_page,
    object_types,
)
from ..catalogue import MAX_PER_PAGE
from ..lifecycle import Role
from ..routing import whole_number
from ..rules import MAX_PAGE
from .guards import allow

bp = Blueprint("audit", __name__)

PER_PAGE = 50
CSV_COLUMNS = ("id", "at", "actor_id", "actor", "action", "object_type", "object_id", "changes")


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400)


def _filter() -> AuditFilter:
    kind = request.args.get("object_type", "").strip() or None
    if kind is not None and kind not in object_types():
        abort(400)
    return AuditFilter(
        object_type=kind,
        object_id=whole_number("object_id"),
        actor_id=whole_number("actor_id"),
        since=_day("since"),
        until=_day("until"),
    )


@bp.get("/audit")
@allow(Role.MANAGER, Role.ADMIN)
def index():
    f = _filter()
    page = whole_number("page", 1, MAX_PAGE) or 1
    per_page = min(whole_number("per_page", 1, MAX_PER_PAGE) or PER_PAGE, MAX_PER_PAGE)
    return render_template(
        "audit/index.html",
        filters=f,
        results=audit_page(f, page, per_page),
        object_types=object_types(),
        object_pages=OBJECT_PAGES,
        actor_of=actor_of,
        action_labels=ACTION_LABELS,
    )


def _rows(f: AuditFilter):
    for entry in all_entries(f):
        actor = actor_of(entry)
        yield [
            entry.id,
            entry.at,
            actor["id"] if actor else "",
            actor["name"] if actor else gettext("System"),
            entry.action,
            entry.object_type,
            entry.object_id if entry.object_id is not None else "",
            json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
        ]


@bp.get("/exports/audit.csv")
@allow(Role.MANAGER, Role.ADMIN)
def audit_csv():
    f = _filter()
    return Response(
        stream_with_context(exports.csv_stream(CSV_COLUMNS, _rows(f))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
