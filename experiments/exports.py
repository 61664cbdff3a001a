"""CSV and XLSX writers for the managers' exports and the open data.

Every text cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
or a carriage return) is neutralised with a leading single quote, in CSV and XLSX alike.
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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .extensions import db
from .models import Experiment, Participation, Proposal
from .statistics import ProgrammeStatistics, statistics_json
from .vocabulary import ParticipationCategory

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HELSINKI = ZoneInfo("Europe/Helsinki")


def neutralise(value):
    """A text that a spreadsheet would take for a formula, quoted so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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


# --- the proposals export (managers) -------------------------------------------------------

PROPOSAL_COLUMNS = (
    "id", "programme", "call", "title", "status", "proposer_type", "organisation",
    "organisation_business_id", "service_area", "city_centres", "sdgs", "requested_budget",
    "planned_duration_months", "summary", "need", "owner_name", "owner_email", "submitted_at",
    "created_at", "allocated_budget", "start_date", "planned_end_date", "actual_end_date",
    "city_unit", "residents_customers", "companies_communities", "employees",
)


def proposal_rows(programme_id: int | None = None, chunk: int = 1000) -> Iterator[list]:
    """Every proposal (of one programme, or all) as a row of PROPOSAL_COLUMNS, a chunk of
    rows loaded at a time."""
    sums = (
        select(
            Participation.experiment_id,
            *(
                func.sum(case((Participation.category == category, Participation.count),
                              else_=0)).label(category.value)
                for category in ParticipationCategory
            ),
        )
        .group_by(Participation.experiment_id)
        .subquery()
    )
    query = (
        select(Proposal, *(sums.c[c.value] for c in ParticipationCategory))
        .outerjoin(Experiment, Experiment.proposal_id == Proposal.id)
        .outerjoin(sums, sums.c.experiment_id == Experiment.id)
        .options(
            joinedload(Proposal.programme), joinedload(Proposal.call),
            joinedload(Proposal.organisation), joinedload(Proposal.owner),
            contains_eager(Proposal.experiment), selectinload(Proposal.centre_rows),
            selectinload(Proposal.sdg_rows),
        )
        .order_by(Proposal.id)
        .execution_options(yield_per=chunk)
    )
    if programme_id is not None:
        query = query.where(Proposal.programme_id == programme_id)
    for proposal, *participants in db.session.execute(query):
        experiment = proposal.experiment
        organisation = proposal.organisation
        yield [
            proposal.id, proposal.programme.name, proposal.call.title if proposal.call else None,
            proposal.title, str(proposal.status), _code(proposal.proposer_type),
            organisation.name if organisation else None,
            organisation.business_id if organisation else None,
            _code(proposal.service_area), "; ".join(str(c) for c in proposal.city_centres),
            "; ".join(str(g) for g in proposal.sdgs), proposal.requested_budget,
            proposal.planned_duration_months, proposal.summary, proposal.need,
            proposal.owner.name, proposal.owner.email, proposal.submitted_at,
            proposal.created_at,
            *(
                (experiment.allocated_budget, experiment.start_date,
                 experiment.planned_end_date, experiment.actual_end_date, experiment.city_unit)
                if experiment else (None,) * 5
            ),
            *((int(n or 0) for n in participants) if experiment else (None,) * 3),
        ]


def _code(value) -> str | None:
    return None if value is None else str(value)


# --- the statistics export -----------------------------------------------------------------

STATISTICS_COLUMNS = ("figure", "key", "value")


def statistics_rows(stats: ProgrammeStatistics) -> list[list]:
    """The statistics as (figure, key, value) rows: the same numbers as the JSON and the page."""
    data = statistics_json(stats)
    programme = data.pop("programme")
    rows: list[list] = [["programme", "id", programme["id"]],
                        ["programme", "name", programme["name"]],
                        ["programme", "start_year", programme["start_year"]],
                        ["programme", "end_year", programme["end_year"]]]
    if stats.call_id is not None:
        rows.append(["filter", "call", stats.call_id])
    if stats.year is not None:
        rows.append(["filter", "year", stats.year])
    for figure, value in data.items():
        if figure == "budget":
            for year in value:
                rows += [[f"budget.{name}", year["year"], year[name]]
                         for name in ("annual", "allocated", "spent", "remaining")]
        elif isinstance(value, dict):
            rows += [[figure, key, n] for key, n in value.items()]
        else:
            rows.append([figure, "", value])
    return rows
