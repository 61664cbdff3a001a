"""`flask demo --scale N`: N proposals shaped like the Digital Agenda, for benchmarks.

Proportional pilots, participation (about ten records per proposal), partners and
history, written a chunk at a time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from flask_babel import format_decimal, gettext
from sqlalchemy import select, text

from ..extensions import db
from ..lifecycle import EXPERIMENT_STATES, Role, Status
from ..models import Programme, User
from ..services.transaction import unit_of_work
from . import texts
from .generator import Generator, applicant_row
from .pilots import ExperimentStory, Pilot, plan_experiment
from .plans import PlannedProposal
from .programmes import ANNUAL_BUDGET
from .proposals import PROPOSER_TYPES, idea, status_plan, timeline
from .users import ensure_users

CHUNK = 5000
FOUNDED = datetime(2015, 1, 15, 9, tzinfo=UTC)


def load_scale(n: int) -> str:
    """N proposals of the Digital Agenda's shape in the programme "Scale test N"."""
    started = time.perf_counter()
    name = f"Scale test {n}"
    with unit_of_work():
        users = ensure_users()
        db.session.flush()
        if db.session.scalar(select(Programme.id).where(Programme.name == name)) is not None:
            return gettext("%(programme)s already exists.", programme=name)
        Scale(users, n).load()
    seconds = format_decimal(round(time.perf_counter() - started, 1), "0.0")
    return gettext(
        "%(programme)s: %(n)d proposals in %(seconds)s s.", programme=name, n=n, seconds=seconds
    )


class Scale(Generator):
    """The programme "Scale test N", seeded with N."""

    def __init__(self, users: dict[Role, User], n: int):
        super().__init__(users, seed=n)
        self.n = n

    def load(self) -> None:
        """Write the programme, organisations and applicants, then the proposals by chunks."""
        rng, n = self.rng, self.n
        # One Digital Agenda's annual budget for each 158 proposals.
        annual = ANNUAL_BUDGET * max(1, round(Fraction(n, 158)))
        self.make_programme(f"Scale test {n}", "Generated for benchmarks.", annual)
        statuses = self._statuses()
        organisations = self.writer.organisations(
            [
                {
                    "name": _organisation_name(rng, i),
                    "type": "company" if i % 4 else "community",
                    "business_id": None,
                    "created_at": FOUNDED,
                }
                for i in range(max(10, round(n * 0.45)))
            ]
        )
        owners = self.applicants(
            [
                applicant_row(
                    f"scale{n}.applicant{i}@scale.kokeilu.example",
                    f"{rng.choice(texts.FIRST_NAMES)} {rng.choice(texts.LAST_NAMES)}",
                    "fi",
                    None,
                    None,
                )
                for i in range(max(1, n // 25))
            ]
        )
        analysed = 0
        for start in range(0, n, CHUNK):
            plans = [
                self.plan(status, rng.choice(owners), organisations)
                for status in statuses[start : start + CHUNK]
            ]
            self.write(plans)
            written = start + len(plans)
            if written >= 2 * analysed and db.session.get_bind().dialect.name == "postgresql":
                # The tables grow inside one transaction, past autovacuum's sight: without
                # fresh statistics PostgreSQL plans the next chunks' score and search
                # updates for empty tables (scans per row). Each doubling, a few times in all.
                db.session.execute(text("ANALYZE"))
                analysed = written

    def _statuses(self) -> list[Status]:
        """The N proposals' statuses in the Digital Agenda's proportions, shuffled."""
        n = self.n
        drafts = round(n * 3 / 161)
        left = n - drafts
        carried = max(1, round(left * 20 / 158))
        statuses = status_plan(left, drafts, carried)
        discontinued = max(1, round(carried / 20))
        evaluation, running = round(carried * 2 / 20), round(carried / 20)
        adopted = max(0, carried - discontinued - evaluation - running)
        statuses += (
            [Status.DISCONTINUED] * discontinued
            + [Status.EVALUATION] * evaluation
            + [Status.PILOT] * running
            + [Status.ADOPTED] * adopted
        )
        self.rng.shuffle(statuses)
        return statuses

    def plan(self, status: Status, owner_id: int, organisations: list[int]) -> PlannedProposal:
        """One proposal of the status, with its experiment if it reached pilot."""
        rng = self.rng
        proposer_type = rng.weighted(*PROPOSER_TYPES)
        org = None if proposer_type == "resident" else rng.choice(organisations)
        call = rng.choice(self.calls)
        lang = 0 if rng.random() < 0.6 else 1
        plan = idea(self.cast, self.programme_id, status, call, owner_id, proposer_type, org, lang)
        timeline(self.cast, plan, status, call, owner_id, lang)
        if status in EXPERIMENT_STATES:
            pilot = self._pilot(plan, status, org, lang, organisations)
            plan_experiment(self.cast, plan, status, pilot)
        return plan

    def _pilot(
        self,
        plan: PlannedProposal,
        status: Status,
        org: int | None,
        lang: int,
        organisations: list[int],
    ) -> Pilot:
        """An experiment starting after the decision, told as one of the texts' twenty."""
        rng = self.rng
        decided = plan.moves[-1][2].date()
        start = decided + timedelta(days=rng.randint(14, 60))
        budget = Decimal(rng.randrange(8000, 30001, 500))
        story = ExperimentStory(*rng.choice(texts.EXPERIMENTS))
        recommendation = "discontinue" if status == Status.DISCONTINUED else "adopt"
        evaluation = (
            None
            if status == Status.PILOT
            else story.evaluation(status, rng.randint(50, 500), recommendation)
        )
        return Pilot(
            start=start,
            months=rng.randint(3, 9),
            budget=budget,
            owner_org=org,
            partners=rng.sample(organisations, min(len(organisations), rng.randint(2, 4))),
            research_partner=None,
            totals=(rng.randint(150, 480), rng.randint(2, 6), rng.randint(10, 30)),
            lang=lang,
            decision=story.decision or story.lessons,
            lessons=story.lessons or story.decision,
            evaluation=evaluation,
            city_unit=story.city_unit,
        )


def _organisation_name(rng, i: int) -> str:
    """Every fourth bulk organisation is a community, the rest companies."""
    if i % 4:
        return f"{rng.choice(texts.COMPANY_WORDS)} {rng.choice(texts.COMPANY_DOMAINS)} {i} Oy"
    return f"{rng.choice(texts.COMMUNITY_PLACES)} {rng.choice(texts.COMMUNITY_KINDS)}"
