"""Demo data: the Digital Agenda 2015–2021, one user per role, an open current programme,
and `--scale N` programmes of the same shape for benchmarks.

Deterministic (a seeded random.Random, no clock in the generated records) and idempotent:
a programme that exists is left as it is; users are looked up by e-mail. Rows go in with
Core executemany inserts, a chunk at a time; every move gets its history row.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from itertools import accumulate

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import format_decimal, gettext
from sqlalchemy import func, insert, select

from . import demo_texts as texts
from .demo_scorecard import ensure_scorecard  # the programme scorecard
from .extensions import db
from .lifecycle import EXPERIMENT_STATES, Role, Status
from .models import (
    Call,
    Evaluation,
    Expense,
    Experiment,
    ExperimentPartner,
    Organisation,
    Participation,
    Programme,
    ProgrammeYear,
    Proposal,
    ProposalCentre,
    ProposalSdg,
    Review,
    Risk,
    StatusChange,
    User,
    proposal_partner,
)
from .models.types import UTCDateTime
from .security import hash_password
from .statistics import DIGITAL_AGENDA
from .vocabulary import CityCentre, ProposerType

ANNUAL_BUDGET = Decimal("250000.00")
# Generated applicants cannot sign in: no password verifies against this.
NO_PASSWORD = "!"
CHUNK = 5000
# The languages of the demo texts, by their index in demo_texts' pairs.
LANGUAGES = ("fi", "en")

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
            user = User(
                email=email,
                name=name,
                role=role,
                password_hash=hash_password(password),
                locale="fi",
                proposer_type=ProposerType.RESIDENT if role == Role.APPLICANT else None,
            )
            db.session.add(user)
        users[role] = user
    return users


def ensure_programme(
    name: str,
    start_year: int,
    end_year: int,
    description: str,
    annual_budget: Decimal = ANNUAL_BUDGET,
    language: str = "fi",
) -> Programme:
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
    year = (today or date.today()).year
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


def load_demo() -> str:
    """Users, the Digital Agenda 2015–2021 and the open programme; a second run adds nothing."""
    users = ensure_users()
    db.session.flush()
    made = db.session.scalar(select(Programme.id).where(Programme.name == DIGITAL_AGENDA)) is None
    if made:
        _DigitalAgenda(users).load()
    ensure_open_programme()
    ensure_scorecard(db.session.scalar(select(Programme).where(Programme.name == DIGITAL_AGENDA)))
    db.session.commit()
    if made:
        return gettext("Demo data loaded (%(programme)s created).", programme=DIGITAL_AGENDA)
    return gettext("Demo data loaded (%(programme)s was there already).", programme=DIGITAL_AGENDA)


def load_scale(n: int) -> str:
    """N proposals of the Digital Agenda's shape in the programme "Scale test N"."""
    started = time.perf_counter()
    users = ensure_users()
    db.session.flush()
    name = f"Scale test {n}"
    if db.session.scalar(select(Programme.id).where(Programme.name == name)) is not None:
        return gettext("%(programme)s already exists.", programme=name)
    _Scale(users, n).load()
    db.session.commit()
    seconds = format_decimal(round(time.perf_counter() - started, 1), "0.0")
    return gettext(
        "%(programme)s: %(n)d proposals in %(seconds)s s.", programme=name, n=n, seconds=seconds
    )


# Planning: every proposal is planned in memory (PlannedProposal), then written in bulk.


@dataclass
class PlannedExperiment:
    row: dict
    partners: list[tuple[int, str]] = field(default_factory=list)
    participation: list[tuple[date, str, int]] = field(default_factory=list)
    expenses: list[tuple[date, Decimal, str]] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    evaluation: dict | None = None


@dataclass
class PlannedProposal:
    row: dict
    centres: list[str]
    sdgs: list[int]
    partners: list[int] = field(default_factory=list)
    moves: list[tuple] = field(default_factory=list)  # (from, to, at, actor_id, reason)
    reviews: list[dict] = field(default_factory=list)
    experiment: PlannedExperiment | None = None


@dataclass
class CallInfo:
    id: int
    opens_on: date
    closes_on: date


def business_id(number: int) -> str | None:
    """A Y-tunnus with its check digit for a seven-digit number; None if none is valid."""
    digits = f"{number:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return None
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


