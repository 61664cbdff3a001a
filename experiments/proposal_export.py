"""The managers' proposals export: one table of columns, read by every form of the file.

Each column says once what it is: its stable code (the header of the machine-readable
CSV), its label in the reader's language, where its value comes from, and how a code value
reads in the reader's language. The SPEC's CSV (/exports/proposals.csv) shows the codes;
the reader's version (the page's language) shows the labels of both headers and values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, case, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from .extensions import db
from .i18n import code_label, sdg_label, status_label
from .lifecycle import N_
from .models import (
    Call,
    Experiment,
    Organisation,
    Participation,
    Programme,
    Proposal,
    ProposalCentre,
    ProposalSdg,
    User,
)
from .vocabulary import ParticipationCategory

# A cell of the proposals export: text, a number, an amount, a date or a moment, or empty.
Cell = str | int | Decimal | date | datetime | None
# One proposal's values by column code (codes, not labels).
Record = dict[str, Any]

_OWNER = aliased(User)


def _owner_name() -> ColumnElement[str]:
    # A deleted account's name and address are erased: say so, in the reader's language.
    present = _OWNER.deleted_at.is_(None)
    return case((present, _OWNER.name), else_=literal(gettext("Deleted user")))


def _owner_email() -> ColumnElement[str]:
    return case((_OWNER.deleted_at.is_(None), _OWNER.email), else_=literal(""))


def _codes(labels: Callable[[str], str]) -> Callable[[Any], str | None]:
    """A code value (or a list of them) as its label in the reader's language."""

    def shown(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, list):
            return "; ".join(labels(str(v)) for v in value)
        return labels(str(value))

    return shown


def _vocabulary(name: str) -> Callable[[Any], str | None]:
    return _codes(lambda code: code_label(name, code))


def _as_codes(value: Any) -> Cell:
    """A value as the machine-readable file has it: codes as they are, lists joined."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if value is not None and not isinstance(value, (int, Decimal, date)):
        return str(value)
    return value


@dataclass(frozen=True)
class ExportColumn:
    """A column of the proposals export."""

    code: str  # the stable header, and the value's key in a Record
    label: str  # N_: the header in the reader's language
    # Where the value comes from in the proposals query; None: from a per-chunk lookup.
    sql: Callable[[], SQLColumnExpression[Any]] | None = None
    # A code value as the reader reads it; None: the value is no code and shows as it is.
    labelled: Callable[[Any], str | None] | None = None

    def code_value(self, record: Record) -> Cell:
        return _as_codes(record[self.code])

    def reader_value(self, record: Record) -> Cell:
        value = record[self.code]
        return self.labelled(value) if self.labelled else _as_codes(value)


COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("id", N_("Number"), lambda: Proposal.id),
    ExportColumn("programme", N_("Programme"), lambda: Programme.name),
    ExportColumn("call", N_("Call"), lambda: Call.title),
    ExportColumn("title", N_("Title"), lambda: Proposal.title),
    ExportColumn("status", N_("Status"), lambda: Proposal.status, _codes(status_label)),
    ExportColumn(
        "proposer_type",
        N_("Proposer type"),
        lambda: Proposal.proposer_type,
        _vocabulary("ProposerType"),
    ),
    ExportColumn("organisation", N_("Organisation"), lambda: Organisation.name),
    ExportColumn("organisation_business_id", N_("Business ID"), lambda: Organisation.business_id),
    ExportColumn(
        "service_area",
        N_("Service area"),
        lambda: Proposal.service_area,
        _vocabulary("ServiceArea"),
    ),
    ExportColumn("city_centres", N_("City centres"), None, _vocabulary("CityCentre")),
    ExportColumn(
        "sdgs",
        N_("UN Sustainable Development Goals"),
        None,
        _codes(lambda goal: f"{goal}. {sdg_label(goal)}"),
    ),
    ExportColumn(
        "requested_budget", N_("Requested budget (EUR)"), lambda: Proposal.requested_budget
    ),
    ExportColumn(
        "planned_duration_months",
        N_("Planned duration (months)"),
        lambda: Proposal.planned_duration_months,
    ),
    ExportColumn("summary", N_("Summary"), lambda: Proposal.summary),
    ExportColumn("need", N_("Need"), lambda: Proposal.need),
    ExportColumn("owner_name", N_("Applicant's name"), _owner_name),
    ExportColumn("owner_email", N_("Applicant's e-mail address"), _owner_email),
    ExportColumn("submitted_at", N_("Submitted"), lambda: Proposal.submitted_at),
    ExportColumn("created_at", N_("Created"), lambda: Proposal.created_at),
    ExportColumn(
        "allocated_budget", N_("Allocated budget (EUR)"), lambda: Experiment.allocated_budget
    ),
    ExportColumn("start_date", N_("Pilot start"), lambda: Experiment.start_date),
    ExportColumn("planned_end_date", N_("Planned end"), lambda: Experiment.planned_end_date),
    ExportColumn("actual_end_date", N_("Actual end"), lambda: Experiment.actual_end_date),
    ExportColumn("city_unit", N_("City unit"), lambda: Experiment.city_unit),
    # Filled from the participation records, by category code (_completed).
    ExportColumn("residents_customers", N_("Participants: residents and customers")),
    ExportColumn("companies_communities", N_("Participants: companies and communities")),
    ExportColumn("employees", N_("Participants: city employees")),
)
CODES = tuple(column.code for column in COLUMNS)
_QUERIED = tuple(column for column in COLUMNS if column.sql is not None)


def reader_header() -> list[str]:
    """The headers in the reader's language."""
    return [gettext(column.label) for column in COLUMNS]


