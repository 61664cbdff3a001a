"""Each object's own change history, and the page each audit entry belongs to.

An object's page (a proposal, an experiment, a programme, a user) shows the entries of the
object and of the records that belong to it (an experiment's expenses, a programme's calls
and scorecard). A record that belongs to another is found by its parent's key: in its row
while it exists, in its creation or deletion entry (which keep every field) once it is gone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import url_for
from flask_babel import gettext
from sqlalchemy import (
    ColumnElement,
    DateTime,
    and_,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload

from .audit import DELETED
from .audit_labels import REFERENCES, UNSHOWN, Names, ShownEntry, shown
from .extensions import Model, db
from .lifecycle import Role
from .models import AuditEntry, Call, Organisation, Programme, User

# Each kind of record that belongs to another: its parent's kind and the key naming it.
PARENTS: dict[str, tuple[str, str]] = {
    "proposal_centre": ("proposal", "proposal_id"),
    "proposal_sdg": ("proposal", "proposal_id"),
    "review": ("proposal", "proposal_id"),
    "proposal_message": ("proposal", "proposal_id"),
    "attachment": ("proposal", "proposal_id"),
    "reviewer_assignment": ("proposal", "proposal_id"),
    "experiment_report": ("experiment", "experiment_id"),
    "report_count": ("experiment_report", "report_id"),
    "report_reminder": ("experiment", "experiment_id"),
    "team_member": ("experiment", "experiment_id"),
    "experiment_subscription": ("experiment", "experiment_id"),
    "experiment_milestone": ("experiment", "experiment_id"),
    "experiment_partner": ("experiment", "experiment_id"),
    "participation": ("experiment", "experiment_id"),
    "expense": ("experiment", "experiment_id"),
    "risk": ("experiment", "experiment_id"),
    "evaluation": ("experiment", "experiment_id"),
    "experiment_feedback": ("experiment", "experiment_id"),
    "call": ("programme", "programme_id"),
    "programme_year": ("programme", "programme_id"),
    "programme_goal": ("programme", "programme_id"),
    "programme_risk": ("programme", "programme_id"),
    "goal_follow_up": ("programme_goal", "goal_id"),
    "api_token": ("user", "user_id"),
}


def _staff(user: User) -> bool:
    return bool(user.is_staff)


def _programme_managers(user: User) -> bool:
    return user.role in (Role.MANAGER, Role.ADMIN)


def _admins(user: User) -> bool:
    return user.role == Role.ADMIN


@dataclass(frozen=True)
class ObjectPage:
    """A page that shows one object of the root kind, and who may read it."""

    endpoint: str
    argument: str
    root: str
    readers: Callable[[User], bool]


PAGES = {
    "proposal": ObjectPage("proposals.show", "proposal_id", "proposal", _staff),
    "experiment": ObjectPage("pilots.show", "experiment_id", "experiment", _staff),
    "programme": ObjectPage("programmes.show", "programme_id", "programme", _programme_managers),
    "scorecard": ObjectPage("scorecard.show", "programme_id", "programme", lambda user: True),
    "user": ObjectPage("admin.user", "user_id", "user", _admins),
}
# The scorecard's records have a page of their own, the public scorecard.
SCORECARD = frozenset({"programme_goal", "goal_follow_up", "programme_risk"})
# Where on its parent's page a record's section is.
ANCHORS = {
    "experiment_partner": "partners",
    "participation": "participation",
    "expense": "expenses",
    "risk": "risks",
    "evaluation": "evaluation",
}


def root_of(object_type: str) -> str:
    """The kind of object whose page shows this kind's changes."""
    while object_type in PARENTS:
        object_type = PARENTS[object_type][0]
    return object_type


def page_of(object_type: str) -> ObjectPage | None:
    if object_type in SCORECARD:
        return PAGES["scorecard"]
    return next((p for p in PAGES.values() if p.root == root_of(object_type)), None)


