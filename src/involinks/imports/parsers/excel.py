"""Excel workbooks (.xlsx) read with openpyxl in read-only streaming mode.

Only the first worksheet is read. Cells come back as text: numbers without float noise, dates as
ISO dates. Formula cells are refused, never evaluated (nor their cached result used): a value in an
import must be the value itself. The archive is checked before openpyxl sees it, so a damaged or
foreign zip, or one that would unpack to an unreasonable size (a zip bomb), gets a clear message.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.cell.read_only import EmptyCell, ReadOnlyCell

from involinks.imports.common import FileProblem
from involinks.imports.parsers import BadCell, SheetRow

_CHUNK = 256  # rows pulled from openpyxl per warnings-suppressed block


@contextmanager
def _quiet() -> Iterator[None]:
    # openpyxl warns about workbook features it drops (data validation, unknown extensions); they
    # do not matter for reading values.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


class XlsxTable:
    def __init__(self, stream: BinaryIO, *, max_unpacked_bytes: int) -> None:
        _check_archive(stream, max_unpacked_bytes)
        stream.seek(0)
        try:
            with _quiet():
                self._workbook = load_workbook(
                    stream, read_only=True, data_only=False, keep_links=False
                )
        except Exception as exc:  # openpyxl raises many types for a damaged package
            raise FileProblem(
                "The Excel workbook cannot be opened (it is damaged or not a real .xlsx file): "
                "open it in Excel, save it again as .xlsx and upload it again.",
                code="broken_xlsx",
            ) from exc
        try:
            sheet: Any = self._workbook.worksheets[0]
        except IndexError:
            self.close()
            raise FileProblem("The workbook has no worksheet.", code="no_header") from None
        # A wrong <dimension> (some writers) would otherwise cut rows off.
        sheet.reset_dimensions()
        self._cells = self._chunked(sheet.iter_rows())
        first = next(self._cells, None)
        if first is None or all(_is_empty(cell) for cell in first):
            self.close()
            raise FileProblem(
                "The first row of the first worksheet is empty: it must be the header naming "
                "the columns.",
                code="no_header",
            )
        header = _convert_row(1, first)
        self._header = header.values

    @property
    def header(self) -> tuple[str | None, ...]:
        return self._header

    def rows(self) -> Iterator[SheetRow]:
        for number, cells in enumerate(self._cells, start=2):
            yield _convert_row(number, cells)

    def close(self) -> None:
        self._workbook.close()

    @staticmethod
    def _chunked(source: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        while True:
            with _quiet():
                try:
                    chunk = list(_take(source, _CHUNK))
                except Exception as exc:
                    raise FileProblem(
                        "The worksheet cannot be read to the end (the workbook is damaged): open "
                        "it in Excel, save it again as .xlsx and upload it again.",
                        code="broken_xlsx",
                    ) from exc
            yield from chunk
            if len(chunk) < _CHUNK:
                return


def _take(source: Iterator[tuple[Any, ...]], count: int) -> Iterator[tuple[Any, ...]]:
    for _ in range(count):
        item = next(source, None)
        if item is None:
            return
        yield item


def _check_archive(stream: BinaryIO, max_unpacked_bytes: int) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileProblem(
            "The file starts like an Excel workbook (.xlsx, a zip archive) but the archive is "
            "damaged or cut short: upload the complete file, or save it again from Excel.",
            code="broken_xlsx",
        ) from exc
    if "xl/workbook.xml" not in names and not any(name.endswith("workbook.xml") for name in names):
        raise FileProblem(
            "The file is a zip archive but not an Excel workbook (.xlsx): upload the .xlsx itself "
            "or a CSV file.",
            code="unsupported_format",
        )
    if unpacked > max_unpacked_bytes:
        raise FileProblem(
            f"The workbook would unpack to {unpacked // (1024 * 1024)} MB, more than the "
            f"{max_unpacked_bytes // (1024 * 1024)} MB allowed: split it into smaller files.",
            code="too_large",
        )


def _is_empty(cell: Any) -> bool:
    value = getattr(cell, "value", None)
    return value is None or (isinstance(value, str) and not value.strip())


def _convert_row(number: int, cells: tuple[Any, ...]) -> SheetRow:
    values: list[str | None] = []
    bad: list[BadCell] = []
    for index, cell in enumerate(cells):
        if isinstance(cell, EmptyCell) or cell.value is None:
            values.append(None)
            continue
        text, problem = _cell_text(cell)
        if problem is not None:
            bad.append(BadCell(index, text, problem))
            values.append(None)
        else:
            values.append(text or None)
    return SheetRow(number, tuple(values), tuple(bad))


def _cell_text(cell: ReadOnlyCell) -> tuple[str, str | None]:
    value = cell.value
    if cell.data_type == "f":
        return str(value), "is a formula; formulas are not evaluated: enter the value itself"
    if cell.data_type == "e":
        return str(value), f"shows the Excel error {value}: enter a value"
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: 0.1 stays "0.1".
        number = Decimal(repr(value))
        if number == number.to_integral_value():
            return str(int(number)), None
        return format(number, "f"), None
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat(), None
        return value.isoformat(sep=" "), None
    if isinstance(value, date):
        return value.isoformat(), None
    text = str(value).strip()
    return text, None
