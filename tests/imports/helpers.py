"""Building import files by hand (CSV bytes, .xlsx workbooks) for the import tests."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

CUSTOMER_HEADER = ("legal_name", "trn", "email", "address_line1", "city", "emirate", "country")


def uae_trn() -> str:
    """15 digits starting with 1 and ending with 03 (ibr-132-ae), unique per call."""
    return f"1{uuid.uuid4().int % 10**12:012d}03"


def customer_row(n: int, *, trn: str | None = None, **overrides: str) -> dict[str, str]:
    row = {
        "legal_name": f"Import Buyer {n} LLC",
        "trn": trn if trn is not None else uae_trn(),
        "email": f"ap{n}@buyer{n}.ae",
        "address_line1": f"Office {n}, Marina Plaza",
        "city": "Dubai",
        "emirate": "DXB",
        "country": "AE",
    }
    row.update(overrides)
    return row


def csv_bytes(
    header: Sequence[str],
    rows: Sequence[dict[str, Any] | Sequence[Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, dict):
            writer.writerow([row.get(name, "") for name in header])
        else:
            writer.writerow(list(row))
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(header: Sequence[str], rows: Sequence[dict[str, Any] | Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(list(header))
    for row in rows:
        values = [row.get(name) for name in header] if isinstance(row, dict) else list(row)
        sheet.append([_cell(value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if value == "":
        return None
    return value


__all__ = [
    "CUSTOMER_HEADER",
    "csv_bytes",
    "customer_row",
    "uae_trn",
    "xlsx_bytes",
]