@cache
def _models() -> dict[str, Any]:
    return {mapper.local_table.name: mapper.class_ for mapper in Model.registry.mappers}


def _kept_parent(entry: Any, key: str) -> ColumnElement[Any]:
    """The parent's id an entry kept: a creation's new value, or a deletion's old one."""
    return func.coalesce(entry.changes[(key, 1)].as_integer(), entry.changes[(key, 0)].as_integer())


def _ids(object_type: str, root: str, root_id: int) -> Any:
    """The ids of the records of this kind that belong to the root object, past and present."""
    if object_type == root:
        return [root_id]
    parent, key = PARENTS[object_type]
    parent_ids = _ids(parent, root, root_id)
    model = _models()[object_type]
    recorded = aliased(AuditEntry)
    return union(
        select(model.id).where(getattr(model, key).in_(parent_ids)),
        select(recorded.object_id).where(
            recorded.object_type == object_type, _kept_parent(recorded, key).in_(parent_ids)
        ),
    )


def _part_of(object_type: str, root: str, root_id: int) -> ColumnElement[bool]:
    if object_type == root:
        return and_(AuditEntry.object_type == root, AuditEntry.object_id == root_id)
    parent, key = PARENTS[object_type]
    found = [_kept_parent(AuditEntry, key).in_(_ids(parent, root, root_id))]
    if hasattr(_models()[object_type], "id"):  # records with a key of several columns have none
        found.append(AuditEntry.object_id.in_(_ids(object_type, root, root_id)))
    return and_(AuditEntry.object_type == object_type, or_(*found))


# How many of an object's latest changes its own page shows; /audit has them all.
OWN_CHANGES = 50


def object_history(
    root: str, root_id: int, leave_out: Iterable[str] = (), limit: int = OWN_CHANGES
) -> list[AuditEntry]:
    """The latest changes of the object and its records, newest first (one statement)."""
    kinds = [root, *(kind for kind in PARENTS if root_of(kind) == root)]
    kinds = [kind for kind in kinds if kind not in set(leave_out) and kind in _models()]
    where = or_(false(), *(_part_of(kind, root, root_id) for kind in kinds))
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(where)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def _parents(object_type: str, ids: set[int]) -> dict[int, int]:
    """The parent ids of existing records of a kind (one statement)."""
    parent, key = PARENTS[object_type]
    model = _models()[object_type]
    if not ids or not hasattr(model, "id"):
        return {}
    rows = db.session.execute(select(model.id, getattr(model, key)).where(model.id.in_(ids)))
    return {record_id: parent_id for record_id, parent_id in rows}


