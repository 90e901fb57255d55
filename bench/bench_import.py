"""Bulk import: parse + validate customer rows from CSV and from .xlsx.

For each format the import path (streaming reader + row validation, units consumed one by one) is
measured beside a baseline in the same run:

* CSV: ``csv.DictReader`` alone (no validation): the raw parsing speed;
* XLSX: openpyxl in its default full-load mode (the whole workbook in memory), the usual way.

Each is run at two sizes. Speed is rows per second; memory is the peak of Python allocations
(tracemalloc) during the run. A streaming reader's peak should barely move with the row count;
a full load grows with it. (Validation remembers one entry per TRN to report duplicates, which is
the small growth left in the import path.)

    .venv/bin/python bench/bench_import.py [rows]      # default 20000
"""

from __future__ import annotations

import csv
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook

from involinks.imports.common import FileFormat, ImportKind
from involinks.imports.parsers import open_table
from involinks.imports.templates import TEMPLATES
from involinks.imports.validation import Lookups, validate_table

HEADER = (
    "legal_name",
    "trn",
    "email",
    "address_line1",
    "city",
    "emirate",
    "country",
    "phone",
    "vat_registered",
)
EMIRATES = ("AUH", "DXB", "SHJ", "UAQ", "FUJ", "AJM", "RAK")


def customer(n: int) -> list[str]:
    return [
        f"Customer {n} Trading LLC",
        f"1{n:012d}03",
        f"accounts{n}@customer{n}.ae",
        f"Office {n % 900 + 1}, Business Bay Tower {n % 40}",
        "Dubai",
        EMIRATES[n % len(EMIRATES)],
        "AE",
        f"04 {n % 1000:03d} {n % 10000:04d}",
        "true",
    ]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(customer(n))


def write_xlsx(path: Path, rows: int) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("customers")
    sheet.append(list(HEADER))
    for n in range(rows):
        sheet.append(customer(n))
    workbook.save(path)


def import_path(path: Path, file_format: FileFormat) -> int:
    """What an import does before writing: stream the rows, validate each, drop the units."""
    count = 0
    invalid = 0
    with (
        path.open("rb") as handle,
        open_table(
            handle, file_format, known_columns=TEMPLATES[ImportKind.CUSTOMERS].known
        ) as table,
    ):
        for unit in validate_table(ImportKind.CUSTOMERS, table, Lookups()):
            count += len(unit.rows)
            invalid += not unit.ok
    if invalid:
        raise SystemExit(f"benchmark data should be valid: {invalid} invalid rows")
    return count


def csv_dictreader(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def openpyxl_full_load(path: Path) -> int:
    workbook = load_workbook(path)  # default mode: every cell object in memory
    sheet = workbook.worksheets[0]
    count = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
    workbook.close()
    return count


def measure(func: Callable[[Path], int], path: Path) -> tuple[int, float, float]:
    """Rows, seconds and peak MiB. Timed without tracemalloc (it slows allocation-heavy code
    several times over), then run again under tracemalloc for the peak."""
    gc.collect()
    started = time.perf_counter()
    rows = func(path)
    elapsed = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    func(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return rows, elapsed, peak / (1024 * 1024)


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    sizes = (max(total // 4, 1), total)
    print(f"bulk import benchmark: {total} customer rows (also {sizes[0]} to show the trend)")
    print(f"{'case':44} {'rows':>7} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, dict[int, float]] = {}
        for rows in sizes:
            csv_path = Path(tmp) / f"customers-{rows}.csv"
            xlsx_path = Path(tmp) / f"customers-{rows}.xlsx"
            write_csv(csv_path, rows)
            write_xlsx(xlsx_path, rows)
            cases: list[tuple[str, Callable[[Path], int], Path]] = [
                ("CSV  baseline: csv.DictReader only", csv_dictreader, csv_path),
                (
                    "CSV  import: stream + validate",
                    lambda p: import_path(p, FileFormat.CSV),
                    csv_path,
                ),
                ("XLSX baseline: openpyxl full load", openpyxl_full_load, xlsx_path),
                (
                    "XLSX import: read-only stream + validate",
                    lambda p: import_path(p, FileFormat.XLSX),
                    xlsx_path,
                ),
            ]
            for name, func, path in cases:
                count, seconds, peak = measure(func, path)
                if count != rows:
                    raise SystemExit(f"{name}: read {count} rows, expected {rows}")
                results.setdefault(name, {})[rows] = peak
                print(f"{name:44} {rows:>7} {seconds:>8.2f} {rows / seconds:>9.0f} {peak:>9.1f}")
        print()
        print(f"peak memory from {sizes[0]} to {sizes[1]} rows (growth per extra row):")
        for name, peaks in results.items():
            small, large = peaks[sizes[0]], peaks[sizes[1]]
            per_row = (large - small) * 1024 * 1024 / (sizes[1] - sizes[0])
            print(f"  {name:44} {small:6.1f} -> {large:6.1f} MiB  ({per_row:6.0f} bytes/row)")
        print(
            "The import path's small growth is the duplicate index (one entry per TRN) and, for\n"
            ".xlsx, the workbook's shared-string table, which openpyxl always loads whole."
        )


if __name__ == "__main__":
    main()
