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
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar, overload
from zoneinfo import ZoneInfo

from flask_babel import gettext

from .lifecycle import N_
from .statistics import PARTS, PUBLIC, Metric, ProgrammeStatistics, Shape
from .statistics.metric import JsonFigure, Key

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The C0 control characters but tab, LF and CR: what a worksheet cannot hold (openpyxl's
# ILLEGAL_CHARACTERS_RE, said here so that CSV need not load openpyxl).
UNHOLDABLE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
HELSINKI = ZoneInfo("Europe/Helsinki")

T = TypeVar("T")


@overload
def neutralise(value: str) -> str: ...
@overload
def neutralise(value: T) -> T: ...
def neutralise(value: object) -> object:
    """A text as a spreadsheet shows it: without the control characters a worksheet cannot
    hold (all C0 but tab, LF and CR), and quoted when it would be taken for a formula."""
    if not isinstance(value, str):
        return value
    # Texts stored before such characters were refused must not fail the whole export.
    text: str = UNHOLDABLE.sub("", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(value: object) -> str:
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


def csv_stream(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """The rows as CSV, UTF-8 bytes, one line at a time (RFC 4180: CRLF, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(row: Iterable[object]) -> bytes:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_text(v) for v in row])
        return buffer.getvalue().encode("utf-8")

    yield line(header)
    for row in rows:
        yield line(row)


def _xlsx_value(value: object) -> object:
    if isinstance(value, datetime):
        # Excel has no time zones: the Helsinki wall-clock time, as shown on the pages.
        return value.astimezone(HELSINKI).replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        return neutralise("; ".join(str(v) for v in value))
    return neutralise(value)


def xlsx_bytes(title: str, header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """One worksheet with a bold header row, written in openpyxl's write-only mode."""
    return xlsx_sheets([(title, header)], ([row] for row in rows))


def xlsx_sheets(
    sheets: Sequence[tuple[str, Sequence[str]]], rows: Iterable[Sequence[Iterable[object]]]
) -> bytes:
    """Worksheets (title, header) filled side by side: each item of rows holds a row for
    every sheet, so that one pass over the data writes them all. The first sheet opens."""
    # Loaded by the first workbook: a worker that never writes one saves 15 MB.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    written = []
    for title, header in sheets:
        sheet = workbook.create_sheet(title[:31])
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=neutralise(name))
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        written.append(sheet)
    for row in rows:
        for sheet, values in zip(written, row, strict=True):
            sheet.append([_xlsx_value(v) for v in values])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# The statistics export.

STATISTICS_COLUMNS = ("figure", "key", "value")
READER_STATISTICS_COLUMNS = (N_("Figure"), N_("Item"), N_("Value"))

# A row of the statistics export: figure and key as codes, then as the reader reads them,
# then the value (the same in both).
_Entry = tuple[str, Key, str, str, JsonFigure]


def statistics_rows(stats: ProgrammeStatistics) -> list[list[JsonFigure]]:
    """The statistics as (figure, key, value) rows: the registry's public entries, with the
    same values as the JSON and the page."""
    return [[figure, key, value] for figure, key, _f, _k, value in _statistic_entries(stats)]


def reader_statistics_rows(stats: ProgrammeStatistics) -> list[list[JsonFigure]]:
    """The same rows as statistics_rows, figures and keys in the reader's language."""
    return [[figure, key, value] for _f, _k, figure, key, value in _statistic_entries(stats)]


def _statistic_entries(stats: ProgrammeStatistics) -> Iterator[_Entry]:
    programme = stats.programme
    name = gettext("Programme")
    yield "programme", "id", name, gettext("Number"), programme.id
    yield "programme", "name", name, gettext("Name"), programme.name
    yield "programme", "start_year", name, gettext("First year"), programme.start_year
    yield "programme", "end_year", name, gettext("Last year"), programme.end_year
    if stats.call_id is not None:
        yield "filter", "call", gettext("Filter"), gettext("Call"), stats.call_id
    if stats.year is not None:
        yield "filter", "year", gettext("Filter"), gettext("Year submitted"), stats.year
    for metric in PUBLIC:
        yield from _metric_entries(metric, stats)


def _metric_entries(metric: Metric, stats: ProgrammeStatistics) -> Iterator[_Entry]:
    label = gettext(metric.label)
    if metric.part_of:
        part = gettext(PARTS[metric.part_of])
        yield metric.part_of, metric.name, part, label, metric.json(stats)
    elif metric.shape is Shape.BREAKDOWN:
        for key, n in metric.breakdown_json(stats).items():
            yield metric.name, key, label, metric.key_label(key), n
    elif metric.shape is Shape.YEARS:
        for year in metric.years_json(stats):
            for column in metric.columns:
                yield (
                    f"{metric.name}.{column.name}",
                    str(year["year"]),
                    f"{label}: {gettext(column.label)}",
                    str(year["year"]),
                    year[column.name],
                )
    else:
        yield metric.name, "", label, "", metric.json(stats)
