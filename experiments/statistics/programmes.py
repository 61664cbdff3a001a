"""The programmes and calls the statistics can be asked for (the choosers of the pages)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Call, Programme

DIGITAL_AGENDA = "Digital Agenda 2015–2021"


@dataclass(frozen=True)
class ProgrammeRef:
    id: int
    name: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class CallRef:
    id: int
    title: str


def programme_refs() -> list[ProgrammeRef]:
    """Every programme, newest period first, for the dashboard's chooser."""
    rows = db.session.execute(
        select(Programme.id, Programme.name, Programme.start_year, Programme.end_year).order_by(
            Programme.start_year.desc(), Programme.id
        )
    ).all()
    return [ProgrammeRef(*row) for row in rows]


def default_programme_id(refs: list[ProgrammeRef]) -> int | None:
    """The Digital Agenda if it exists, else the first programme."""
    for ref in refs:
        if ref.name == DIGITAL_AGENDA:
            return ref.id
    return refs[0].id if refs else None


def programme_calls(programme_id: int) -> list[CallRef]:
    """The programme's calls in opening order, for the dashboard's call filter."""
    rows = db.session.execute(
        select(Call.id, Call.title)
        .where(Call.programme_id == programme_id)
        .order_by(Call.opens_on, Call.id)
    ).all()
    return [CallRef(*row) for row in rows]
