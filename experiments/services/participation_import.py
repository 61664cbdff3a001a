"""Participation from a spreadsheet: a CSV file's rows saved all or none."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from ..errors import Invalid
from ..extensions import db
from ..models import Experiment, Participation, User
from .experiments import check_recording
from .participation import ROWS_MAX, participation_records, too_many_rows
from .transaction import transactional

PARTICIPATION_COLUMNS = ("date", "category", "count", "note")
REQUIRED_COLUMNS = ("date", "category", "count")
CSV_MAX_BYTES = 1_000_000  # below the app's 1 MiB request limit, so the page can explain


@transactional
def import_participation_csv(
    experiment: Experiment, actor: User, data: bytes, filename: str | None = None
) -> list[Participation]:
    """Save every row of a CSV file or none; raises Invalid ("file", or spreadsheet "row N")."""
    check_recording(experiment, actor)
    numbered, errors = read_participation_csv(data, filename)
    records = participation_records(experiment, numbered, by_row=True, errors=errors)
    db.session.add_all(records)
    return records


def read_participation_csv(
    data: bytes, filename: str | None = None
) -> tuple[list[tuple[int, dict[str, str]]], dict[str, list[str]]]:
    """([(row number, {column: value})], {"row N": [problems]}); raises Invalid for the file."""
    text = _text(data, filename)
    first_line = text.lstrip().split("\n", 1)[0]
    # Spreadsheets with a decimal comma (Finnish, Swedish) separate columns with ";".
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = _columns(next(reader, None))
        numbered, errors = _rows(reader, columns)
    except csv.Error as error:
        raise Invalid(
            {"file": [_("The file is not valid CSV near row %(n)d.", n=reader.line_num)]}
        ) from error
    if not numbered and not errors:
        raise Invalid({"file": [_("The file has a header but no rows.")]})
    return numbered, errors


def _text(data: bytes, filename: str | None) -> str:
    """The file's text; raises Invalid for a wrong name, size, encoding or a binary file."""
    if filename is not None and not filename.lower().endswith(".csv"):
        raise Invalid({"file": [_("Choose a CSV file (a name ending in .csv).")]})
    if len(data) > CSV_MAX_BYTES:
        raise Invalid({"file": [_("The file is too large: at most 1 MB.")]})
    if not data.strip():
        raise Invalid({"file": [_("The file is empty.")]})
    if b"\x00" in data:
        raise Invalid({"file": [_("This is not a CSV text file.")]})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(
            {"file": [_("The file is not UTF-8 text. In a spreadsheet, save it as “CSV UTF-8”.")]}
        ) from error


def _columns(header: list[str] | None) -> list[str]:
    """The header's column names; raises Invalid unless they are the participation columns."""
    columns = [c.strip().lower() for c in header or []]
    if (
        len(set(columns)) != len(columns)
        or not set(REQUIRED_COLUMNS) <= set(columns)
        or not set(columns) <= set(PARTICIPATION_COLUMNS)
    ):
        raise Invalid(
            {
                "file": [
                    _(
                        "The first row must name the columns: date,category,count,note "
                        "(note may be left out)."
                    )
                ]
            }
        )
    return columns


def _rows(
    reader: Iterable[list[str]], columns: list[str]
) -> tuple[list[tuple[int, dict[str, str]]], dict[str, list[str]]]:
    """Rows by spreadsheet row number, and the wrong-length ones; raises Invalid past ROWS_MAX."""
    numbered: list[tuple[int, dict[str, str]]] = []
    errors: dict[str, list[str]] = {}
    for row_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # a blank line
        if len(numbered) + len(errors) >= ROWS_MAX:
            raise Invalid({"file": [too_many_rows()]})
        if len(values) != len(columns):
            errors[f"row {row_number}"] = [
                _(
                    "expected %(expected)d values, found %(found)d.",
                    expected=len(columns),
                    found=len(values),
                )
            ]
            continue
        numbered.append((row_number, dict(zip(columns, values, strict=True))))
    return numbered, errors