def _existing(object_type: str, ids: set[int]) -> set[int]:
    model = _models()[object_type]
    return set(db.session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()


def page_targets(
    entries: Sequence[AuditEntry], reader: User
) -> dict[int, tuple[ObjectPage, int, str | None]]:
    """For each entry whose object has a page this reader may see: the page, the root
    object's id and the section's anchor. One statement per kind of record on the page."""
    # Each entry's (kind, id, the parent id the entry kept) climbs to its root, a level a round.
    states: dict[int, tuple[str, int | None, int | None]] = {}
    for entry in entries:
        page = page_of(entry.object_type)
        if page is None or not page.readers(reader):
            continue
        if entry.object_type == page.root and entry.action == DELETED:
            continue  # its page is gone
        states[entry.id] = (entry.object_type, entry.object_id, _kept_value(entry))
    while kinds := {kind for kind, _, _ in states.values() if kind in PARENTS}:
        for kind in kinds:
            ids = {i for k, i, _ in states.values() if k == kind and i is not None}
            found = _parents(kind, ids)
            for entry_id, (k, i, kept) in list(states.items()):
                if k == kind:
                    parent = found.get(i) if i is not None else None
                    states[entry_id] = (PARENTS[kind][0], kept if parent is None else parent, None)
    at = {entry_id: (kind, i) for entry_id, (kind, i, _) in states.items()}
    roots: dict[str, set[int]] = {}
    for kind, i in at.values():
        if i is not None:
            roots.setdefault(kind, set()).add(i)
    existing = {kind: _existing(kind, ids) for kind, ids in roots.items()}
    by_id = {entry.id: entry for entry in entries}
    targets = {}
    for entry_id, (kind, i) in at.items():
        if i is not None and i in existing.get(kind, set()):
            page = page_of(by_id[entry_id].object_type)
            if page is not None:
                targets[entry_id] = (page, i, ANCHORS.get(by_id[entry_id].object_type))
    return targets


def _kept_value(entry: AuditEntry) -> int | None:
    """The parent id the entry itself kept (a creation's or deletion's), if any."""
    if entry.object_type not in PARENTS:
        return None
    kept = (entry.changes or {}).get(PARENTS[entry.object_type][1])
    if not isinstance(kept, list) or not kept:
        return None
    value = kept[1] if len(kept) > 1 and kept[1] is not None else kept[0]
    return value if isinstance(value, int) else None


def _url(target: tuple[ObjectPage, int, str | None] | None) -> str | None:
    if target is None:
        return None
    page, root_id, anchor = target
    return url_for(page.endpoint, **{page.argument: root_id}, _anchor=anchor)


# Typed, so that PostgreSQL matches it with the accounts' column in the union.
_NEVER_ERASED = cast(null(), DateTime(timezone=True))
# Each kind of named object: its id, its name, and when its name was erased (accounts only).
_NAMED: dict[str, tuple[Any, ...]] = {
    "user": (User.id, User.name, User.deleted_at),
    "organisation": (Organisation.id, Organisation.name, _NEVER_ERASED),
    "call": (Call.id, Call.title, _NEVER_ERASED),
    "programme": (Programme.id, Programme.name, _NEVER_ERASED),
}


def referenced_names(entries: Iterable[AuditEntry]) -> Names:
    """The names of the people and objects the entries' fields refer to, in one statement
    whatever kinds they are; a deleted account is "Deleted user"."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        for field, values in (entry.changes or {}).items():
            if field in REFERENCES and isinstance(values, list):
                # A value is an id, or a list of them (a many-to-many collection).
                flat = [i for v in values for i in (v if isinstance(v, list) else [v])]
                ids = {i for i in flat if isinstance(i, int)}
                wanted.setdefault(REFERENCES[field], set()).update(ids)
    parts = [
        select(literal(table).label("kind"), *_labelled(_NAMED[table])).where(
            _NAMED[table][0].in_(ids)
        )
        for table, ids in sorted(wanted.items())
        if ids
    ]
    if not parts:
        return {}
    names: Names = {}
    for kind, object_id, name, erased_at in db.session.execute(union_all(*parts)):
        names[(kind, object_id)] = gettext("Deleted user") if erased_at is not None else name
    return names


def _labelled(columns: tuple[Any, ...]) -> tuple[Any, ...]:
    object_id, name, erased_at = columns
    return (object_id.label("id"), name.label("name"), erased_at.label("erased_at"))


def shown_entries(entries: Sequence[AuditEntry], reader: User) -> list[ShownEntry]:
    """The entries in the reader's words, each with its object's page where they may see it."""
    targets, names = page_targets(entries, reader), referenced_names(entries)
    return [shown(entry, _url(targets.get(entry.id)), names) for entry in entries]


def shown_history(root: str, root_id: int, leave_out: Iterable[str] = ()) -> list[ShownEntry]:
    """An object's own history as its page shows it."""
    entries = object_history(root, root_id, leave_out)
    names = referenced_names(entries)
    return [shown(entry, names=names, unshown=_said(entry.object_type, root)) for entry in entries]


def _said(object_type: str, root: str) -> frozenset[str]:
    """The fields the page itself says: a record's key naming the page's own object."""
    parent = PARENTS.get(object_type)
    return UNSHOWN | {parent[1]} if parent and parent[0] == root else UNSHOWN
