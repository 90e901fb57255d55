"""CSV in UTF-8 (with or without a byte-order mark), separated by commas, semicolons or tabs.

The file is decoded line by line (UTF-8 never puts a newline byte inside a multi-byte character, so
splitting the bytes on ``\\n`` first is safe), which keeps memory flat and lets an encoding error name
its line. The separator is sniffed from the header line: the one that splits it into the most known
column names wins (a semicolon file from a comma-decimal locale is common in the UAE).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from involinks.imports.common import FileProblem
from involinks.imports.parsers import SheetRow

_BOM = "\ufeff"
_DELIMITERS = (",", ";", "\t")


def normalise_header(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


class CsvTable:
    def __init__(self, stream: BinaryIO, *, known_columns: frozenset[str] = frozenset()) -> None:
        self._lines = _decoded_lines(stream)
        first = next(self._lines, None)
        if first is None or not first.strip():
            raise FileProblem(
                "The first row is empty: it must be the header naming the columns.",
                code="no_header",
            )
        self.delimiter = _sniff_delimiter(first, known_columns)
        self._reader = csv.reader(itertools.chain([first], self._lines), delimiter=self.delimiter)
        header_cells = self._next_record(1)
        if header_cells is None:  # pragma: no cover - first line is non-blank
            raise FileProblem("The file has no header row.", code="no_header")
        self._header = tuple(_cell(value) for value in header_cells)

    @property
    def header(self) -> tuple[str | None, ...]:
        return self._header

    def _next_record(self, number: int) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as exc:
            raise FileProblem(
                f"Row {number} cannot be read as CSV ({exc}); check for a quote that is opened "
                "but never closed.",
                code="malformed_csv",
            ) from exc

    def rows(self) -> Iterator[SheetRow]:
        number = 1
        while True:
            number += 1
            record = self._next_record(number)
            if record is None:
                return
            # _cell inlined: this runs for every cell of the file.
            yield SheetRow(number, tuple([value.strip() or None for value in record]))


def _cell(value: str) -> str | None:
    text = value.strip()
    return text or None


def _sniff_delimiter(line: str, known_columns: frozenset[str]) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        try:
            fields = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error as exc:
            # A stray carriage return inside the header (old Mac line endings, or not text at all).
            raise FileProblem(
                f"The header row cannot be read as CSV ({exc}); save the file with Windows or "
                "Unix line endings and upload it again.",
                code="malformed_csv",
            ) from exc
        known = sum(1 for field in fields if normalise_header(field) in known_columns)
        return known, len(fields)

    return max(_DELIMITERS, key=score)


def _decoded_lines(stream: Iterable[bytes]) -> Iterator[str]:
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = raw[exc.start]
            hint = ""
            try:
                raw.decode("cp1252")
                hint = " (it looks like Windows-1252 / Latin-1 text)"
            except UnicodeDecodeError:
                pass
            raise FileProblem(
                f"The file is not UTF-8: byte 0x{byte:02X} at line {number}{hint}. Save it as "
                "'CSV UTF-8 (Comma delimited)' and upload it again.",
                code="encoding",
            ) from exc
        if number == 1 and text.startswith(_BOM):
            text = text[1:]
        if "\x00" in text:
            raise FileProblem(
                f"Line {number} contains a NUL byte: this is not a text CSV file.",
                code="unsupported_format",
            )
        yield text
