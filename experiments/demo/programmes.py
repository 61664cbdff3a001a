"""The demo's programmes and calls, found by name or made; and the open current programme."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import Call, Programme, ProgrammeYear
from ..services import clock

ANNUAL_BUDGET = Decimal("250000.00")


def ensure_programme(
    name: str,
    start_year: int,
    end_year: int,
    description: str,
    annual_budget: Decimal = ANNUAL_BUDGET,
    language: str = "fi",
) -> Programme:
    """The programme of that name, or a new one with the annual budget for every year."""
    programme = db.session.scalar(select(Programme).where(Programme.name == name))
    if programme is None:
        programme = Programme(
            name=name,
            start_year=start_year,
            end_year=end_year,
            description=description,
            language=language,
        )
        db.session.add(programme)
        for year in range(start_year, end_year + 1):
            programme.years.append(ProgrammeYear(year=year, annual_budget=annual_budget))
    return programme


def ensure_call(
    programme: Programme,
    title: str,
    opens_on: date,
    closes_on: date,
    description: str,
    language: str = "en",
) -> Call:
    """The programme's call of that title, or a new one."""
    call = (
        db.session.scalar(
            select(Call).where(Call.programme_id == programme.id, Call.title == title)
        )
        if programme.id
        else None
    )
    if call is None:
        call = Call(
            programme=programme,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
            description=description,
            language=language,
        )
        db.session.add(call)
    return call


def ensure_open_programme(today: date | None = None) -> Programme:
    """A programme spanning the current year with one call open now; new proposals join it."""
    year = (today or clock.today()).year
    programme = ensure_programme(
        f"Kokeilu {year}",
        year,
        year,
        "The current experiment programme: propose a service experiment to the city.",
        language="en",
    )
    db.session.flush()
    ensure_call(
        programme,
        f"Open call {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        "Ideas for better city services: any service area, any city centre.",
    )
    return programme
