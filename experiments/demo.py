"""Demo data: one user per role and an open programme for the current year.

Idempotent: every record is looked up by its natural key before it is created.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from .extensions import db
from .lifecycle import Role
from .models import Call, Programme, ProgrammeYear, User
from .security import hash_password
from .vocabulary import ProposerType

ANNUAL_BUDGET = Decimal("250000.00")

# Documented in the README; for trying the workflow, never for production.
DEMO_USERS = (
    ("applicant@kokeilu.example", "Aino Asukas", Role.APPLICANT, "kokeilu-applicant-demo"),
    ("staff@kokeilu.example", "Sami Screener", Role.STAFF, "kokeilu-staff-demo"),
    ("manager@kokeilu.example", "Maria Manager", Role.MANAGER, "kokeilu-manager-demo"),
    ("admin@kokeilu.example", "Antti Admin", Role.ADMIN, "kokeilu-admin-demo"),
)


def ensure_users() -> dict[Role, User]:
    users = {}
    for email, name, role, password in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                        locale="fi",
                        proposer_type=ProposerType.RESIDENT if role == Role.APPLICANT else None)
            db.session.add(user)
        users[role] = user
    return users


def ensure_programme(name: str, start_year: int, end_year: int, description: str) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.name == name))
    if programme is None:
        programme = Programme(name=name, start_year=start_year, end_year=end_year,
                              description=description)
        db.session.add(programme)
        for year in range(start_year, end_year + 1):
            programme.years.append(ProgrammeYear(year=year, annual_budget=ANNUAL_BUDGET))
    return programme


def ensure_call(programme: Programme, title: str, opens_on: date, closes_on: date,
                description: str) -> Call:
    call = db.session.scalar(
        select(Call).where(Call.programme_id == programme.id, Call.title == title)
    ) if programme.id else None
    if call is None:
        call = Call(programme=programme, title=title, opens_on=opens_on, closes_on=closes_on,
                    description=description)
        db.session.add(call)
    return call


def ensure_open_programme(today: date | None = None) -> Programme:
    """A programme spanning the current year with one call open now; new proposals join it."""
    year = (today or date.today()).year
    programme = ensure_programme(
        f"Kokeilu {year}", year, year,
        "The current experiment programme: propose a service experiment to the city.",
    )
    db.session.flush()
    ensure_call(programme, f"Open call {year}", date(year, 1, 1), date(year, 12, 31),
                "Ideas for better city services: any service area, any city centre.")
    return programme


def load_demo() -> str:
    ensure_users()
    ensure_open_programme()
    db.session.commit()
    return "demo data loaded"


def load_scale(n: int) -> str:
    raise NotImplementedError("flask demo --scale arrives with the statistics work (issue 4)")