def code_rows(records: Iterator[Record]) -> Iterator[list[Cell]]:
    """Records as rows of stable codes (the SPEC's CSV)."""
    for record in records:
        yield [column.code_value(record) for column in COLUMNS]


def reader_rows(records: Iterator[Record]) -> Iterator[list[Cell]]:
    """Records as rows in the reader's language."""
    for record in records:
        yield [column.reader_value(record) for column in COLUMNS]


def both_rows(records: Iterator[Record]) -> Iterator[tuple[list[Cell], list[Cell]]]:
    """Records as a row in the reader's language and a row of codes, side by side."""
    for record in records:
        yield (
            [column.reader_value(record) for column in COLUMNS],
            [column.code_value(record) for column in COLUMNS],
        )


def _query(programme_id: int | None, chunk: int) -> Select[Any]:
    """The proposals' own columns and their experiment's, one chunk ordered by id."""
    query = (
        select(*(column.sql().label(column.code) for column in _QUERIED if column.sql))
        .add_columns(Experiment.id.label("experiment_id"))
        .join(Programme, Programme.id == Proposal.programme_id)
        .join(_OWNER, _OWNER.id == Proposal.owner_id)
        .outerjoin(Call, Call.id == Proposal.call_id)
        .outerjoin(Organisation, Organisation.id == Proposal.organisation_id)
        .outerjoin(Experiment, Experiment.proposal_id == Proposal.id)
        .order_by(Proposal.id)
        .limit(chunk)
    )
    if programme_id is not None:
        query = query.where(Proposal.programme_id == programme_id)
    return query


def proposal_records(programme_id: int | None = None, chunk: int = 1000) -> Iterator[Record]:
    """Every proposal (of one programme, or all) as a Record, a chunk loaded at a time.

    Plain rows, not ORM objects (building ~5 objects per proposal cost most of the export's
    time), in chunks by id, each with its centres, SDGs and participant sums in one
    statement apiece.
    """
    query = _query(programme_id, chunk)
    last_id = 0
    while rows := db.session.execute(query.where(Proposal.id > last_id)).mappings().all():
        last_id = rows[-1]["id"]
        yield from _completed(rows)


def _completed(rows: Sequence[Any]) -> Iterator[Record]:
    """A chunk's rows with their centres, goals and participants."""
    ids = [row["id"] for row in rows]
    centres, sdgs = _grouped(ProposalCentre.centre, ids), _grouped(ProposalSdg.sdg, ids)
    sums = _participant_sums([row["experiment_id"] for row in rows if row["experiment_id"]])
    for row in rows:
        record: Record = dict(row)
        experiment_id = record.pop("experiment_id")
        record["city_centres"] = [str(c) for c in centres.get(record["id"], ())]
        record["sdgs"] = sdgs.get(record["id"], [])
        # No experiment: no participants at all, not zero of them.
        counts = sums.get(experiment_id, {}) if experiment_id is not None else None
        for category in ParticipationCategory:
            record[category.value] = None if counts is None else counts.get(category.value, 0)
        yield record


def _grouped(column: InstrumentedAttribute[Any], proposal_ids: list[int]) -> dict[int, list[Any]]:
    """A proposal's rows of a child table (centres, SDGs), in the order the pages show them."""
    table = column.class_
    grouped: dict[int, list[Any]] = {}
    for proposal_id, value in db.session.execute(
        select(table.proposal_id, column)
        .where(table.proposal_id.in_(proposal_ids))
        .order_by(table.proposal_id, column)
    ):
        grouped.setdefault(proposal_id, []).append(value)
    return grouped


def _participant_sums(experiment_ids: list[int]) -> dict[int, dict[str, int]]:
    """Participants per category code of these experiments."""
    if not experiment_ids:
        return {}
    totals: dict[int, dict[str, int]] = {}
    for experiment_id, category, total in db.session.execute(
        select(Participation.experiment_id, Participation.category, func.sum(Participation.count))
        .where(Participation.experiment_id.in_(experiment_ids))
        .group_by(Participation.experiment_id, Participation.category)
    ):
        totals.setdefault(experiment_id, {})[str(category)] = int(total)
    return totals
