"""Vocabulary shared by the import parsers, validation, report and service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ImportKind(StrEnum):
    INVOICES = "invoices"
    CUSTOMERS = "customers"
    SUPPLIERS = "suppliers"
    PURCHASE_ORDERS = "purchase_orders"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: ``row`` is the spreadsheet row number (header = 1)."""

    row: int
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, broken archive, header). Answered with 422;
    the message says what to fix."""

    def __init__(self, message: str, *, code: str = "invalid_file") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