class _Random(random.Random):
    """random.Random with randint and choice from one random() call each: as deterministic,
    several times faster for the millions of draws of a scale run."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def weighted(self, items: tuple, cumulative: tuple):
        return items[bisect(cumulative, self.random() * cumulative[-1])]


def _moment(day: date, rng: _Random) -> datetime:
    """A time during office hours (Helsinki) on that day, in UTC."""
    return datetime(
        day.year, day.month, day.day, rng.randint(5, 13), rng.randint(0, 59), tzinfo=UTC
    )


def _split(total: int, parts: int, rng: _Random) -> list[int]:
    """total as `parts` positive whole numbers (fewer parts if total is smaller)."""
    parts = max(1, min(parts, total))
    weights = [rng.random() + 0.5 for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    shares[-1] += total - sum(shares)  # what flooring left over
    return shares


def _weighted(total: int, weights: list[float]) -> list[int]:
    """total shared in proportion to the weights, each share at least 1, summing exactly."""
    shares = [max(1, int(total * w / sum(weights))) for w in weights]
    i = 0
    while sum(shares) != total:
        step = 1 if sum(shares) < total else -1
        if step > 0 or shares[i % len(shares)] > 1:
            shares[i % len(shares)] += step
        i += 1
    return shares


def _money_split(total: Decimal, parts: int, rng: _Random) -> list[Decimal]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    amounts = [(total * Decimal(w / sum(weights))).quantize(Decimal("0.01")) for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


class _Generator:
    """What the demo and the scale programmes share: users, organisations, timelines, rows."""

    seed = 2015
    calls_spec = texts.CALLS

    def __init__(self, users: dict[Role, User]):
        self.rng = _Random(self.seed)
        self.staff_id = users[Role.STAFF].id
        self.manager_id = users[Role.MANAGER].id
        self.demo_applicant_id = users[Role.APPLICANT].id
        self.connection = db.session.connection()
        if self.connection.dialect.name == "sqlite":
            # Room for the indexes that a scale run grows (the default cache is 2 MB).
            self.connection.exec_driver_sql("PRAGMA cache_size = -262144")

    # rows that others point at

    def make_programme(self, name: str, description: str, annual: Decimal) -> None:
        programme = ensure_programme(name, 2015, 2021, description, annual)
        for title, opens, closes, call_description in self.calls_spec:
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

    def insert(
        self,
        model_or_table,
        rows: list[dict] | None = None,
        *,
        columns: dict[str, list] | None = None,
        returning: bool = False,
    ) -> list[int]:
        """Insert rows (dicts with the same keys) or columns (key → values); with returning,
        answer the new rows' ids.

        The compiled Core INSERT goes straight to the driver's executemany, values converted
        as the column types would: millions of rows at scale. New ids are reserved first.
        """
        table = getattr(model_or_table, "__table__", model_or_table)
        if columns is None:
            if not rows:
                return []
            columns = {key: [row[key] for row in rows] for key in rows[0]}
        count = len(next(iter(columns.values())))
        if not count:
            return []
        ids = []
        if returning:
            ids = self._reserve_ids(table, count)
            columns = {"id": ids, **columns}
        compiled = insert(table).compile(dialect=self.connection.dialect, column_keys=list(columns))
        keys = compiled.positiontup if compiled.positional else list(compiled.params)
        sqlite = self.connection.dialect.name == "sqlite"
        values = []
        for key in keys:
            convert = _converter(table.c[key].type, sqlite)
            if key not in columns:  # a column given by its default
                value = _default(table.c[key])
                values.append([convert(value) if convert else value] * count)
            else:
                values.append([convert(v) for v in columns[key]] if convert else columns[key])
        params = list(zip(*values, strict=True))
        if not compiled.positional:
            params = [dict(zip(keys, row, strict=True)) for row in params]
        for start in range(0, count, 50000):
            self.connection.exec_driver_sql(str(compiled), params[start : start + 50000])
        return ids

    def _reserve_ids(self, table, n: int) -> list[int]:
        """n new primary keys of the table that no concurrent insert can take."""
        if self.connection.dialect.name == "postgresql":
            return list(
                self.connection.execute(
                    select(func.nextval(func.pg_get_serial_sequence(table.name, "id"))).select_from(
                        func.generate_series(1, n)
                    )
                ).scalars()
            )
        # SQLite: this transaction has written already, so it holds the database's write
        # lock; nobody else inserts until it commits.
        first = self.connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar()
        return list(range(first + 1, first + 1 + n))

    def organisations(self, rows: list[dict]) -> list[int]:
        """Ids of the organisations, reusing any that exist with the same business ID."""
        wanted = [row["business_id"] for row in rows if row["business_id"]]
        existing = (
            dict(
                self.connection.execute(
                    select(Organisation.business_id, Organisation.id).where(
                        Organisation.business_id.in_(wanted)
                    )
                ).all()
            )
            if wanted
            else {}
        )
        new = [row for row in rows if row["business_id"] not in existing or not row["business_id"]]
        new_ids = iter(self.insert(Organisation, new, returning=True))
        return [
            existing[row["business_id"]] if row["business_id"] in existing else next(new_ids)
            for row in rows
        ]

    def applicants(self, rows: list[dict]) -> list[int]:
        return self.insert(User, rows, returning=True)

    # one proposal's story

    def timeline(
        self,
        plan: PlannedProposal,
        status: Status,
        call: CallInfo,
        owner_id: int,
        lang: int,
        *,
        submitted: date | None = None,
        decision: date | None = None,
    ):
        """History rows (and dates) that bring a proposal to its status, every move recorded."""
        rng, moves = self.rng, plan.moves
        row = plan.row
        row["language"] = LANGUAGES[lang]  # of its texts, and of the history's reasons
        if submitted is None:
            submitted = call.opens_on + timedelta(
                days=rng.randrange((call.closes_on - call.opens_on).days + 1)
            )
        at = _moment(submitted, rng)
        row["created_at"] = at - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 5))
        if status == Status.DRAFT:
            row["created_at"] = _moment(submitted, rng)
            row["updated_at"] = row["created_at"]
            return
        row["submitted_at"] = at
        moves.append((Status.DRAFT, Status.SUBMITTED, at, owner_id, None))
        if status == Status.WITHDRAWN and rng.random() < 0.5:
            moves.append(
                (
                    Status.SUBMITTED,
                    Status.WITHDRAWN,
                    at + timedelta(days=rng.randint(1, 20)),
                    owner_id,
                    rng.choice(texts.WITHDRAWALS)[lang] or None,
                )
            )
        elif status != Status.SUBMITTED:
            self._screening(plan, status, call, owner_id, lang, at, decision)
        row["updated_at"] = moves[-1][2]

    def _screening(self, plan, status, call, owner_id, lang, submitted_at, decision):
        rng, moves = self.rng, plan.moves
        start = max(
            submitted_at + timedelta(days=rng.randint(2, 10)),
            _moment(call.closes_on + timedelta(days=rng.randint(1, 14)), rng),
        )
        moves.append((Status.SUBMITTED, Status.SCREENING, start, self.staff_id, None))
        plan.reviews.append(
            self.review(status, start + timedelta(days=rng.randint(1, 10)), self.staff_id)
        )
        at = start
        question = rng.randrange(len(texts.QUESTIONS))
        if status in (Status.REJECTED, *EXPERIMENT_STATES) and rng.random() < 0.25:
            at += timedelta(days=rng.randint(3, 12))
            moves.append(
                (
                    Status.SCREENING,
                    Status.MORE_INFO,
                    at,
                    self.staff_id,
                    texts.QUESTIONS[question][lang],
                )
            )
            at += timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 6))
            moves.append(
                (Status.MORE_INFO, Status.SUBMITTED, at, owner_id, texts.ANSWERS[question][lang])
            )
            at += timedelta(days=rng.randint(1, 5))
            moves.append((Status.SUBMITTED, Status.SCREENING, at, self.staff_id, None))
        if status == Status.SCREENING:
            return
        if status == Status.MORE_INFO:
            moves.append(
                (
                    Status.SCREENING,
                    Status.MORE_INFO,
                    at + timedelta(days=rng.randint(3, 12)),
                    self.staff_id,
                    texts.QUESTIONS[question][lang],
                )
            )
        elif status == Status.WITHDRAWN:
            moves.append(
                (
                    Status.SCREENING,
                    Status.WITHDRAWN,
                    at + timedelta(days=rng.randint(2, 20)),
                    owner_id,
                    rng.choice(texts.WITHDRAWALS)[lang] or None,
                )
            )
        elif status == Status.REJECTED:
            moves.append(
                (
                    Status.SCREENING,
                    Status.REJECTED,
                    at + timedelta(days=rng.randint(10, 50)),
                    self.staff_id,
                    rng.choice(texts.REJECTIONS)[lang],
                )
            )
        else:
            when = _moment(decision, rng) if decision else at + timedelta(days=rng.randint(10, 50))
            when = max(when, at + timedelta(days=7))
            moves.append((Status.SCREENING, Status.PILOT, when, self.manager_id, None))
            plan.reviews.append(
                self.review(status, when - timedelta(days=rng.randint(1, 5)), self.manager_id)
            )

    def review(self, status: Status, at: datetime, reviewer_id: int) -> dict:
        low, high = (
            (4, 5)
            if status in EXPERIMENT_STATES
            else (1, 3)
            if status == Status.REJECTED
            else (2, 4)
        )
        scores = {
            c: self.rng.randint(low, high)
            for c in ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")
        }
        return {
            "reviewer_id": reviewer_id,
            **scores,
            "comment": "",
            "created_at": at,
            "updated_at": at,
        }

    def experiment(
        self,
        plan: PlannedProposal,
        status: Status,
        start: date,
        months: int,
        budget: Decimal,
        owner_org: int | None,
        partners: list[int],
        research_partner: int | None,
        totals: tuple[int, int, int],
        lang: int,
        decision: str | None,
        lessons: str | None,
        evaluation: dict | None,
        city_unit: str,
    ) -> PlannedExperiment:
        """The experiment of a proposal from pilot on, with its later moves in the history."""
        rng = self.rng
        planned_end = start + relativedelta(months=months)
        ended = status != Status.PILOT
        actual_end = None
        if ended:
            # 3–9 months, near the plan.
            actual_end = planned_end + timedelta(days=rng.randint(-7, 7))
            actual_end = min(
                max(actual_end, start + relativedelta(months=3)), start + relativedelta(months=9)
            )
        pilot_at = plan.moves[-1][2]
        experiment = PlannedExperiment(
            row={
                "allocated_budget": budget,
                "start_date": start,
                "planned_end_date": planned_end,
                "actual_end_date": actual_end,
                "owner_id": rng.choice((self.staff_id, self.manager_id)),
                "city_unit": city_unit,
                "decision": decision if status in (Status.ADOPTED, Status.DISCONTINUED) else None,
                "lessons_learned": lessons
                if status in (Status.ADOPTED, Status.DISCONTINUED)
                else None,
                "language": LANGUAGES[lang],
                "created_at": pilot_at,
            }
        )
        if owner_org is not None:
            experiment.partners.append((owner_org, "lead"))
        experiment.partners += [(org, "partner") for org in partners if org != owner_org]
        if research_partner is not None and research_partner != owner_org:
            experiment.partners.append((research_partner, "research"))
        plan.partners = [org for org, role in experiment.partners if role != "lead"]

        until = actual_end or planned_end
        span = (until - start).days
        weeks = max(1, span // 7)
        residents, companies, employees = totals
        # Residents and customers twice a week, the others at most weekly, spread evenly.
        for category, total, per_week in (
            ("residents_customers", residents, 2),
            ("companies_communities", companies, 1),
            ("employees", employees, 1),
        ):
            counts = _split(total, weeks * per_week, rng)
            days = len(counts)
            experiment.participation += [
                (start + timedelta(days=i * span // days), category, count)
                for i, count in enumerate(counts)
            ]

        share = Decimal(rng.uniform(0.8, 1.0) if ended else rng.uniform(0.3, 0.6))
        parts = rng.randint(2, 5)
        spent = (budget * share).quantize(Decimal("0.01"))
        for i, amount in enumerate(_money_split(spent, parts, rng)):
            day = start + timedelta(days=(until - start).days * i // parts)
            experiment.expenses.append((day, amount, rng.choice(texts.EXPENSES)))

        for risk in rng.sample(texts.RISKS, rng.randint(1, 3)):
            experiment.risks.append(
                {
                    "description": risk[lang],
                    "mitigation": risk[2 + lang],
                    "probability": rng.randint(1, 4),
                    "impact": rng.randint(1, 4),
                    "status": rng.choice(("green", "green", "yellow", "red")),
                    "language": LANGUAGES[lang],
                    "created_at": pilot_at + timedelta(days=rng.randint(1, 10)),
                }
            )

        if ended:
            evaluated_at = _moment(actual_end + timedelta(days=rng.randint(1, 7)), rng)
            plan.moves.append((Status.PILOT, Status.EVALUATION, evaluated_at, self.staff_id, None))
            if evaluation is not None:
                evaluation.setdefault("updated_at", evaluated_at + timedelta(days=3))
                evaluation["language"] = LANGUAGES[lang]
                experiment.evaluation = evaluation
            if status == Status.ADOPTED:
                plan.moves.append(
                    (
                        Status.EVALUATION,
                        Status.ADOPTED,
                        evaluated_at + timedelta(days=rng.randint(14, 45)),
                        self.manager_id,
                        None,
                    )
                )
            elif status == Status.DISCONTINUED:
                plan.moves.append(
                    (
                        Status.EVALUATION,
                        Status.DISCONTINUED,
                        evaluated_at + timedelta(days=rng.randint(7, 30)),
                        self.manager_id,
                        decision,
                    )
                )
        plan.row["updated_at"] = plan.moves[-1][2]
        plan.experiment = experiment
        return experiment

    # writing

    def write(self, plans: list[PlannedProposal]) -> None:
        """Insert the planned proposals and everything that hangs on them, in bulk."""
        for plan in plans:
            plan.row["version"] = 1 + len(plan.moves)
            plan.row.setdefault("submitted_at", None)
        ids = self.insert(Proposal, [p.row for p in plans], returning=True)
        pairs = list(zip(ids, plans, strict=True))
        self.insert(
            ProposalCentre,
            columns=_children(
                pairs, "proposal_id", ("centre",), lambda p: [(c,) for c in p.centres]
            ),
        )
        self.insert(
            ProposalSdg,
            columns=_children(pairs, "proposal_id", ("sdg",), lambda p: [(g,) for g in p.sdgs]),
        )
        self.insert(
            proposal_partner,
            columns=_children(
                pairs, "proposal_id", ("organisation_id",), lambda p: [(o,) for o in p.partners]
            ),
        )
        self.insert(
            StatusChange,
            columns=_children(
                pairs,
                "proposal_id",
                ("from_status", "to_status", "at", "actor_id", "reason", "language"),
                lambda p: [(*move, p.row["language"]) for move in p.moves],
            ),
        )
        self.insert(Review, [{"proposal_id": i, **r} for i, p in pairs for r in p.reviews])
        experiments = [(i, p.experiment) for i, p in pairs if p.experiment]
        experiment_ids = self.insert(
            Experiment, [{"proposal_id": i, **e.row} for i, e in experiments], returning=True
        )
        done = list(zip(experiment_ids, (e for _, e in experiments), strict=True))
        self.insert(
            ExperimentPartner,
            columns=_children(
                done, "experiment_id", ("organisation_id", "role"), lambda e: e.partners
            ),
        )
        participation = _children(
            done, "experiment_id", ("date", "category", "count"), lambda e: e.participation
        )
        participation["note"] = [""] * len(participation["date"])
        participation["created_at"] = [_afternoon(d) for d in participation["date"]]
        self.insert(Participation, columns=participation)
        expenses = _children(
            done, "experiment_id", ("date", "amount", "description"), lambda e: e.expenses
        )
        expenses["created_at"] = [_afternoon(d) for d in expenses["date"]]
        self.insert(Expense, columns=expenses)
        self.insert(
            Risk, [{"experiment_id": i, "owner": "", **r} for i, e in done for r in e.risks]
        )
        self.insert(
            Evaluation,
            [
                {"experiment_id": i, "author_id": self.staff_id, **e.evaluation}
                for i, e in done
                if e.evaluation
            ],
        )

    # texts of the proposals that were not carried out

    def idea_row(
        self,
        status: Status,
        call: CallInfo,
        owner_id: int,
        proposer_type: str,
        organisation_id: int | None,
        lang: int,
    ) -> PlannedProposal:
        rng = self.rng
        idea = rng.choice(texts.IDEAS)
        area, sdgs = idea[0], list(idea[1])
        centre = rng.choice(_CENTRES)
        centres = [centre] + (
            [rng.choice([c for c in _CENTRES if c not in (centre, "city_wide")])]
            if centre != "city_wide" and rng.random() < 0.3
            else []
        )
        if rng.random() < 0.2:
            sdgs.append(rng.choice([g for g in range(1, 18) if g not in sdgs]))
        group = rng.choice(texts.TARGET_GROUPS)
        months = rng.randint(3, 12)
        budget = Decimal(rng.randrange(5000, 60001, 500))
        title = f"{idea[2 + lang]}: {texts.CENTRE_NAMES[centre][lang]}"
        summary = idea[4 + lang] + (
            f" Palvelu suunnataan erityisesti {group[0]}."
            if lang == 0
            else f" It is aimed especially at {group[1]}."
        )
        summary += (
            f" Kokeilu kestäisi {months} kuukautta."
            if lang == 0
            else f" The pilot would last {months} months."
        )
        row = {
            "programme_id": self.programme_id,
            "call_id": call.id,
            "owner_id": owner_id,
            "title": title[:200],
            "summary": summary,
            "need": idea[6 + lang],
            "proposer_type": proposer_type,
            "organisation_id": organisation_id,
            "service_area": area,
            "requested_budget": budget,
            "planned_duration_months": months,
            "status": status,
        }
        return PlannedProposal(row=row, centres=centres, sdgs=sdgs)


_CENTRES = [c.value for c in CityCentre]
_PROPOSER_WEIGHTS = (
    ("company", 45),
    ("community", 20),
    ("research", 6),
    ("education", 6),
    ("resident", 23),
)
_PROPOSER_TYPES = (
    tuple(t for t, _ in _PROPOSER_WEIGHTS),
    tuple(accumulate(w for _, w in _PROPOSER_WEIGHTS)),
)


def _status_plan(left_draft: int, drafts: int, carried: int) -> list[Status]:
    """Statuses in the Digital Agenda's proportions for proposals not carried out."""
    rest = left_draft - carried
    counts = {
        Status.WITHDRAWN: round(rest * 14 / 138),
        Status.SCREENING: round(rest * 6 / 138),
        Status.MORE_INFO: round(rest * 4 / 138),
        Status.SUBMITTED: round(rest * 6 / 138),
    }
    counts[Status.REJECTED] = rest - sum(counts.values())
    return [Status.DRAFT] * drafts + [s for s, n in counts.items() for _ in range(n)]


