"""One proposal's story: the texts of an idea, and the history that brings it to its status.

Every move gets its history row, dated in order: submitted within the call, screened after
it closes, perhaps a question and its answer, then the outcome.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate

from ..lifecycle import EXPERIMENT_STATES, Status
from ..vocabulary import CityCentre
from .draws import moment
from .plans import LANGUAGES, CallInfo, Cast, PlannedProposal
from .texts import (
    ANSWERS,
    CENTRE_NAMES,
    IDEAS,
    QUESTIONS,
    REJECTIONS,
    TARGET_GROUPS,
    WITHDRAWALS,
)

CENTRES = [c.value for c in CityCentre]
PROPOSER_WEIGHTS = (
    ("company", 45),
    ("community", 20),
    ("research", 6),
    ("education", 6),
    ("resident", 23),
)
PROPOSER_TYPES = (
    tuple(t for t, _ in PROPOSER_WEIGHTS),
    tuple(accumulate(w for _, w in PROPOSER_WEIGHTS)),
)
REVIEW_CRITERIA = ("need", "benefit", "reusability", "feasibility", "cost_effectiveness")


def status_plan(left_draft: int, drafts: int, carried: int) -> list[Status]:
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


def idea(
    cast: Cast,
    programme_id: int,
    status: Status,
    call: CallInfo,
    owner_id: int,
    proposer_type: str,
    organisation_id: int | None,
    lang: int,
) -> PlannedProposal:
    """A proposal composed from the ideas' texts, for a centre or two, in one language."""
    rng = cast.rng
    chosen = rng.choice(IDEAS)
    area, sdgs = chosen[0], list(chosen[1])
    centre = rng.choice(CENTRES)
    centres = [centre] + (
        [rng.choice([c for c in CENTRES if c not in (centre, "city_wide")])]
        if centre != "city_wide" and rng.random() < 0.3
        else []
    )
    if rng.random() < 0.2:
        sdgs.append(rng.choice([g for g in range(1, 18) if g not in sdgs]))
    group = rng.choice(TARGET_GROUPS)
    months = rng.randint(3, 12)
    budget = Decimal(rng.randrange(5000, 60001, 500))
    title = f"{chosen[2 + lang]}: {CENTRE_NAMES[centre][lang]}"
    summary = chosen[4 + lang] + (
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
        "programme_id": programme_id,
        "call_id": call.id,
        "owner_id": owner_id,
        "title": title[:200],
        "summary": summary,
        "need": chosen[6 + lang],
        "proposer_type": proposer_type,
        "organisation_id": organisation_id,
        "service_area": area,
        "requested_budget": budget,
        "planned_duration_months": months,
        "status": status,
    }
    return PlannedProposal(row=row, centres=centres, sdgs=sdgs)


def timeline(
    cast: Cast,
    plan: PlannedProposal,
    status: Status,
    call: CallInfo,
    owner_id: int,
    lang: int,
    *,
    submitted: date | None = None,
    decision: date | None = None,
) -> None:
    """History rows (and dates) that bring a proposal to its status, every move recorded."""
    rng, moves = cast.rng, plan.moves
    row = plan.row
    row["language"] = LANGUAGES[lang]  # of its texts, and of the history's reasons
    if submitted is None:
        submitted = call.opens_on + timedelta(
            days=rng.randrange((call.closes_on - call.opens_on).days + 1)
        )
    at = moment(submitted, rng)
    row["created_at"] = at - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 5))
    if status == Status.DRAFT:
        row["created_at"] = moment(submitted, rng)
        row["updated_at"] = row["created_at"]
        return
    row["submitted_at"] = at
    moves.append((Status.DRAFT, Status.SUBMITTED, at, owner_id, None))
    if status == Status.WITHDRAWN and rng.random() < 0.5:
        moves.append(_withdrawal(cast, Status.SUBMITTED, at, (1, 20), owner_id, lang))
    elif status != Status.SUBMITTED:
        _screening(cast, plan, status, call, owner_id, lang, at, decision)
    row["updated_at"] = moves[-1][2]


