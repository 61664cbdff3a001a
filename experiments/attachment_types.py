"""The kinds of file a proposal takes, recognised by their content, never by name or claim."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype

from .lifecycle import N_


@dataclass(frozen=True)
class FileKind:
    content_type: str
    label: str  # what the kind is called (translated where shown)
    endings: tuple[str, ...]  # a name of this kind ends in one of these


PDF = FileKind("application/pdf", N_("PDF document"), ("pdf",))
PNG = FileKind("image/png", N_("PNG image"), ("png",))
JPEG = FileKind("image/jpeg", N_("JPEG image"), ("jpg", "jpeg"))
ODT = FileKind("application/vnd.oasis.opendocument.text", N_("OpenDocument text"), ("odt",))
ODS = FileKind(
    "application/vnd.oasis.opendocument.spreadsheet", N_("OpenDocument spreadsheet"), ("ods",)
)
ODP = FileKind(
    "application/vnd.oasis.opendocument.presentation", N_("OpenDocument presentation"), ("odp",)
)
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    N_("Word document"),
    ("docx",),
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    N_("Excel workbook"),
    ("xlsx",),
)
PPTX = FileKind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    N_("PowerPoint presentation"),
    ("pptx",),
)
CSV = FileKind("text/csv", N_("CSV table"), ("csv",))
TEXT = FileKind("text/plain", N_("plain text"), ("txt", "text", "md"))

KINDS = (PDF, PNG, JPEG, ODT, ODS, ODP, DOCX, XLSX, PPTX, CSV, TEXT)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}
ENDINGS = tuple(ending for kind in KINDS for ending in kind.endings)

# What filetype recognises from the first bytes, for the kinds that are not containers.
_SIGNATURES = {kind.content_type: kind for kind in (PDF, PNG, JPEG)}
_ODF = {kind.content_type: kind for kind in (ODT, ODS, ODP)}
# An Office Open XML package's main part says which document it is.
_OOXML = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
# C0 control characters but tab, LF, FF and CR, and DEL: a text file has none.
_NOT_TEXT = frozenset(range(0x00, 0x20)) - {0x09, 0x0A, 0x0C, 0x0D} | {0x7F}


def ending(filename: str) -> str:
    """The name's ending after its last dot, in lower case ("" without one)."""
    stem, dot, tail = filename.rpartition(".")
    return tail.lower() if dot and stem else ""


def recognise(data: bytes, filename: str) -> FileKind | None:
    """The kind of file the content is, or None if it is none of the kinds taken.

    Text is the one kind the content cannot tell apart: CSV is text whose name ends in .csv.
    """
    guessed = filetype.guess(data)
    if guessed is not None and guessed.mime in _SIGNATURES:
        return _SIGNATURES[guessed.mime]
    if data.startswith(b"PK\x03\x04"):
        return _package(data)
    if _is_text(data):
        return CSV if ending(filename) == "csv" else TEXT
    return None


def _package(data: bytes) -> FileKind | None:
    """An OpenDocument or Office Open XML file; other zip files are refused.

    Only the directory and the tiny mimetype entry are read, never the compressed parts.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.getinfo("mimetype").file_size <= 100:
                declared = package.read("mimetype").decode("ascii", "replace").strip()
                return _ODF.get(declared)
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in _OOXML if part in names), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        return None  # damaged, encrypted or of a method zipfile cannot read
    except (OSError, EOFError, ValueError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    """UTF-8 text (a byte-order mark allowed) without NUL or other control characters."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _NOT_TEXT.intersection(data)
