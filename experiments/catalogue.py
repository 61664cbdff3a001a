"""Read queries of the public catalogue and its open data (CC BY 4.0).

Experiments from pilot on, with organisations but never people: no names or
e-mail addresses of applicants, owners, reviewers or evaluators leave this module, nor the
sections an applicant marked confidential.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Integer,
    Label,
    Row,
    Select,
    UnaryExpression,
    cast,
    exists,
    extract,
    func,
    select,
)
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from . import search
from .extensions import db
from .lifecycle import EXPERIMENT_STATES, N_, Status
from .models import (
    AttachmentContent,
    Experiment,
    ExperimentPartner,
    Participation,
    Proposal,
    ProposalCentre,
    ProposalSdg,
)
from .queries import Page
from .rules import MAX_ID, SEARCH_MAX
from .services.inputs import acceptable_text, to_int
from .statistics_cache import cached, cached_count
from .vocabulary import SDGS, CityCentre, ParticipationCategory, ServiceArea

LICENCE = "CC-BY-4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
MAX_PER_PAGE = 100
FILTER_YEARS = (1900, 2999)  # the years a visitor may filter by (when pilots started)
NEWEST, RELEVANCE = "-start_date", "relevance"
SORTS = (NEWEST, RELEVANCE)  # relevance, the best match first, is the default with words

Code = TypeVar("Code", bound=StrEnum)  # a member of a code list a filter takes


@dataclass
class CatalogueFilter:
    status: Status | None = None
    year: int | None = None
    service_area: ServiceArea | None = None
    centre: CityCentre | None = None
    sdg: int | None = None
    programme_id: int | None = None
    q: str | None = None  # full-text search of what the public may read (search.py)
    sort: str | None = None

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links that keep it)."""
        values = {
            "status": self.status,
            "year": self.year,
            "service_area": self.service_area,
            "centre": self.centre,
            "sdg": self.sdg,
            "programme": self.programme_id,
            "q": self.q,
            "sort": self.sort,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


def parse_filters(args: Mapping[str, str]) -> tuple[CatalogueFilter, dict[str, list[str]]]:
    """The filter from query arguments, and field → messages for values it had to ignore."""
    result = CatalogueFilter()
    errors: dict[str, list[str]] = {}

    def code(
        name: str, vocabulary: type[Code], allowed: Collection[Code] | None = None
    ) -> Code | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            value = vocabulary(raw)
        except ValueError:
            value = None
        if value is None or (allowed is not None and value not in allowed):
            errors[name] = [_("Unknown value.")]
            return None
        return value

    def whole(name: str, low: int, high: int) -> int | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        number = to_int(raw)
        if number is not None and low <= number <= high:
            return number
        errors[name] = [_("Give a whole number from %(low)d to %(high)d.", low=low, high=high)]
        return None

    result.status = code("status", Status, EXPERIMENT_STATES)
    result.service_area = code("service_area", ServiceArea)
    result.centre = code("centre", CityCentre)
    result.year = whole("year", *FILTER_YEARS)
    result.sdg = whole("sdg", SDGS.start, SDGS.stop - 1)
    result.programme_id = whole("programme", 1, MAX_ID)
    result.q = acceptable_text(args.get("q") or "", one_line=True).strip()[:SEARCH_MAX] or None
    sort = (args.get("sort") or "").strip()
    if sort and sort not in SORTS:
        errors["sort"] = [_("Unknown value.")]
    result.sort = sort if sort in SORTS else None
    return result, errors


@dataclass(frozen=True)
class PublicPartner:
    name: str
    type: str
    business_id: str | None
    role: str


@dataclass(frozen=True)
class PublicProgramme:
    id: int
    name: str
    language: str


@dataclass(frozen=True)
class PublicCall:
    id: int
    title: str
    language: str


@dataclass(frozen=True)
class PublicEvaluation:
    """An experiment's evaluation as open data; its author is left out."""

    language: str
    got_users: bool
    users_count: int | None
    part_of_services: bool
    benefits_city: str
    benefits_customers: str
    research_value: bool
    research_link: str | None
    findings: str
    recommendation: str


@dataclass(frozen=True)
class PublicAttachment:
    """A file staff published on the experiment's page (never a confidential one)."""

    id: int
    experiment_id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class PublicExperiment:
    """One experiment as the public may see it: organisations, never people."""

    id: int
    language: str  # of the title, summary and need: the proposal's
    title: str
    summary: str
    need: str
    status: Status
    programme: PublicProgramme
    call: PublicCall | None
    proposer_type: str | None
    organisation: PublicPartner | None
    service_area: str | None
    city_centres: tuple[str, ...]
    sdgs: tuple[int, ...]
    allocated_budget: Decimal
    start_date: date
    planned_end_date: date
    actual_end_date: date | None
    city_unit: str
    partners: tuple[PublicPartner, ...]
    participants: dict[str, int]
    outcome: str | None
    lessons_learned: str | None
    outcome_language: str  # of the outcome and lessons learned: whoever wrote the decision
    evaluation: PublicEvaluation | None = field(default=None)
    attachments: tuple[PublicAttachment, ...] = ()


def _participant_sums() -> list[Label[int]]:
    """Per category, the experiment's participants: correlated, so only the rows a page shows
    are summed (not every participation record of the database, then joined)."""
    return [
        select(func.sum(Participation.count))
        .where(Participation.experiment_id == Experiment.id, Participation.category == category)
        .correlate(Experiment)
        .scalar_subquery()
        .label(category.value)
        for category in ParticipationCategory
    ]


def _base(f: CatalogueFilter) -> Select[Experiment]:
    """Experiments from pilot on, filtered; joined to their proposals."""
    return _searched(f)[0]


def _searched(f: CatalogueFilter) -> tuple[Select[Experiment], ColumnElement[float] | None]:
    """_base, and the search's rank of each experiment (None without words to search for)."""
    query = (
        select(Experiment)
        .join(Proposal, Proposal.id == Experiment.proposal_id)
        .where(Proposal.status.in_(EXPERIMENT_STATES))
    )
    if f.status is not None:
        query = query.where(Proposal.status == f.status)
    if f.year is not None:
        query = query.where(
            Experiment.start_date >= date(f.year, 1, 1),
            Experiment.start_date < date(f.year + 1, 1, 1),
        )
    if f.service_area is not None:
        query = query.where(Proposal.service_area == f.service_area)
    if f.centre is not None:
        query = query.where(
            exists().where(
                ProposalCentre.proposal_id == Proposal.id, ProposalCentre.centre == f.centre
            )
        )
    if f.sdg is not None:
        query = query.where(
            exists().where(ProposalSdg.proposal_id == Proposal.id, ProposalSdg.sdg == f.sdg)
        )
    if f.programme_id is not None:
        query = query.where(Proposal.programme_id == f.programme_id)
    words = search.parse(f.q)
    if not words:
        return query, None
    # Never the business secrets: the public documents only.
    found = search.hits(words, secrets=False)
    return query.join(found, found.c.proposal_id == Proposal.id), found.c.rank


# An experiment with its participant sums, one per category (None: no records).
LoadedRow = Row[Experiment, *tuple[int | None, ...]]


def _loaded(query: Select[Experiment]) -> Select[Experiment, *tuple[int | None, ...]]:
    """The query with everything an item shows loaded in a fixed number of statements."""
    return query.add_columns(*_participant_sums()).options(
        contains_eager(Experiment.proposal).options(
            joinedload(Proposal.programme),
            joinedload(Proposal.call),
            joinedload(Proposal.organisation),
            selectinload(Proposal.centre_rows),
            selectinload(Proposal.sdg_rows),
            selectinload(Proposal.public_attachments),
        ),
        selectinload(Experiment.partners).joinedload(ExperimentPartner.organisation),
        selectinload(Experiment.evaluation),
    )


_NEWEST_FIRST = (Experiment.start_date.desc(), Experiment.id.desc())


def public_experiments(
    f: CatalogueFilter, page: int = 1, per_page: int = 20
) -> Page[PublicExperiment]:
    """One page of the public catalogue, newest pilots first (with words to search for, the
    best match first unless f.sort says newest): Page(items, page, per_page, total) with
    PublicExperiment items."""
    base, rank = _searched(f)
    total = cached_count(base)
    order: tuple[UnaryExpression[Any], ...] = _NEWEST_FIRST
    if rank is not None and f.sort != NEWEST:
        order = (rank.desc(), Experiment.id.desc())
    rows = db.session.execute(
        _loaded(base).order_by(*order).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=[_item(row) for row in rows], page=page, per_page=per_page, total=total)


def public_experiment(experiment_id: int) -> PublicExperiment | None:
    """One experiment of the catalogue, or None if there is none (or it is not public)."""
    row = db.session.execute(
        _loaded(_base(CatalogueFilter()).where(Experiment.id == experiment_id))
    ).first()
    return _item(row) if row else None


def all_public_experiments(
    f: CatalogueFilter | None = None, chunk: int = 500
) -> Iterator[PublicExperiment]:
    """Every experiment of the catalogue, oldest first, fetched a chunk at a time (open data)."""
    base = _base(f or CatalogueFilter())
    last_id = 0
    while True:
        rows = db.session.execute(
            _loaded(base.where(Experiment.id > last_id)).order_by(Experiment.id).limit(chunk)
        ).all()
        for row in rows:
            yield _item(row)
        if len(rows) < chunk:
            return
        last_id = rows[-1][0].id


@cached  # a GROUP BY over every experiment, the same until the next write
def experiment_years() -> list[int]:
    """The years in which public experiments started, newest first (for the year filter)."""
    year = cast(extract("year", Experiment.start_date), Integer)
    return list(
        db.session.scalars(
            select(year)
            .join(Proposal, Proposal.id == Experiment.proposal_id)
            .where(Proposal.status.in_(EXPERIMENT_STATES))
            .group_by(year)
            .order_by(year.desc())
        )
    )


def _item(row: LoadedRow) -> PublicExperiment:
    experiment, *sums = row
    proposal = experiment.proposal
    organisation = proposal.organisation
    evaluation = experiment.evaluation
    return PublicExperiment(
        id=experiment.id,
        language=proposal.language,
        title=proposal.title or "",
        # Sections the applicant marked as business secrets are never published.
        summary="" if proposal.confidential_summary else proposal.summary or "",
        need="" if proposal.confidential_need else proposal.need or "",
        status=Status(proposal.status),
        programme=PublicProgramme(
            proposal.programme_id, proposal.programme.name, proposal.programme.language
        ),
        call=PublicCall(proposal.call.id, proposal.call.title, proposal.call.language)
        if proposal.call
        else None,
        proposer_type=proposal.proposer_type and str(proposal.proposer_type),
        organisation=PublicPartner(
            organisation.name, str(organisation.type), organisation.business_id, "lead"
        )
        if organisation
        else None,
        service_area=proposal.service_area and str(proposal.service_area),
        city_centres=tuple(str(c) for c in proposal.city_centres),
        sdgs=tuple(proposal.sdgs),
        allocated_budget=experiment.allocated_budget,
        start_date=experiment.start_date,
        planned_end_date=experiment.planned_end_date,
        actual_end_date=experiment.actual_end_date,
        city_unit=experiment.city_unit or "",
        partners=tuple(
            PublicPartner(
                p.organisation.name,
                str(p.organisation.type),
                p.organisation.business_id,
                str(p.role),
            )
            for p in experiment.partners
        ),
        participants={
            c.value: int(n or 0) for c, n in zip(ParticipationCategory, sums, strict=True)
        },
        outcome=experiment.decision or None,
        lessons_learned=experiment.lessons_learned or None,
        outcome_language=experiment.language,
        evaluation=None
        if evaluation is None
        else PublicEvaluation(
            language=evaluation.language,
            got_users=evaluation.got_users,
            users_count=evaluation.users_count,
            part_of_services=evaluation.part_of_services,
            benefits_city=evaluation.benefits_city,
            benefits_customers=evaluation.benefits_customers,
            research_value=evaluation.research_value,
            research_link=evaluation.research_link or None,
            findings=evaluation.findings,
            recommendation=str(evaluation.recommendation),
        ),
        attachments=tuple(
            PublicAttachment(a.id, experiment.id, a.filename, a.content_type, a.size)
            for a in proposal.public_attachments
        ),
    )


def public_file(experiment_id: int, attachment_id: int) -> tuple[PublicAttachment, bytes] | None:
    """A published file of a public experiment and its bytes, or None (not there, not public,
    confidential or deleted)."""
    item = public_experiment(experiment_id)
    found = next((a for a in item.attachments if a.id == attachment_id), None) if item else None
    if found is None:
        return None
    stored = db.session.get(AttachmentContent, found.id)
    return (found, stored.data) if stored is not None else None


# The open data's columns (CSV) with their meaning, for the data dictionary page.
OPEN_DATA_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", N_("integer"), N_("The experiment's identifier in this service.")),
    ("title", N_("text"), N_("Title of the experiment.")),
    ("summary", N_("text"), N_("Short description of the experiment.")),
    ("need", N_("text"), N_("The problem or need the experiment tests.")),
    ("status", N_("code"), N_("pilot, evaluation, adopted or discontinued.")),
    ("programme", N_("text"), N_("The experiment programme.")),
    ("call", N_("text"), N_("The call for proposals the experiment answered.")),
    ("proposer_type", N_("code"), N_("company, community, research, education or resident.")),
    (
        "organisation",
        N_("text"),
        N_("The proposing organisation; empty when a resident proposed it."),
    ),
    ("organisation_business_id", N_("text"), N_("Finnish business ID (Y-tunnus), if any.")),
    ("service_area", N_("code"), N_("The city service area concerned.")),
    ("city_centres", N_("codes"), N_("City centres concerned, separated by semicolons.")),
    (
        "sdgs",
        N_("integers"),
        N_("UN Sustainable Development Goals (1–17), separated by semicolons."),
    ),
    ("allocated_budget", N_("decimal"), N_("Budget allocated by the city, in euros.")),
    ("start_date", N_("date"), N_("First day of the pilot (YYYY-MM-DD).")),
    ("planned_end_date", N_("date"), N_("Planned last day of the pilot.")),
    ("actual_end_date", N_("date"), N_("Actual last day of the pilot; empty while it runs.")),
    ("city_unit", N_("text"), N_("The city unit that ran the pilot.")),
    (
        "partners",
        N_("text"),
        N_("Partner organisations with their roles, separated by semicolons."),
    ),
    ("residents_customers", N_("integer"), N_("Residents and customers who took part.")),
    ("companies_communities", N_("integer"), N_("Companies and communities that took part.")),
    ("employees", N_("integer"), N_("City employees who took part.")),
    ("outcome", N_("text"), N_("The programme's decision on the experiment.")),
    ("lessons_learned", N_("text"), N_("What the city learned from the experiment.")),
    ("language", N_("code"), N_("The language of the title, summary and need: fi, sv or en.")),
    (
        "outcome_language",
        N_("code"),
        N_("The language of the outcome and lessons learned: fi, sv or en."),
    ),
    (
        "evaluation_findings",
        N_("text"),
        N_("What the evaluation of the experiment found; empty before it is evaluated."),
    ),
    (
        "evaluation_recommendation",
        N_("code"),
        N_("The evaluation's recommendation: adopt, discontinue or extend."),
    ),
    (
        "evaluation_language",
        N_("code"),
        N_("The language of the evaluation's findings: fi, sv or en."),
    ),
)


def open_data_row(item: PublicExperiment) -> list[str | int]:
    """An experiment as one open-data CSV row, in OPEN_DATA_FIELDS' order."""
    org, evaluation = item.organisation, item.evaluation
    return [
        item.id,
        item.title,
        item.summary,
        item.need,
        item.status.value,
        item.programme.name,
        item.call.title if item.call else "",
        item.proposer_type or "",
        org.name if org else "",
        (org.business_id or "") if org else "",
        item.service_area or "",
        "; ".join(item.city_centres),
        "; ".join(str(g) for g in item.sdgs),
        f"{item.allocated_budget:.2f}",
        item.start_date.isoformat(),
        item.planned_end_date.isoformat(),
        item.actual_end_date.isoformat() if item.actual_end_date else "",
        item.city_unit,
        "; ".join(f"{p.name} ({p.role})" for p in item.partners),
        *(item.participants[c.value] for c in ParticipationCategory),
        item.outcome or "",
        item.lessons_learned or "",
        item.language,
        item.outcome_language,
        evaluation.findings if evaluation else "",
        evaluation.recommendation if evaluation else "",
        evaluation.language if evaluation else "",
    ]
