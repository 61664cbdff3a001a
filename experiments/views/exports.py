"""Exports for managers: proposals as CSV (streamed) and XLSX, statistics as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, stream_with_context

from .. import exports, statistics
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
    rows = exports.proposal_rows(ref.id if ref else None)
    return Response(
        stream_with_context(exports.csv_stream(exports.PROPOSAL_COLUMNS, rows)),
        mimetype="text/csv",
        headers=_attachment("proposals.csv"),
    )


@bp.get("/proposals.xlsx")
@allow(Role.MANAGER)
def proposals_xlsx():
    ref = _programme()
    data = exports.xlsx_bytes(
        "Proposals", list(exports.PROPOSAL_COLUMNS), exports.proposal_rows(ref.id if ref else None)
    )
    return Response(data, mimetype=XLSX, headers=_attachment("proposals.xlsx"))


@bp.get("/statistics.csv")
@allow(Role.MANAGER)
def statistics_csv():
    ref = _programme(required=True)
    call_id, year = whole_number("call"), whole_number("year", YEAR_MIN, YEAR_MAX)
    if call_id is not None and call_id not in {c.id for c in statistics.programme_calls(ref.id)}:
        abort(404)
    stats = statistics.programme_statistics(ref.id, call_id=call_id, year=year)
    rows = exports.statistics_rows(stats)
    return Response(
        exports.csv_stream(exports.STATISTICS_COLUMNS, rows),
        mimetype="text/csv",
        headers=_attachment("statistics.csv"),
    )
