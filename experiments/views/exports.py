"""Exports for managers: proposals as CSV (streamed) and XLSX, statistics as CSV.

The CSV files at their SPEC addresses keep the stable codes (headers and values) that
other programs read; `?labels=1` gives the same file in the reader's language. The XLSX
opens in the reader's language and keeps the codes on its second sheet.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext

from .. import exports, proposal_export, statistics
from ..lifecycle import Role
from ..routing import whole_number
from ..rules import YEAR_MAX, YEAR_MIN
from .guards import allow

bp = Blueprint("exports", __name__, url_prefix="/exports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme(required: bool = False) -> statistics.ProgrammeRef | None:
    """The programme named by ?programme= (404 if there is none), or the default one."""
    refs = statistics.programme_refs()
    wanted = whole_number("programme")
    if wanted is None:
        if not required:
            return None
        wanted = statistics.default_programme_id(refs)
    ref = next((r for r in refs if r.id == wanted), None)
    if ref is None:
        abort(404)
    return ref


def _labelled() -> bool:
    """?labels=1: headers and code values in the reader's language."""
    return request.args.get("labels") == "1"


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@bp.get("/")
@allow(Role.MANAGER)
def index():
    return render_template("exports/index.html", refs=statistics.programme_refs())


@bp.get("/proposals.csv")
@allow(Role.MANAGER)
def proposals_csv():
    ref = _programme()
    records = proposal_export.proposal_records(ref.id if ref else None)
    if _labelled():
        header, rows = proposal_export.reader_header(), proposal_export.reader_rows(records)
    else:
        header, rows = list(proposal_export.CODES), proposal_export.code_rows(records)
    return Response(
        stream_with_context(exports.csv_stream(header, rows)),
        mimetype="text/csv",
        headers=_attachment("proposals.csv"),
    )


@bp.get("/proposals.xlsx")
@allow(Role.MANAGER)
def proposals_xlsx():
    ref = _programme()
    records = proposal_export.proposal_records(ref.id if ref else None)
    sheets = [
        (gettext("Proposals"), proposal_export.reader_header()),
        ("codes", list(proposal_export.CODES)),
    ]
    data = exports.xlsx_sheets(sheets, proposal_export.both_rows(records))
    return Response(data, mimetype=XLSX, headers=_attachment("proposals.xlsx"))


@bp.get("/statistics.csv")
@allow(Role.MANAGER)
def statistics_csv():
    ref = _programme(required=True)
    call_id, year = whole_number("call"), whole_number("year", YEAR_MIN, YEAR_MAX)
    if call_id is not None and call_id not in {c.id for c in statistics.programme_calls(ref.id)}:
        abort(404)
    stats = statistics.programme_statistics(ref.id, call_id=call_id, year=year)
    if _labelled():
        header = [gettext(name) for name in exports.READER_STATISTICS_COLUMNS]
        rows = exports.reader_statistics_rows(stats)
    else:
        header, rows = list(exports.STATISTICS_COLUMNS), exports.statistics_rows(stats)
    return Response(
        exports.csv_stream(header, rows),
        mimetype="text/csv",
        headers=_attachment("statistics.csv"),
    )
