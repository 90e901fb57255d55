"""Reading spreadsheets row by row, whatever the format.

The format is decided by the file's first bytes, never by its name: a zip archive is read as an
Excel workbook (.xlsx), anything else that is text as CSV. Both readers stream: memory stays flat
however many rows the file has. Row numbers are those a spreadsheet program shows (header = 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from involinks.imports.common import FileFormat, FileProblem

__all__ = [
    "BadCell",
    "SheetRow",
    "Table",
    "detect_format",
    "open_table",
]

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, old .doc
_SAVE_AS = "save it as .xlsx or as CSV UTF-8 and upload it again"


@dataclass(frozen=True, slots=True)
class BadCell:
    """A cell whose content is refused as such (a formula, an Excel error value)."""

    index: int
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class SheetRow:
    number: int  # as the spreadsheet shows it; the header is row 1
    values: tuple[str | None, ...]  # stripped text, None for an empty cell
    bad_cells: tuple[BadCell, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not self.bad_cells and all(value is None for value in self.values)


class Table(Protocol):
    @property
    def header(self) -> tuple[str | None, ...]: ...

    def rows(self) -> Iterator[SheetRow]:
        """Every row after the header, blank rows included (their numbers count)."""
        ...


def detect_format(head: bytes) -> FileFormat:
    """The format from the first bytes of the file (at least 8 of them, when there are)."""
    if not head:
        raise FileProblem("The file is empty.", code="empty_file")
    if head.startswith(_ZIP):
        return FileFormat.XLSX
    if head.startswith(_EMPTY_ZIP):
        raise FileProblem("The file is an empty zip archive, not an Excel workbook.")
    if head.startswith(_OLE2):
        raise FileProblem(
            f"This is an Excel 97-2003 workbook (.xls), which is not supported: {_SAVE_AS}.",
            code="unsupported_format",
        )
    if head.startswith(b"%PDF"):
        raise FileProblem(
            f"This is a PDF document, not a spreadsheet: {_SAVE_AS}.", code="unsupported_format"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(
            "The file is UTF-16 text (Excel's 'Unicode Text'), not UTF-8: save it as "
            "'CSV UTF-8 (Comma delimited)' and upload it again.",
            code="encoding",
        )
    if b"\x00" in head:
        raise FileProblem(
            f"This is a binary file, neither CSV text nor an Excel workbook: {_SAVE_AS}.",
            code="unsupported_format",
        )
    return FileFormat.CSV


@contextmanager
def open_table(
    stream: BinaryIO,
    file_format: FileFormat,
    *,
    known_columns: frozenset[str] = frozenset(),
    max_unpacked_bytes: int = 200 * 1024 * 1024,
) -> Iterator[Table]:
    """Open ``stream`` (binary, seekable, positioned at 0) as a table.

    ``known_columns`` helps the CSV reader choose between comma, semicolon and tab.
    """
    if file_format is FileFormat.XLSX:
        from involinks.imports.parsers.excel import XlsxTable

        xlsx = XlsxTable(stream, max_unpacked_bytes=max_unpacked_bytes)
        try:
            yield xlsx
        finally:
            xlsx.close()
    else:
        from involinks.imports.parsers.csv import CsvTable

        yield CsvTable(stream, known_columns=known_columns)
