"""The Digital Agenda 2015–2021 as SPEC publishes it, with the demo's users and the open
programme: the data `flask demo` loads and the published figures come from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..lifecycle import Role, Status
from ..models import Programme, User
from ..services.transaction import unit_of_work
from ..statistics import DIGITAL_AGENDA
from . import texts
from .draws import business_id, weighted_shares
from .generator import Generator, applicant_row
from .pilots import ExperimentStory, Pilot, plan_experiment
from .plans import PlannedProposal
from .programmes import ANNUAL_BUDGET, ensure_open_programme
from .proposals import PROPOSER_TYPES, PROPOSER_WEIGHTS, idea, status_plan, timeline
from .scorecard import ensure_scorecard
from .twins import plant_twins
from .users import ensure_users

DESCRIPTION = (
    "Espoon digitaalinen agenda: kaupunki kokeilee uusia digitaalisia palveluita "
    "yhdessä yritysten, yhteisöjen, tutkimuslaitosten ja asukkaiden kanssa. / The "
    "City of Espoo's Digital Agenda: the city tries new digital services together "
    "with companies, communities, research institutions and residents."
)
FOUNDED = datetime(2015, 1, 15, 9, tzinfo=UTC)


def load_demo() -> str:
    """Users, the Digital Agenda 2015–2021 and the open programme; a second run adds nothing."""
    with unit_of_work():
        users = ensure_users()
        db.session.flush()
        programme = select(Programme.id).where(Programme.name == DIGITAL_AGENDA)
        made = db.session.scalar(programme) is None
        if made:
            DigitalAgenda(users).load()
        ensure_open_programme()
        ensure_scorecard(
            db.session.scalar(select(Programme).where(Programme.name == DIGITAL_AGENDA))
        )
    if made:
        return gettext("Demo data loaded (%(programme)s created).", programme=DIGITAL_AGENDA)
    return gettext("Demo data loaded (%(programme)s was there already).", programme=DIGITAL_AGENDA)


class DigitalAgenda(Generator):
    """The programme with 158 proposals submitted (and 3 drafts) and 20 experiments carried out."""

    # SPEC's figures: 1 discontinued, over 6,000 residents and customers, over 70 partner
    # companies and communities, about 400 city employees, 250,000 a year.
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
    # In the order of texts.EXPERIMENTS (SPEC: 20 carried out, exactly 1 discontinued): the
    # swimming hall (index 13) was discontinued; the last three are still under way.
    STATUSES = (
        *[Status.ADOPTED] * 13,
        Status.DISCONTINUED,
        *[Status.ADOPTED] * 3,
        Status.EVALUATION,
        Status.EVALUATION,
        Status.PILOT,
    )
    # The demo applicant (a resident) proposed the last experiment, the one still a pilot.
    DEMO_APPLICANTS_EXPERIMENT = 19

    def __init__(self, users: dict[Role, User]):
        super().__init__(users, seed=2015)

    def load(self) -> None:
        """Write the programme, its organisations, applicants and proposals."""
        self.make_programme(DIGITAL_AGENDA, DESCRIPTION, ANNUAL_BUDGET)
        orgs = self.make_organisations()
        owners = self.make_owners(orgs)
        plans = self.carried_out(orgs, owners) + self.others(owners)
        self.write(plans)

    def make_organisations(self) -> dict[str, list[int]]:
        """Ids by type: 70 companies and 30 communities with business IDs, the institutions."""
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
            row["created_at"] = FOUNDED
        ids = self.writer.organisations(rows)
        by_type: dict[str, list[int]] = {}
        for row, id_ in zip(rows, ids, strict=True):
            by_type.setdefault(row["type"], []).append(id_)
        return by_type

    def make_owners(self, orgs: dict[str, list[int]]) -> dict[str, list[tuple[int, int | None]]]:
        """Applicants by proposer type, each with an organisation unless a resident."""
        rng = self.rng
        names = rng.sample([(f, la) for f in texts.FIRST_NAMES for la in texts.LAST_NAMES], 80)
        types = [t for t, w in PROPOSER_WEIGHTS for _ in range(w * 80 // 100)]
        types += ["company"] * (80 - len(types))
        rows, orgs_of = [], []
        for i, ((first, last), proposer_type) in enumerate(zip(names, types, strict=True)):
            org = None if proposer_type == "resident" else rng.choice(orgs[proposer_type])
            email = f"{_ascii(first)}.{_ascii(last)}.{i + 1}@demo.kokeilu.example"
            locale = rng.choice(("fi", "fi", "en", "sv"))
            rows.append(applicant_row(email, f"{first} {last}", locale, proposer_type, org))
            orgs_of.append((proposer_type, org))
        existing = dict(
            self.writer.connection.execute(
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
        """The texts' twenty experiments, each with its lead, partners and participants."""
        rng = self.rng
        shares = self._participant_shares()
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
            story = ExperimentStory(*spec)
            lang = 0 if story.language == "fi" else 1
            call = self.calls[call_index]
            org = next(leads[story.proposer_type]) if story.proposer_type != "resident" else None
            owner_id = self._owner(index, story.proposer_type, org, owners)
            start = date(*start)
            months = rng.randint(3, 9)
            budget = Decimal(rng.randrange(8000, 30001, 500))
            plan = self._proposal(story, call.id, owner_id, org, status, months, budget)
            decided = start - timedelta(days=rng.randint(14, 40))
            timeline(self.cast, plan, status, call, owner_id, lang, decision=decided)
            pilot = Pilot(
                start=start,
                months=months,
                budget=budget,
                owner_org=org,
                partners=[next(pool) for _ in range(3)],
                research_partner=university if index % 5 == 0 else None,
                totals=shares[index],
                lang=lang,
                decision=story.decision,
                lessons=story.lessons,
                evaluation=_evaluation(index, story, status, shares[index][0]),
                city_unit=story.city_unit,
            )
            plan_experiment(self.cast, plan, status, pilot)
            plans.append(plan)
        return plans

    def _participant_shares(self) -> list[tuple[int, int, int]]:
        """The programme's participants shared among the twenty experiments."""
        residents, companies, employees = self.PARTICIPANTS
        weights = [self.rng.uniform(0.5, 1.5) for _ in texts.EXPERIMENTS]
        return list(
            zip(
                weighted_shares(residents, weights),
                weighted_shares(companies, [1.0] * 20),
                weighted_shares(employees, weights),
                strict=True,
            )
        )

    def _owner(self, index: int, proposer_type: str, org: int | None, owners) -> int:
        """Who proposed the experiment: a resident, or an applicant of the lead's type."""
        if org is None:
            if index == self.DEMO_APPLICANTS_EXPERIMENT:
                return self.demo_applicant_id
            return owners["resident"][index][0]
        return owners.get(proposer_type, owners["company"])[index % 3][0]

    def _proposal(
        self,
        story: ExperimentStory,
        call_id: int,
        owner_id: int,
        org: int | None,
        status: Status,
        months: int,
        budget: Decimal,
    ) -> PlannedProposal:
        """The proposal of an experiment carried out, asking a little more than it got."""
        row = {
            "programme_id": self.programme_id,
            "call_id": call_id,
            "owner_id": owner_id,
            "title": story.title,
            "summary": story.summary,
            "need": story.need,
            "proposer_type": story.proposer_type,
            "organisation_id": org,
            "service_area": story.service_area,
            "requested_budget": budget + Decimal(self.rng.choice((0, 0, 500, 1000, 2500))),
            "planned_duration_months": months,
            "status": status,
        }
        return PlannedProposal(row=row, centres=list(story.centres), sdgs=list(story.sdgs))

    def others(self, owners) -> list[PlannedProposal]:
        """The proposals not carried out, in the programme's proportions of statuses."""
        rng = self.rng
        statuses = status_plan(self.PROPOSALS, self.DRAFTS, self.CARRIED_OUT)
        rng.shuffle(statuses)
        call_weights = (45, 40, 38, 35)
        # The demo applicant has a question from staff waiting for an answer.
        demo_question = statuses.index(Status.MORE_INFO)
        plans = []
        for i, status in enumerate(statuses):
            proposer_type = rng.weighted(*PROPOSER_TYPES)
            owner_id, org = rng.choice(owners[proposer_type])
            if i == demo_question:
                proposer_type, owner_id, org = "resident", self.demo_applicant_id, None
            call = rng.choices(self.calls, call_weights)[0]
            lang = 0 if rng.random() < 0.6 else 1
            plan = idea(
                self.cast, self.programme_id, status, call, owner_id, proposer_type, org, lang
            )
            timeline(self.cast, plan, status, call, owner_id, lang)
            plans.append(plan)
        # After every draw, so that the rest of the demo comes out as before.
        plant_twins(plans, self.calls, skip_owner=self.demo_applicant_id)
        return plans


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("äöå", "aoa"))


def _evaluation(
    index: int, story: ExperimentStory, status: Status, users_count: int
) -> dict | None:
    """The evaluation of an experiment that ended (a pilot still running has none); a
    research proposer's, and every fifth, had research value."""
    if status == Status.PILOT:
        return None
    research = story.proposer_type == "research"
    recommendation = {Status.DISCONTINUED: "discontinue", Status.ADOPTED: "adopt"}
    return story.evaluation(
        status,
        users_count,
        recommendation.get(status, "extend"),
        research_value=research or index % 5 == 0,
        research_link=f"https://research.example/kokeilu/{index + 1}" if research else "",
    )
