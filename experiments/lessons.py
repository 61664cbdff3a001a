"""Read queries of the public lessons library: what the city learned from each experiment it
adopted or discontinued.

Public text only, as the catalogue publishes it: the title, the lessons learned written
with the decision and the evaluation's findings and recommendation; never the proposal's
summary or need (which may be business secrets), a history reason or anyone's name.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import contains_eager

from . import search
from .extensions import db
from .lifecycle import Status
from .models import Evaluation, Experiment, Proposal, ProposalCentre, StatusChange
from .queries import Page
from .statistics_cache import cached_count
from .vocabulary import CityCentre, ServiceArea

DECIDED = (Status.ADOPTED, Status.DISCONTINUED)
Q_MAX = 200  # characters of the text box that are searched for; the rest is left out
HELSINKI = ZoneInfo("Europe/Helsinki")

Code = TypeVar("Code", bound=StrEnum)  # a member of a code list a filter takes


@dataclass
class LessonFilter:
    outcome: Status | None = None
    service_area: ServiceArea | None = None
    centre: CityCentre | None = None
    q: str = ""

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links that keep it)."""
        values = {
            "outcome": self.outcome,
            "service_area": self.service_area,
            "centre": self.centre,
            "q": self.q or None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


def parse_filters(args: Mapping[str, str]) -> tuple[LessonFilter, list[str]]:
    """The filter from query arguments, and the names of values it had to leave out."""
    ignored: list[str] = []

    def code(name: str, allowed: Collection[Code]) -> Code | None:
        raw = (args.get(name) or "").strip()
        found = next((value for value in allowed if value.value == raw), None)
        if raw and found is None:
            ignored.append(name)
        return found

    return (
        LessonFilter(
            outcome=code("outcome", DECIDED),
            service_area=code("service_area", list(ServiceArea)),
            centre=code("centre", list(CityCentre)),
            q=" ".join((args.get("q") or "").split())[:Q_MAX],
        ),
        ignored,
    )


@dataclass(frozen=True)
class Lesson:
    """One decided experiment's lessons, as the public may read them."""

    experiment_id: int
    title: str
    language: str  # of the title: the proposal's
    outcome: Status
    service_area: str | None
    city_centres: tuple[str, ...]
    year: int  # of the decision
    lessons_learned: str
    lessons_language: str  # whoever wrote the decision
    findings: str
    recommendation: str | None
    evaluation_language: str | None


def text_match(
    query: Select[tuple[Experiment, datetime | None]], q: str
) -> Select[tuple[Experiment, datetime | None]]:
    """Rows whose public texts match every word of the text (full-text search, the same as
    the catalogue's: stemmed in the text's language, the last word also as a prefix)."""
    words = search.parse(q)
    if not words:
        return query
    found = search.hits(words, secrets=False)
    return query.where(Proposal.id.in_(select(found.c.proposal_id)))


# When the programme decided: the move to adopted or discontinued (a proposal makes it once).
_decided_at = (
    select(func.max(StatusChange.at))
    .where(StatusChange.proposal_id == Proposal.id, StatusChange.to_status.in_(DECIDED))
    .correlate(Proposal)
    .scalar_subquery()
)


def _base(f: LessonFilter) -> Select[tuple[Experiment, datetime | None]]:
    query = (
        select(Experiment, _decided_at.label("decided_at"))
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .outerjoin(Evaluation, Evaluation.experiment_id == Experiment.id)
        .where(Proposal.status.in_((f.outcome,) if f.outcome else DECIDED))
    )
    if f.service_area is not None:
        query = query.where(Proposal.service_area == f.service_area)
    if f.centre is not None:
        query = query.where(
            exists().where(
                ProposalCentre.proposal_id == Proposal.id, ProposalCentre.centre == f.centre
            )
        )
    return text_match(query, f.q)


def lessons(f: LessonFilter, page: int = 1, per_page: int = 20) -> Page[Lesson]:
    """One page of the library, the newest decision first: Page with Lesson items."""
    base = _base(f)
    return Page(
        items=_newest(base, per_page, (page - 1) * per_page),
        page=page,
        per_page=per_page,
        total=cached_count(base),
    )


def _newest(
    base: Select[tuple[Experiment, datetime | None]], limit: int, offset: int = 0
) -> list[Lesson]:
    rows = db.session.execute(
        base.options(
            contains_eager(Experiment.proposal).selectinload(Proposal.centre_rows),
            contains_eager(Experiment.evaluation),
        )
        .order_by(
            _decided_at.desc().nulls_last(),
            Experiment.actual_end_date.desc().nulls_last(),
            Experiment.id.desc(),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    return [_lesson(experiment, decided_at) for experiment, decided_at in rows]


def _year(decided_at: datetime | None, experiment: Experiment) -> int:
    """The decision's year in Helsinki; without a recorded move, the year the pilot ended."""
    if decided_at is not None:
        return decided_at.astimezone(HELSINKI).year
    ended: date = experiment.actual_end_date or experiment.start_date
    return ended.year


def _lesson(experiment: Experiment, decided_at: datetime | None) -> Lesson:
    proposal = experiment.proposal
    evaluation = experiment.evaluation
    return Lesson(
        experiment_id=experiment.id,
        title=proposal.title or "",
        language=proposal.language,
        outcome=Status(proposal.status),
        service_area=proposal.service_area and str(proposal.service_area),
        city_centres=tuple(str(c) for c in proposal.city_centres),
        year=_year(decided_at, experiment),
        lessons_learned=experiment.lessons_learned or "",
        lessons_language=experiment.language,
        findings=evaluation.findings if evaluation else "",
        recommendation=str(evaluation.recommendation) if evaluation else None,
        evaluation_language=evaluation.language if evaluation else None,
    )


ONE_LINE = 180  # characters of a lesson shown in one line, where a list shows it


def one_line(text: str | None) -> str:
    """A lesson's first sentence, shortened at a word to about one line (ONE_LINE)."""
    text = " ".join((text or "").split())
    for end in (". ", "! ", "? "):
        at = text.find(end)
        if 0 < at < ONE_LINE:
            text = text[: at + 1]
    if len(text) <= ONE_LINE:
        return text
    return text[:ONE_LINE].rsplit(" ", 1)[0].rstrip(",;:–-") + "…"


def recent(n: int = 3) -> list[Lesson]:
    """The newest n decisions with their lessons (adopted or discontinued)."""
    return _newest(_base(LessonFilter()), n)
