"""CSV and XLSX writers for the managers' exports and the open data.

Every text cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
or a carriage return) is neutralised with a leading single quote, in CSV and XLSX alike,
after dropping the control characters that a worksheet cannot hold.
CSV is UTF-8, comma-separated, CRLF line ends, quoted as RFC 4180 needs; streamed a row at
a time. XLSX uses openpyxl's write-only mode so that memory stays flat.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import aliased

from .extensions import db
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
from .statistics import PUBLIC, ProgrammeStatistics, Shape
from .vocabulary import ParticipationCategory

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HELSINKI = ZoneInfo("Europe/Helsinki")


def neutralise(value):
    """A text as a spreadsheet shows it: without the control characters a worksheet cannot
    hold (all C0 but tab, LF and CR), and quoted when it would be taken for a formula."""
    if not isinstance(value, str):
        return value
    # Texts stored before such characters were refused must not fail the whole export.
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.astimezone(HELSINKI).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_stream(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The rows as CSV, UTF-8 bytes, one line at a time (RFC 4180: CRLF, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(row) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_text(v) for v in row])
        return buffer.getvalue().encode("utf-8")

    yield line(header)
    for row in rows:
        yield line(row)


def _xlsx_value(value):
    if isinstance(value, datetime):
        # Excel has no time zones: the Helsinki wall-clock time, as shown on the pages.
        return value.astimezone(HELSINKI).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return neutralise("; ".join(str(v) for v in value))
    return neutralise(value)


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable]) -> bytes:
    """One worksheet with a bold header row, written in openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=neutralise(name))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# The proposals export, for managers.

PROPOSAL_COLUMNS = (
    "id",
    "programme",
    "call",
    "title",
    "status",
    "proposer_type",
    "organisation",
    "organisation_business_id",
    "service_area",
    "city_centres",
    "sdgs",
    "requested_budget",
    "planned_duration_months",
    "summary",
    "need",
    "owner_name",
    "owner_email",
    "submitted_at",
    "created_at",
    "allocated_budget",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "city_unit",
    "residents_customers",
    "companies_communities",
    "employees",
)


def proposal_rows(programme_id: int | None = None, chunk: int = 1000) -> Iterator[list]:
    """Every proposal (of one programme, or all) as a row of PROPOSAL_COLUMNS, a chunk of
    rows loaded at a time.

    Plain rows, not ORM objects (building ~5 objects per proposal cost most of the export's
    time), in chunks by id, each with its centres, SDGs and participant sums in one
    statement apiece.
    """
    owner = aliased(User)
    # A deleted account's name and address are erased: say so, in the reader's language.
    present = owner.deleted_at.is_(None)
    owner_name = case((present, owner.name), else_=literal(gettext("Deleted user")))
    owner_email = case((present, owner.email), else_=literal(""))
    query = (
        select(
            Proposal.id,
            Programme.name,
            Call.title,
            Proposal.title,
            Proposal.status,
            Proposal.proposer_type,
            Organisation.name,
            Organisation.business_id,
            Proposal.service_area,
            Proposal.requested_budget,
            Proposal.planned_duration_months,
            Proposal.summary,
            Proposal.need,
            owner_name,
            owner_email,
            Proposal.submitted_at,
            Proposal.created_at,
            Experiment.allocated_budget,
            Experiment.start_date,
            Experiment.planned_end_date,
            Experiment.actual_end_date,
            Experiment.city_unit,
            Experiment.id,
        )
        .join(Programme, Programme.id == Proposal.programme_id)
        .join(owner, owner.id == Proposal.owner_id)
        .outerjoin(Call, Call.id == Proposal.call_id)
        .outerjoin(Organisation, Organisation.id == Proposal.organisation_id)
        .outerjoin(Experiment, Experiment.proposal_id == Proposal.id)
        .order_by(Proposal.id)
        .limit(chunk)
    )
    if programme_id is not None:
        query = query.where(Proposal.programme_id == programme_id)
    last_id = 0
    while rows := db.session.execute(query.where(Proposal.id > last_id)).all():
        last_id = rows[-1][0]
        ids = [row[0] for row in rows]
        centres, sdgs = _grouped(ProposalCentre.centre, ids), _grouped(ProposalSdg.sdg, ids)
        sums = _participant_sums([row[-1] for row in rows if row[-1] is not None])
        for row in rows:
            (
                proposal_id,
                programme,
                call,
                title,
                status,
                proposer_type,
                organisation,
                business_id,
                area,
                budget,
                months,
                summary,
                need,
                owner_name,
                owner_email,
                submitted_at,
                created_at,
                *experiment,
                experiment_id,
            ) = row
            yield [
                proposal_id,
                programme,
                call,
                title,
                str(status),
                _code(proposer_type),
                organisation,
                business_id,
                _code(area),
                "; ".join(str(c) for c in centres.get(proposal_id, ())),
                "; ".join(str(g) for g in sdgs.get(proposal_id, ())),
                budget,
                months,
                summary,
                need,
                owner_name,
                owner_email,
                submitted_at,
                created_at,
                *(experiment if experiment_id is not None else (None,) * 5),
                *(
                    sums.get(experiment_id, (0,) * len(ParticipationCategory))
                    if experiment_id is not None
                    else (None,) * len(ParticipationCategory)
                ),
            ]


def _grouped(column, proposal_ids: list[int]) -> dict[int, list]:
    """A proposal's rows of a child table (centres, SDGs), in the order the pages show them."""
    table = column.class_
    grouped: dict[int, list] = {}
    for proposal_id, value in db.session.execute(
        select(table.proposal_id, column)
        .where(table.proposal_id.in_(proposal_ids))
        .order_by(table.proposal_id, column)
    ):
        grouped.setdefault(proposal_id, []).append(value)
    return grouped


def _participant_sums(experiment_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Participants per category of these experiments, in ParticipationCategory's order."""
    if not experiment_ids:
        return {}
    totals: dict[int, dict[str, int]] = {}
    for experiment_id, category, total in db.session.execute(
        select(Participation.experiment_id, Participation.category, func.sum(Participation.count))
        .where(Participation.experiment_id.in_(experiment_ids))
        .group_by(Participation.experiment_id, Participation.category)
    ):
        totals.setdefault(experiment_id, {})[str(category)] = int(total)
    return {
        experiment_id: tuple(by.get(c.value, 0) for c in ParticipationCategory)
        for experiment_id, by in totals.items()
    }


def _code(value) -> str | None:
    return None if value is None else str(value)


# The statistics export.

STATISTICS_COLUMNS = ("figure", "key", "value")


def statistics_rows(stats: ProgrammeStatistics) -> list[list]:
    """The statistics as (figure, key, value) rows: the registry's public entries, with the
    same values as the JSON and the page."""
    programme = stats.programme
    rows: list[list] = [
        ["programme", "id", programme.id],
        ["programme", "name", programme.name],
        ["programme", "start_year", programme.start_year],
        ["programme", "end_year", programme.end_year],
    ]
    if stats.call_id is not None:
        rows.append(["filter", "call", stats.call_id])
    if stats.year is not None:
        rows.append(["filter", "year", stats.year])
    for metric in PUBLIC:
        value = metric.json(stats)
        if metric.part_of:
            rows.append([metric.part_of, metric.name, value])
        elif metric.shape is Shape.BREAKDOWN:
            rows += [[metric.name, key, n] for key, n in value.items()]
        elif metric.shape is Shape.YEARS:
            rows += [
                [f"{metric.name}.{column.name}", year["year"], year[column.name]]
                for year in value
                for column in metric.columns
            ]
        else:
            rows.append([metric.name, "", value])
    return rows
