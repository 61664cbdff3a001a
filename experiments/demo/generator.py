"""What the demo and the scale programmes share: the dice and cast, the programme and its
calls, and writing planned proposals in bulk."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ..extensions import db
from ..lifecycle import Role
from ..models import Call, User
from .bulk import BulkWriter
from .draws import DemoRandom
from .plans import CallInfo, Cast, PlannedProposal, write_plans
from .programmes import ensure_programme
from .texts import CALLS

# Generated applicants cannot sign in: no password verifies against this.
NO_PASSWORD = "!"
JOINED = datetime(2015, 1, 20, 9, tzinfo=UTC)


def applicant_row(
    email: str, name: str, locale: str, proposer_type: str | None, organisation_id: int | None
) -> dict:
    """A generated applicant's user row: confirmed, and unable to sign in."""
    return {
        "email": email,
        "name": name,
        "password_hash": NO_PASSWORD,
        "role": Role.APPLICANT,
        "locale": locale,
        "proposer_type": proposer_type,
        "organisation_id": organisation_id,
        "session_epoch": 0,
        "active": True,
        "created_at": JOINED,
        "email_confirmed_at": JOINED,
    }


class Generator:
    """A programme 2015–2021 with the four calls, generated from one seed."""

    def __init__(self, users: dict[Role, User], seed: int):
        self.cast = Cast(DemoRandom(seed), users[Role.STAFF].id, users[Role.MANAGER].id)
        self.rng = self.cast.rng
        self.demo_applicant_id = users[Role.APPLICANT].id
        self.writer = BulkWriter(db.session.connection())

    def make_programme(self, name: str, description: str, annual: Decimal) -> None:
        """The programme with its calls; their ids are what the proposals point at."""
        programme = ensure_programme(name, 2015, 2021, description, annual)
        for title, opens, closes, call_description in CALLS:
            # The calls' descriptions are in English (their titles in Finnish and English).
            programme.calls.append(
                Call(
                    title=title,
                    opens_on=date(*opens),
                    language="en",
                    closes_on=date(*closes),
                    description=call_description,
                )
            )
        db.session.flush()
        self.programme_id = programme.id
        self.calls = [CallInfo(c.id, c.opens_on, c.closes_on) for c in programme.calls]

    def applicants(self, rows: list[dict]) -> list[int]:
        """Ids of the new applicants' rows."""
        return self.writer.insert(User, rows, returning=True)

    def write(self, plans: list[PlannedProposal]) -> None:
        """Insert the planned proposals and what hangs on them; the staff member evaluated."""
        write_plans(self.writer, plans, self.cast.staff_id)