def _withdrawal(
    cast: Cast, source: Status, at: datetime, days: tuple[int, int], owner_id: int, lang: int
) -> tuple:
    """The applicant withdraws some days after at, giving a reason now and then."""
    rng = cast.rng
    when = at + timedelta(days=rng.randint(*days))
    return (source, Status.WITHDRAWN, when, owner_id, rng.choice(WITHDRAWALS)[lang] or None)


def _screening(
    cast: Cast,
    plan: PlannedProposal,
    status: Status,
    call: CallInfo,
    owner_id: int,
    lang: int,
    submitted_at: datetime,
    decision: date | None,
) -> None:
    """Screening after the call closes, a question now and then, and the outcome."""
    rng, staff_id = cast.rng, cast.staff_id
    start = max(
        submitted_at + timedelta(days=rng.randint(2, 10)),
        moment(call.closes_on + timedelta(days=rng.randint(1, 14)), rng),
    )
    plan.moves.append((Status.SUBMITTED, Status.SCREENING, start, staff_id, None))
    plan.reviews.append(review(cast, status, start + timedelta(days=rng.randint(1, 10)), staff_id))
    at = start
    question = rng.randrange(len(QUESTIONS))
    if status in (Status.REJECTED, *EXPERIMENT_STATES) and rng.random() < 0.25:
        at = _answered_question(cast, plan, owner_id, lang, at, question)
    if status != Status.SCREENING:
        _outcome(cast, plan, status, owner_id, lang, at, question, decision)


def _answered_question(
    cast: Cast, plan: PlannedProposal, owner_id: int, lang: int, at: datetime, question: int
) -> datetime:
    """Staff ask, the applicant answers, screening resumes; when it resumed."""
    rng, staff_id = cast.rng, cast.staff_id
    at += timedelta(days=rng.randint(3, 12))
    plan.moves.append((Status.SCREENING, Status.MORE_INFO, at, staff_id, QUESTIONS[question][lang]))
    at += timedelta(days=rng.randint(2, 10), hours=rng.randint(0, 6))
    plan.moves.append((Status.MORE_INFO, Status.SUBMITTED, at, owner_id, ANSWERS[question][lang]))
    at += timedelta(days=rng.randint(1, 5))
    plan.moves.append((Status.SUBMITTED, Status.SCREENING, at, staff_id, None))
    return at


def _outcome(
    cast: Cast,
    plan: PlannedProposal,
    status: Status,
    owner_id: int,
    lang: int,
    at: datetime,
    question: int,
    decision: date | None,
) -> None:
    """The move out of screening that leads to the status: a question, or a decision."""
    rng, moves = cast.rng, plan.moves
    if status == Status.MORE_INFO:
        moves.append(
            (
                Status.SCREENING,
                Status.MORE_INFO,
                at + timedelta(days=rng.randint(3, 12)),
                cast.staff_id,
                QUESTIONS[question][lang],
            )
        )
    elif status == Status.WITHDRAWN:
        moves.append(_withdrawal(cast, Status.SCREENING, at, (2, 20), owner_id, lang))
    elif status == Status.REJECTED:
        moves.append(
            (
                Status.SCREENING,
                Status.REJECTED,
                at + timedelta(days=rng.randint(10, 50)),
                cast.staff_id,
                rng.choice(REJECTIONS)[lang],
            )
        )
    else:
        when = moment(decision, rng) if decision else at + timedelta(days=rng.randint(10, 50))
        when = max(when, at + timedelta(days=7))
        moves.append((Status.SCREENING, Status.PILOT, when, cast.manager_id, None))
        plan.reviews.append(
            review(cast, status, when - timedelta(days=rng.randint(1, 5)), cast.manager_id)
        )


def review(cast: Cast, status: Status, at: datetime, reviewer_id: int) -> dict:
    """A review's row: high scores for a pilot, low for a rejection, middling otherwise."""
    low, high = (
        (4, 5) if status in EXPERIMENT_STATES else (1, 3) if status == Status.REJECTED else (2, 4)
    )
    scores = {c: cast.rng.randint(low, high) for c in REVIEW_CRITERIA}
    return {
        "reviewer_id": reviewer_id,
        **scores,
        "comment": "",
        "created_at": at,
        "updated_at": at,
    }
