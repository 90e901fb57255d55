"""Exports of an import: the error report (CSV) and the cell escaping every export uses.

Spreadsheet programs evaluate a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some treat
a leading tab or carriage return the same way) as a formula: a value taken from an uploaded file
could run as one when the report is opened (CSV injection, OWASP). Every such cell is written with
a leading apostrophe, which makes it plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ERROR_REPORT_COLUMNS", "error_report_csv", "escape_cell"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ERROR_REPORT_COLUMNS = ("row", "column", "value", "message")


def escape_cell(value: object) -> str:
    """The text to write into an exported cell; never something a spreadsheet evaluates."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def error_report_csv(errors: Iterable[Mapping[str, Any]]) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads it as UTF-8) of ``row, column, value,
    message``, one line per error."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(ERROR_REPORT_COLUMNS)
    for error in errors:
        writer.writerow([escape_cell(error.get(name)) for name in ERROR_REPORT_COLUMNS])
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
