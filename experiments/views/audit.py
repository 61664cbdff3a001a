"""The audit trail for managers and administrators: the page and its CSV export."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import exports
from ..audit_history import referenced_names, shown_entries
from ..audit_labels import (
    ShownEntry,
    action_label,
    change_text,
    shown,
    type_label,
)
from ..audit_trail import AuditFilter, actor_of, all_entries, audit_page, object_types, people
from ..catalogue import MAX_PER_PAGE
from ..lifecycle import Role
from ..models import AuditEntry
from ..queries import Page
from ..routing import whole_number
from ..rules import MAX_ID, MAX_PAGE
from ..services.inputs import to_int
from .guards import allow

bp = Blueprint("audit", __name__)

PER_PAGE = 50
CSV_COLUMNS = ("id", "at", "actor_id", "actor", "action", "object_type", "object_id", "changes")
READER_COLUMNS = (
    _l("Number"),
    _l("When"),
    _l("Person's number"),
    _l("Who"),
    _l("Action"),
    _l("Object"),
    _l("Object number"),
    _l("Changes"),
)
DATE_EXAMPLE = "2025-03-31"

bp.add_app_template_global(change_text, "audit_change_text")


class Filters:
    """The page's filters as asked, and a message for each value that cannot be read."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        kind = request.args.get("object_type", "").strip() or None
        if kind is not None and kind not in object_types():
            self.errors["object_type"] = gettext("Choose a kind of object from the list.")
            kind = None
        self.value = AuditFilter(
            object_type=kind,
            object_id=self._number(
                "object_id", gettext("Enter the object's number as a whole number, e.g. 12.")
            ),
            actor_id=self._number("actor_id", gettext("Choose a person from the list.")),
            since=self._day("since"),
            until=self._day("until"),
        )
        if self.value.since and self.value.until and self.value.since > self.value.until:
            self.errors["until"] = gettext("The last day is before the first day.")

    def _number(self, name: str, message: str) -> int | None:
        raw = request.args.get(name, "").strip()
        if not raw:
            return None
        number = to_int(raw)
        if number is None or not 1 <= number <= MAX_ID:
            self.errors[name] = message
            return None
        return number

    def _day(self, name: str) -> date | None:
        raw = request.args.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = gettext(
                "Enter a date as year-month-day, e.g. %(example)s.", example=DATE_EXAMPLE
            )
            return None


def _choices() -> tuple[list[tuple[str, str]], list[tuple[int, str]]]:
    """The kinds of objects and the people, in the reader's language and by name."""
    kinds = sorted(((t, type_label(t)) for t in object_types()), key=lambda c: c[1].lower())
    return kinds, people()


def _page(filters: Filters, results: Page[ShownEntry], status: int = 200):
    kinds, persons = _choices()
    return render_template(
        "audit/index.html",
        filters=filters.value,
        errors=filters.errors,
        raw=request.args,
        results=results,
        kinds=kinds,
        people=persons,
    ), status


@bp.get("/audit")
@allow(Role.MANAGER, Role.ADMIN)
def index():
    filters = Filters()
    page = whole_number("page", 1, MAX_PAGE) or 1
    per_page = min(whole_number("per_page", 1, MAX_PER_PAGE) or PER_PAGE, MAX_PER_PAGE)
    if filters.errors:
        return _page(filters, Page([], 1, per_page, 0), 422)
    found = audit_page(filters.value, page, per_page)
    results = Page(shown_entries(found.items, current_user), found.page, per_page, found.total)
    return _page(filters, results)


def _rows(f: AuditFilter) -> Iterator[list[object]]:
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


def _chunks(entries: Iterator[AuditEntry], size: int = 500) -> Iterator[list[AuditEntry]]:
    chunk: list[AuditEntry] = []
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reader_rows(f: AuditFilter) -> Iterator[list[object]]:
    """The entries in the reader's language: labels for actions, kinds, fields and values;
    the names a chunk's fields refer to are read once for the chunk."""
    for chunk in _chunks(all_entries(f)):
        yield from _reader_chunk(chunk)


def _reader_chunk(chunk: list[AuditEntry]) -> Iterator[list[object]]:
    names = referenced_names(chunk)
    for entry in chunk:
        seen = shown(entry, names=names)
        yield [
            entry.id,
            entry.at,
            entry.actor_id or "",
            seen.who,
            action_label(entry.action),
            seen.kind,
            entry.object_id if entry.object_id is not None else "",
            "; ".join(f"{c.label}: {change_text(entry, c)}" for c in seen.changes),
        ]


@bp.get("/exports/audit.csv")
@allow(Role.MANAGER, Role.ADMIN)
def audit_csv():
    filters = Filters()
    if filters.errors:
        return _page(filters, Page([], 1, PER_PAGE, 0), 422)
    rows: Callable[[AuditFilter], Iterator[list[object]]] = _rows
    header: list[str] = list(CSV_COLUMNS)
    if request.args.get("labels") == "1":
        rows, header = _reader_rows, [str(label) for label in READER_COLUMNS]
    return Response(
        stream_with_context(exports.csv_stream(header, rows(filters.value))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