class _DigitalAgenda(_Generator):
    """The Digital Agenda 2015–2021 as SPEC publishes it: 158 proposals left draft (3 more
    are drafts), 20 carried out, 1 discontinued, > 6,000 residents and customers, > 70
    partner companies and communities, about 400 employees, 250,000 a year."""

    PROPOSALS, DRAFTS, CARRIED_OUT = 158, 3, 20
    # Participants: residents and customers, companies and communities, city employees.
    PARTICIPANTS = (6318, 78, 401)
    PILOT_STARTS = (
        (0, (2015, 8, 17)),
        (0, (2015, 9, 1)),
        (0, (2015, 10, 5)),
        (0, (2016, 1, 11)),
        (0, (2016, 2, 1)),
        (1, (2016, 6, 6)),
        (1, (2016, 8, 15)),
        (1, (2017, 1, 9)),
        (1, (2017, 3, 1)),
        (2, (2018, 2, 5)),
        (2, (2018, 3, 12)),
        (2, (2018, 4, 9)),
        (2, (2018, 8, 13)),
        (3, (2019, 6, 3)),
        (3, (2019, 8, 12)),
        (3, (2019, 9, 2)),
        (3, (2020, 2, 3)),
        (3, (2020, 8, 17)),
        (3, (2021, 2, 1)),
        (3, (2021, 8, 16)),
    )
    STATUSES = (
        *[Status.ADOPTED] * 13,
        Status.DISCONTINUED,
        *[Status.ADOPTED] * 3,
        Status.EVALUATION,
        Status.EVALUATION,
        Status.PILOT,
    )

    def load(self) -> None:
        self.make_programme(
            DIGITAL_AGENDA,
            "Espoon digitaalinen agenda: kaupunki kokeilee uusia digitaalisia palveluita "
            "yhdessä yritysten, yhteisöjen, tutkimuslaitosten ja asukkaiden kanssa. / The "
            "City of Espoo's Digital Agenda: the city tries new digital services together "
            "with companies, communities, research institutions and residents.",
            ANNUAL_BUDGET,
        )
        orgs = self.make_organisations()
        owners = self.make_owners(orgs)
        plans = self.carried_out(orgs, owners) + self.others(owners)
        self.write(plans)

    def make_organisations(self) -> dict[str, list[int]]:
        rng = self.rng
        numbers = iter(rng.sample(range(2_000_000, 3_300_000), 400))

        def next_business_id():
            while (found := business_id(next(numbers))) is None:
                pass
            return found

        companies = rng.sample(
            [f"{w} {d} Oy" for w in texts.COMPANY_WORDS for d in texts.COMPANY_DOMAINS], 70
        )
        communities = rng.sample(
            [f"{p} {k}" for p in texts.COMMUNITY_PLACES for k in texts.COMMUNITY_KINDS], 30
        )
        rows = (
            [{"name": n, "type": "company", "business_id": next_business_id()} for n in companies]
            + [
                {"name": n, "type": "community", "business_id": next_business_id()}
                for n in communities
            ]
            + [{"name": n, "type": "research", "business_id": None} for n in texts.RESEARCH_ORGS]
            + [{"name": n, "type": "education", "business_id": None} for n in texts.EDUCATION_ORGS]
        )
        for row in rows:
            row["created_at"] = datetime(2015, 1, 15, 9, tzinfo=UTC)
        ids = self.organisations(rows)
        by_type: dict[str, list[int]] = {}
        for row, id_ in zip(rows, ids, strict=True):
            by_type.setdefault(row["type"], []).append(id_)
        return by_type

    def make_owners(self, orgs: dict[str, list[int]]) -> dict[str, list[tuple[int, int | None]]]:
        """Applicants by proposer type, each with an organisation unless a resident."""
        rng = self.rng
        names = rng.sample([(f, la) for f in texts.FIRST_NAMES for la in texts.LAST_NAMES], 80)
        types = [t for t, w in _PROPOSER_WEIGHTS for _ in range(w * 80 // 100)]
        types += ["company"] * (80 - len(types))
        rows, orgs_of = [], []
        for i, ((first, last), proposer_type) in enumerate(zip(names, types, strict=True)):
            org = None if proposer_type == "resident" else rng.choice(orgs[proposer_type])
            email = f"{_ascii(first)}.{_ascii(last)}.{i + 1}@demo.kokeilu.example"
            rows.append(
                {
                    "email": email,
                    "name": f"{first} {last}",
                    "password_hash": NO_PASSWORD,
                    "role": Role.APPLICANT,
                    "locale": rng.choice(("fi", "fi", "en", "sv")),
                    "proposer_type": proposer_type,
                    "organisation_id": org,
                    "session_epoch": 0,
                    "active": True,
                    "created_at": datetime(2015, 1, 20, 9, tzinfo=UTC),
                    "email_confirmed_at": datetime(2015, 1, 20, 9, tzinfo=UTC),
                }
            )
            orgs_of.append((proposer_type, org))
        existing = dict(
            self.connection.execute(
                select(User.email, User.id).where(User.email.in_([r["email"] for r in rows]))
            ).all()
        )
        new_ids = iter(self.applicants([r for r in rows if r["email"] not in existing]))
        owners: dict[str, list[tuple[int, int | None]]] = {}
        for row, (proposer_type, org) in zip(rows, orgs_of, strict=True):
            id_ = existing.get(row["email"]) or next(new_ids)
            owners.setdefault(proposer_type, []).append((id_, org))
        return owners

    def carried_out(self, orgs, owners) -> list[PlannedProposal]:
        rng = self.rng
        residents, companies, employees = self.PARTICIPANTS
        weights = [rng.uniform(0.5, 1.5) for _ in texts.EXPERIMENTS]
        shares = list(
            zip(
                _weighted(residents, weights),
                _weighted(companies, [1.0] * 20),
                _weighted(employees, weights),
                strict=True,
            )
        )
        # Leads are the proposers' organisations; 60 other companies and communities
        # partner once each, and a university joins four experiments for research.
        leads = {
            "company": iter(orgs["company"][:12]),
            "community": iter(orgs["community"][:3]),
            "research": iter(orgs["research"][1:3]),
            "education": iter(orgs["education"][:1]),
        }
        pool = iter(rng.sample(orgs["company"][12:] + orgs["community"][3:], 60))
        university = orgs["research"][0]
        plans = []
        for index, (spec, (call_index, start), status) in enumerate(
            zip(texts.EXPERIMENTS, self.PILOT_STARTS, self.STATUSES, strict=True)
        ):
            (
                language,
                title,
                summary,
                need,
                proposer_type,
                area,
                centres,
                sdgs,
                city_unit,
                decision,
                lessons,
                findings,
                benefits_city,
                benefits_customers,
            ) = spec
            lang = 0 if language == "fi" else 1
            call = self.calls[call_index]
            org = next(leads[proposer_type]) if proposer_type != "resident" else None
            if org is None:
                owner_id = self.demo_applicant_id if index == 19 else owners["resident"][index][0]
            else:
                owner_id = owners.get(proposer_type, owners["company"])[index % 3][0]
            start = date(*start)
            months = rng.randint(3, 9)
            budget = Decimal(rng.randrange(8000, 30001, 500))
            plan = PlannedProposal(
                row={
                    "programme_id": self.programme_id,
                    "call_id": call.id,
                    "owner_id": owner_id,
                    "title": title,
                    "summary": summary,
                    "need": need,
                    "proposer_type": proposer_type,
                    "organisation_id": org,
                    "service_area": area,
                    "requested_budget": budget + Decimal(rng.choice((0, 0, 500, 1000, 2500))),
                    "planned_duration_months": months,
                    "status": status,
                },
                centres=list(centres),
                sdgs=list(sdgs),
            )
            self.timeline(
                plan,
                status,
                call,
                owner_id,
                lang,
                decision=start - timedelta(days=rng.randint(14, 40)),
            )
            evaluation = None
            if status != Status.PILOT:
                evaluation = {
                    "got_users": True,
                    "users_count": shares[index][0],
                    "part_of_services": status == Status.ADOPTED,
                    "benefits_city": benefits_city or "",
                    "benefits_customers": benefits_customers or "",
                    "research_value": proposer_type == "research" or index % 5 == 0,
                    "research_link": "https://research.example/kokeilu/" + str(index + 1)
                    if proposer_type == "research"
                    else "",
                    "findings": findings or "",
                    "recommendation": "discontinue"
                    if status == Status.DISCONTINUED
                    else "adopt"
                    if status == Status.ADOPTED
                    else "extend",
                }
            self.experiment(
                plan,
                status,
                start,
                months,
                budget,
                org,
                [next(pool) for _ in range(3)],
                university if index % 5 == 0 else None,
                shares[index],
                lang,
                decision,
                lessons,
                evaluation,
                city_unit,
            )
            plans.append(plan)
        return plans

    def others(self, owners) -> list[PlannedProposal]:
        rng = self.rng
        statuses = _status_plan(self.PROPOSALS, self.DRAFTS, self.CARRIED_OUT)
        rng.shuffle(statuses)
        call_weights = (45, 40, 38, 35)
        # The demo applicant has a question from staff waiting for an answer.
        demo_question = statuses.index(Status.MORE_INFO)
        plans = []
        for i, status in enumerate(statuses):
            proposer_type = rng.weighted(*_PROPOSER_TYPES)
            owner_id, org = rng.choice(owners[proposer_type])
            if i == demo_question:
                proposer_type, owner_id, org = "resident", self.demo_applicant_id, None
            call = rng.choices(self.calls, call_weights)[0]
            lang = 0 if rng.random() < 0.6 else 1
            plan = self.idea_row(status, call, owner_id, proposer_type, org, lang)
            self.timeline(plan, status, call, owner_id, lang)
            plans.append(plan)
        return plans


class _Scale(_Generator):
    """N proposals shaped like the Digital Agenda, for benchmarks: proportional pilots,
    participation (about ten records per proposal), partners and history."""

    def __init__(self, users, n: int):
        super().__init__(users)
        self.rng = _Random(n)
        self.n = n

    def load(self) -> None:
        rng, n = self.rng, self.n
        annual = (ANNUAL_BUDGET * max(1, round(n / 158))).quantize(Decimal("0.01"))
        self.make_programme(f"Scale test {n}", "Generated for benchmarks.", annual)
        drafts = round(n * 3 / 161)
        left = n - drafts
        carried = max(1, round(left * 20 / 158))
        statuses = _status_plan(left, drafts, carried)
        discontinued = max(1, round(carried / 20))
        evaluation, running = round(carried * 2 / 20), round(carried / 20)
        adopted = max(0, carried - discontinued - evaluation - running)
        statuses += (
            [Status.DISCONTINUED] * discontinued
            + [Status.EVALUATION] * evaluation
            + [Status.PILOT] * running
            + [Status.ADOPTED] * adopted
        )
        rng.shuffle(statuses)

        organisations = self.organisations(
            [
                {
                    "name": _bulk_organisation_name(rng, i),
                    "type": "company" if i % 4 else "community",
                    "business_id": None,
                    "created_at": datetime(2015, 1, 15, 9, tzinfo=UTC),
                }
                for i in range(max(10, round(n * 0.45)))
            ]
        )
        owner_rows = [
            {
                "email": f"scale{n}.applicant{i}@scale.kokeilu.example",
                "name": f"{rng.choice(texts.FIRST_NAMES)} {rng.choice(texts.LAST_NAMES)}",
                "password_hash": NO_PASSWORD,
                "role": Role.APPLICANT,
                "locale": "fi",
                "proposer_type": None,
                "organisation_id": None,
                "session_epoch": 0,
                "active": True,
                "created_at": datetime(2015, 1, 20, 9, tzinfo=UTC),
                "email_confirmed_at": datetime(2015, 1, 20, 9, tzinfo=UTC),
            }
            for i in range(max(1, n // 25))
        ]
        owners = self.applicants(owner_rows)
        for start in range(0, n, CHUNK):
            plans = [
                self.plan(status, rng.choice(owners), organisations)
                for status in statuses[start : start + CHUNK]
            ]
            self.write(plans)

    def plan(self, status: Status, owner_id: int, organisations: list[int]) -> PlannedProposal:
        rng = self.rng
        proposer_type = rng.weighted(*_PROPOSER_TYPES)
        org = None if proposer_type == "resident" else rng.choice(organisations)
        call = rng.choice(self.calls)
        lang = 0 if rng.random() < 0.6 else 1
        plan = self.idea_row(status, call, owner_id, proposer_type, org, lang)
        self.timeline(plan, status, call, owner_id, lang)
        if status in EXPERIMENT_STATES:
            decided = plan.moves[-1][2].date()
            start = decided + timedelta(days=rng.randint(14, 60))
            budget = Decimal(rng.randrange(8000, 30001, 500))
            spec = rng.choice(texts.EXPERIMENTS)
            evaluation = (
                None
                if status == Status.PILOT
                else {
                    "got_users": True,
                    "users_count": rng.randint(50, 500),
                    "part_of_services": status == Status.ADOPTED,
                    "benefits_city": spec[12] or "",
                    "benefits_customers": spec[13] or "",
                    "research_value": False,
                    "research_link": "",
                    "findings": spec[11] or "",
                    "recommendation": "discontinue" if status == Status.DISCONTINUED else "adopt",
                }
            )
            self.experiment(
                plan,
                status,
                start,
                rng.randint(3, 9),
                budget,
                org,
                rng.sample(organisations, min(len(organisations), rng.randint(2, 4))),
                None,
                (rng.randint(150, 480), rng.randint(2, 6), rng.randint(10, 30)),
                lang,
                spec[9] or spec[10],
                spec[10] or spec[9],
                evaluation,
                spec[8],
            )
        return plan


def _children(parents: list[tuple], key: str, names: tuple[str, ...], items_of) -> dict:
    """Columns of child rows: the parent's id under key, then each item's fields by name."""
    columns: dict[str, list] = {key: [], **{name: [] for name in names}}
    parent_ids = columns[key]
    fields = [columns[name] for name in names]
    for parent_id, parent in parents:
        items = items_of(parent)
        if items:
            parent_ids.extend([parent_id] * len(items))
            for column, values in zip(fields, zip(*items, strict=True), strict=True):
                column.extend(values)
    return columns


@lru_cache(maxsize=1 << 14)
def _afternoon(day: date) -> datetime:
    """When a record dated `day` was entered: that afternoon."""
    return datetime(day.year, day.month, day.day, 13, tzinfo=UTC)


def _default(column):
    """The value a column's Python-side default gives (None without one)."""
    default = column.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def _converter(column_type, sqlite: bool):
    """How a column's values go to the driver as SQLAlchemy's type would send them (None:
    as they are). Code lists as their codes; in SQLite dates as text, UTC times naive."""
    if isinstance(column_type, sa.Enum):
        return _code
    if not sqlite:
        return None
    if isinstance(column_type, UTCDateTime):
        return _sqlite_timestamp
    if isinstance(column_type, sa.Date):
        return _sqlite_date
    if isinstance(column_type, sa.Numeric):
        return _sqlite_number
    if isinstance(column_type, sa.Boolean):
        return _sqlite_bool
    return None


def _code(value):
    return value.value if isinstance(value, Enum) else value


@lru_cache(maxsize=1 << 16)  # the same dates and times recur by the thousand
def _sqlite_timestamp(value):
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@lru_cache(maxsize=1 << 14)
def _sqlite_date(value):
    return None if value is None else value.isoformat()


def _sqlite_number(value):
    return None if value is None else float(value)


def _sqlite_bool(value):
    return None if value is None else int(value)


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("äöå", "aoa"))


def _bulk_organisation_name(rng, i: int) -> str:
    """Every fourth bulk organisation is a community, the rest companies."""
    if i % 4:
        return f"{rng.choice(texts.COMPANY_WORDS)} {rng.choice(texts.COMPANY_DOMAINS)} {i} Oy"
    return f"{rng.choice(texts.COMMUNITY_PLACES)} {rng.choice(texts.COMMUNITY_KINDS)}"
