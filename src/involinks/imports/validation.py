"""Row-level validation of an import file: every problem at once, each naming its row, column and
value and saying what is wrong.

Validation is pure (no database): what it needs to know about the company (which customer and
supplier TRNs exist) comes in as :class:`Lookups`. It streams: rows go in one at a time and come
out as :class:`Unit` objects (a customer or supplier row; the rows of one invoice or purchase order),
so memory stays flat. Only the natural keys already seen are remembered, to report duplicates.

Rules and where they come from:

* TRN: 15 digits; for a UAE party also starting with 1 and ending with 03 (``ibr-132-ae``).
* VAT category, exemption reason, unit, currency, country codes: the official PINT AE 1.0.4 code
  lists (:mod:`involinks.invoicing.codes`); category/rate/exemption combinations and the other
  document rules through :func:`involinks.invoicing.schemas.check_document_input`, the same check
  the invoice API applies.
* Stated totals are recomputed with :mod:`involinks.invoicing.totals` (the Schematron arithmetic)
  and a different figure is reported, never imported.
* Dates: ``YYYY-MM-DD`` or ``DD/MM/YYYY`` only (a month/day order guess would be silently wrong for
  half of the year).
* Numbers: digits with a decimal point; no thousands separators or decimal commas, which are
  ambiguous between locales.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, EmailStr, TypeAdapter, ValidationError

from involinks.customers.schemas import CustomerCreate
from involinks.imports.common import FileProblem, ImportKind, RowError
from involinks.imports.parsers import SheetRow, Table
from involinks.imports.parsers.csv import normalise_header
from involinks.imports.templates import TEMPLATES, TemplateSpec
from involinks.invoicing import codes
from involinks.invoicing.drafting import totals_exchange_rate
from involinks.invoicing.schemas import (
    DocumentInput,
    InvoiceCreate,
    InvoiceLineIn,
    TransactionTypeIn,
    check_document_input,
    check_line,
    resolve_rate,
)
from involinks.invoicing.totals import DocumentTotals, LineInput, compute_line, compute_totals
from involinks.payables.purchase_orders.schemas import PurchaseOrderCreate, PurchaseOrderLineIn
from involinks.payables.suppliers.schemas import SupplierCreate

__all__ = [
    "CUSTOMER_COLUMNS",
    "CustomerRecord",
    "HeaderMap",
    "InvoiceRecord",
    "Lookups",
    "PurchaseOrderRecord",
    "SupplierRecord",
    "Unit",
    "Validator",
    "column_letter",
    "map_header",
    "parse_date",
    "parse_decimal",
    "supplier_column",
    "validate_table",
    "validator_for",
]

AED = "AED"
MAX_VALUE_CHARS = 200  # of a cell value quoted in an error
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)
_TRN = re.compile(r"\d{15}")
_UAE_TRN = re.compile(r"1\d{12}03")  # ibr-132-ae
_PEPPOL_ID = re.compile(r"(\d{4}):(\S{1,50})")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})
_EMIRATE_NAMES: Mapping[str, str] = MappingProxyType(
    {re.sub(r"[^a-z]", "", e.name.lower()): e.value for e in codes.Emirate}
)
_DATE_FORMATS = "use YYYY-MM-DD (2026-01-31) or DD/MM/YYYY (31/01/2026)"


# --- header ----------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based position: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True, slots=True)
class HeaderMap:
    spec: TemplateSpec
    positions: Mapping[str, int]
    # Derived once (every row is read through them): position -> column name, and the width.
    names: Mapping[int, str] = field(init=False)
    width: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", {index: name for name, index in self.positions.items()})
        object.__setattr__(self, "width", max(self.positions.values(), default=-1) + 1)

    @property
    def kind(self) -> ImportKind:
        return self.spec.kind

    def has(self, name: str) -> bool:
        return name in self.positions


def map_header(kind: ImportKind, header: Sequence[str | None]) -> HeaderMap:
    """Match the header row to the kind's columns; every problem at once in one FileProblem."""
    spec = TEMPLATES[kind]
    cells = list(header)
    while cells and cells[-1] is None:
        cells.pop()
    problems: list[str] = []
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        letter = column_letter(index)
        if cell is None:
            problems.append(f"column {letter} has no name in the header row")
            continue
        name = normalise_header(cell)
        if name not in spec.known:
            unknown.append(f"'{_clip(cell)}' (column {letter})")
        elif name in positions:
            problems.append(
                f"column '{name}' appears twice (columns {column_letter(positions[name])} "
                f"and {letter})"
            )
        else:
            positions[name] = index
    if unknown:
        problems.append("unknown column" + ("s " if len(unknown) > 1 else " ") + ", ".join(unknown))
    missing = [name for name in spec.required if name not in positions]
    if missing:
        problems.append(
            "missing required column" + ("s: " if len(missing) > 1 else ": ") + ", ".join(missing)
        )
    if problems:
        raise FileProblem(
            f"The header row (row 1) does not match the {kind.value} import: "
            + "; ".join(problems)
            + ". The first row must name the columns: required "
            + ", ".join(spec.required)
            + "; optional "
            + ", ".join(name for name in spec.names if name not in spec.required)
            + ". Download the template to start from.",
            code="bad_header",
        )
    return HeaderMap(spec, MappingProxyType(positions))


# --- values ----------------------------------------------------------------------------------


def _clip(value: str) -> str:
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1] + "…"


class ValueProblem(ValueError):
    """A cell value that cannot be read; the message says what is expected."""


def parse_decimal(text: str, *, places: int) -> Decimal:
    if "," in text:
        raise ValueProblem(
            "not a number: use digits with a decimal point and no thousands separators "
            "(e.g. 1234.50)"
        )
    if not _NUMBER.fullmatch(text):
        raise ValueProblem("not a number: use digits with a decimal point (e.g. 1234.50)")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise ValueProblem("not a number") from exc
    exponent = value.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > places:
        raise ValueProblem(f"has {decimals} decimals; at most {places} are allowed")
    if value.adjusted() >= 14:
        raise ValueProblem("is too large")
    return value


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; the error says which format was assumed."""
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueProblem("is not a valid date (read as YYYY-MM-DD, year-month-day)") from None
    dmy = _DMY_DATE.fullmatch(text)
    if dmy:
        day, month, year = (int(part) for part in dmy.groups())
        try:
            return date(year, month, day)
        except ValueError:
            hint = ""
            if month > 12 and day <= 12:
                hint = "; it looks like MM/DD/YYYY, which is not accepted"
            raise ValueProblem(
                f"is not a valid date (read as DD/MM/YYYY, day/month/year{hint})"
            ) from None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?", text):
        raise ValueProblem(f"has a time of day; give the date only ({_DATE_FORMATS})")
    raise ValueProblem(f"is not a date: {_DATE_FORMATS}")


def normalise_emirate(text: str) -> str | None:
    upper = text.upper()
    if codes.is_emirate(upper):
        return upper
    return _EMIRATE_NAMES.get(re.sub(r"[^a-z]", "", text.lower()))


# --- rows ------------------------------------------------------------------------------------


class Cells:
    """One row's values by column name; reading a value records what is wrong with it."""

    __slots__ = ("errors", "header", "row", "values")

    def __init__(self, row: SheetRow, header: HeaderMap) -> None:
        self.row = row
        self.header = header
        self.errors: list[RowError] = []
        names = header.names
        cells = row.values
        # Every value by column name, once: a row is read many times (shared document values).
        self.values: dict[str, str | None] = {
            name: cells[index] for index, name in names.items() if index < len(cells)
        }
        for bad in row.bad_cells:
            name = names.get(bad.index)
            label = name or f"column {column_letter(bad.index)}"
            self.errors.append(
                RowError(row.number, name, _clip(bad.value), f"{label} {bad.message}")
            )
        for index in range(header.width, len(row.values)):
            if row.values[index] is not None and index not in names:
                self.errors.append(
                    RowError(
                        row.number,
                        None,
                        _clip(row.values[index] or ""),
                        f"column {column_letter(index)} has a value but no name in the header row",
                    )
                )

    @property
    def number(self) -> int:
        return self.row.number

    def raw(self, name: str) -> str | None:
        return self.values.get(name)

    def error(self, name: str | None, message: str, value: str | None = None) -> None:
        if value is None and name is not None:
            value = self.raw(name)
        self.errors.append(
            RowError(self.row.number, name, _clip(value) if value is not None else None, message)
        )

    def text(self, name: str, *, required: bool = False, max_length: int = 300) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, f"{name} is required")
            return None
        if len(value) > max_length:
            self.error(name, f"is {len(value)} characters long; at most {max_length} are allowed")
            return None
        return value

    def decimal(
        self,
        name: str,
        *,
        required: bool = False,
        places: int,
        positive: bool = False,
        non_negative: bool = False,
    ) -> Decimal | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, f"{name} is required")
            return None
        try:
            number = parse_decimal(value, places=places)
        except ValueProblem as exc:
            self.error(name, str(exc))
            return None
        if positive and number <= 0:
            self.error(name, f"must be greater than 0 (got {value})")
            return None
        if non_negative and number < 0:
            self.error(name, f"cannot be negative (got {value})")
            return None
        return number

    def integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        if not re.fullmatch(r"\d+", value) or not minimum <= int(value) <= maximum:
            self.error(name, f"must be a whole number from {minimum} to {maximum}")
            return None
        return int(value)

    def date(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, f"{name} is required ({_DATE_FORMATS})")
            return None
        try:
            return parse_date(value)
        except ValueProblem as exc:
            self.error(name, str(exc))
            return None

    def boolean(self, name: str) -> bool | None:
        value = self.raw(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.error(name, "must be true or false (also yes/no, 1/0)")
        return None

    def trn(self, name: str, *, required: bool = False, uae_party: bool = False) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, f"{name} is required (15 digits)")
            return None
        compact = re.sub(r"[\s-]", "", value)
        if not _TRN.fullmatch(compact):
            self.error(name, f"a TRN is 15 digits (got {len(compact)} characters)")
            return None
        if uae_party and not _UAE_TRN.fullmatch(compact):
            self.error(
                name,
                "a UAE TRN starts with 1 and ends with 03 (ibr-132-ae)",
            )
            return None
        return compact

    def country(
        self, name: str, *, default: str | None = None, required: bool = False
    ) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, f"{name} is required (ISO 3166-1 alpha-2 code, e.g. AE)")
            return default
        upper = value.upper()
        if upper not in codes.countries():
            self.error(name, f"{value} is not an ISO 3166-1 alpha-2 country code (e.g. AE)")
            return None
        return upper

    def currency(
        self, name: str, *, default: str | None = None, required: bool = False
    ) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, f"{name} is required (ISO 4217 code, e.g. AED)")
            return default
        upper = value.upper()
        if upper not in codes.currencies():
            self.error(name, f"{value} is not an ISO 4217 currency code (e.g. AED, USD)")
            return None
        return upper

    def email(self, name: str, *, required: bool = False) -> str | None:
        value = self.text(name, required=required, max_length=320)
        if value is None:
            return None
        try:
            return _EMAIL.validate_python(value)
        except ValidationError:
            self.error(name, "is not a valid e-mail address")
            return None

    def peppol_id(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        match = _PEPPOL_ID.fullmatch(value)
        if not match:
            self.error(name, "a Peppol id is <4-digit scheme>:<id>, e.g. 0235:1001234567")
            return None
        if match.group(1) not in codes.endpoint_schemes():
            self.error(name, f"{match.group(1)} is not a Peppol electronic address scheme")
            return None
        return value

    def vat_category(self, name: str) -> str | None:
        value = self.text(name, required=True, max_length=10)
        if value is None:
            return None
        upper = value.upper()
        if upper not in codes.tax_categories():
            allowed = ", ".join(codes.tax_categories())
            self.error(name, f"{value} is not a VAT category code; use one of {allowed}")
            return None
        return upper

    def unit_code(self, name: str, *, default: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return default
        if value not in codes.unit_codes():
            self.error(name, f"{value} is not a UN/ECE Rec 20 unit code (e.g. C62, H87, HUR, KGM)")
            return None
        return value


# --- units and records -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lookups:
    """What validation needs to know about the company's existing data."""

    customers_by_trn: Mapping[str, uuid.UUID] = field(default_factory=dict)
    suppliers_by_trn: Mapping[str, uuid.UUID] = field(default_factory=dict)
    # The company's default payment means (IBT-081): the invoice checks depend on it.
    payment_means_code: str = "30"


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    row: int
    key: str  # "trn:<TRN>" or "name:<legal name>|<email>" (case-folded)
    trn: str | None
    legal_name: str
    email: str
    create: CustomerCreate
    # Model attribute -> value for every non-empty cell: what an update of an existing customer sets.
    provided: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    row: int
    key: str  # "trn:<TRN>" or "name:<legal name>" (case-folded)
    trn: str | None
    name: str
    create: SupplierCreate
    provided: Mapping[str, Any]  # model attribute -> value, non-empty cells only


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    ref: str
    rows: tuple[int, ...]
    create: InvoiceCreate
    # As invoicing.drafting.apply_totals computes them for this draft (what the bulk path stores).
    totals: DocumentTotals

    @property
    def tax_inclusive_amount(self) -> Decimal:
        return self.totals.tax_inclusive_amount


@dataclass(frozen=True, slots=True)
class PurchaseOrderRecord:
    ref: str
    rows: tuple[int, ...]
    supplier_trn: str
    create: PurchaseOrderCreate
    total_amount: Decimal


Record = CustomerRecord | SupplierRecord | InvoiceRecord | PurchaseOrderRecord


@dataclass(slots=True)
class Unit:
    """What is imported (or refused) as one piece: a customer or supplier row, or the rows of one
    invoice or purchase order."""

    kind: ImportKind
    key: str
    rows: tuple[int, ...]
    errors: list[RowError]
    record: Record | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.record is not None

    @property
    def first_row(self) -> int:
        return self.rows[0]


def _dedupe(errors: Iterable[RowError]) -> list[RowError]:
    """One error per cell (the first found); row-wide errors (no column) are all kept."""
    seen: set[tuple[int, str]] = set()
    kept: list[RowError] = []
    for error in errors:
        if error.column is not None:
            if (error.row, error.column) in seen:
                continue
            seen.add((error.row, error.column))
        kept.append(error)
    return sorted(kept, key=lambda e: e.row)


_M = TypeVar("_M", bound=BaseModel)


def _build(
    model: Callable[..., _M],
    values: Mapping[str, Any],
    locate: Callable[[tuple[int | str, ...]], tuple[int, str | None]],
    errors: list[RowError],
    raw: Callable[[int, str | None], str | None],
) -> _M | None:
    """Construct a service input schema; its validation errors become row errors."""
    try:
        return model(**values)
    except ValidationError as exc:
        for issue in exc.errors():
            row, column = locate(tuple(issue.get("loc", ())))
            errors.append(RowError(row, column, raw(row, column), str(issue.get("msg"))))
        return None


# --- validators ------------------------------------------------------------------------------


class Validator:
    """Feed rows in file order, then call :meth:`finish`; each returns the completed units."""

    def __init__(self, header: HeaderMap, lookups: Lookups) -> None:
        self.header = header
        self.lookups = lookups

    def feed(self, row: SheetRow) -> list[Unit]:
        raise NotImplementedError

    def finish(self) -> list[Unit]:
        return []


class CustomerValidator(Validator):
    def __init__(self, header: HeaderMap, lookups: Lookups) -> None:
        super().__init__(header, lookups)
        self._seen: dict[str, int] = {}

    def feed(self, row: SheetRow) -> list[Unit]:
        cells = Cells(row, self.header)
        legal_name = cells.text("legal_name", required=True)
        country = cells.country("country", required=True)
        uae = country == "AE"
        trn = cells.trn("trn", uae_party=uae)
        email = cells.email("email", required=True)
        address_line1 = cells.text("address_line1", required=True)
        city = cells.text("city", required=True, max_length=120)
        emirate_text = cells.raw("emirate")
        emirate: str | None = None
        if emirate_text is not None:
            emirate = normalise_emirate(emirate_text)
            if emirate is None:
                cells.error(
                    "emirate",
                    f"{emirate_text} is not an emirate: use AUH, DXB, SHJ, UAQ, FUJ, AJM or RAK",
                )
            elif country is not None and not uae:
                cells.error("emirate", "only a UAE address has an emirate; leave it empty")
        elif uae:
            cells.error(
                "emirate",
                "a UAE address needs its emirate (AUH, DXB, SHJ, UAQ, FUJ, AJM or RAK; ibr-128-ae)",
            )
        vat_registered = cells.boolean("vat_registered")
        if vat_registered and cells.raw("trn") is None:
            cells.error("trn", "a VAT-registered customer needs its TRN (15 digits)")
        peppol_id = cells.peppol_id("peppol_id")
        phone = cells.text("phone", max_length=32)
        trade_name = cells.text("trade_name")
        contact_name = cells.text("contact_name", max_length=200)
        address_line2 = cells.text("address_line2")
        postal_code = cells.text("postal_code", max_length=20)

        key = _customer_key(trn, legal_name, email)
        errors = cells.errors
        if key is not None:
            errors += self._duplicate(row.number, key, trn)
        if errors or legal_name is None or email is None or key is None:
            return [
                Unit(
                    ImportKind.CUSTOMERS, key or f"row:{row.number}", (row.number,), _dedupe(errors)
                )
            ]

        provided: dict[str, Any] = {
            name: value
            for name, value in {
                "legal_name": legal_name,
                "trade_name": trade_name,
                "trn": trn,
                "vat_registered": vat_registered,
                "email": email,
                "phone": phone,
                "contact_name": contact_name,
                "peppol_id": peppol_id,
                "address_line1": address_line1,
                "address_line2": address_line2,
                "city": city,
                "postal_code": postal_code,
                "emirate": emirate,
                "country": country,
            }.items()
            if value is not None
        }
        create = _build(
            CustomerCreate,
            {
                "legal_name": legal_name,
                "trade_name": trade_name,
                "trn": trn,
                "vat_registered": vat_registered,
                "email": email,
                "phone": phone,
                "contact_name": contact_name,
                "peppol_id": peppol_id,
                "address": {
                    "line1": address_line1,
                    "line2": address_line2,
                    "city": city,
                    "postal_code": postal_code,
                    "emirate": emirate,
                    "country": country,
                },
            },
            lambda loc: (row.number, CUSTOMER_COLUMNS.get(loc)),
            errors,
            lambda _row, column: cells.raw(column) if column else None,
        )
        if create is None:
            return [Unit(ImportKind.CUSTOMERS, key, (row.number,), _dedupe(errors))]
        record = CustomerRecord(row.number, key, trn, legal_name, email, create, provided)
        return [Unit(ImportKind.CUSTOMERS, key, (row.number,), [], record)]

    def _duplicate(self, number: int, key: str, trn: str | None) -> list[RowError]:
        first = self._seen.setdefault(key, number)
        if first == number:
            return []
        if trn is not None:
            return [RowError(number, "trn", trn, f"duplicate: TRN {trn} is already on row {first}")]
        return [
            RowError(
                number,
                "legal_name",
                None,
                f"duplicate: the same legal_name and email are already on row {first}",
            )
        ]


CUSTOMER_COLUMNS: Mapping[tuple[int | str, ...], str] = MappingProxyType(
    {
        ("legal_name",): "legal_name",
        ("trade_name",): "trade_name",
        ("trn",): "trn",
        ("vat_registered",): "vat_registered",
        ("email",): "email",
        ("phone",): "phone",
        ("contact_name",): "contact_name",
        ("peppol_id",): "peppol_id",
        ("address", "line1"): "address_line1",
        ("address", "line2"): "address_line2",
        ("address", "city"): "city",
        ("address", "postal_code"): "postal_code",
        ("address", "emirate"): "emirate",
        ("address", "country"): "country",
    }
)


def _customer_key(trn: str | None, legal_name: str | None, email: str | None) -> str | None:
    if trn is not None:
        return f"trn:{trn}"
    if legal_name is None or email is None:
        return None
    return f"name:{legal_name.casefold()}|{email.casefold()}"


class SupplierValidator(Validator):
    def __init__(self, header: HeaderMap, lookups: Lookups) -> None:
        super().__init__(header, lookups)
        self._seen: dict[str, int] = {}

    def feed(self, row: SheetRow) -> list[Unit]:
        cells = Cells(row, self.header)
        name = cells.text("legal_name", required=True)
        country = cells.country("country")
        trn = cells.trn("trn", uae_party=country in (None, "AE"))
        values: dict[str, Any] = {
            "name": name,
            "trn": trn,
            "email": cells.email("email", required=True),
            "payment_terms_days": cells.integer("payment_terms_days", minimum=0, maximum=365),
            "peppol_id": cells.peppol_id("peppol_id"),
            "phone": cells.text("phone", max_length=32),
            "address_line1": cells.text("address_line1"),
            "city": cells.text("city", max_length=120),
            "country": country,
            "currency": cells.currency("currency"),
            "payment_terms": cells.text("payment_terms"),
            "notes": cells.text("notes", max_length=4000),
        }
        key = f"trn:{trn}" if trn else (f"name:{name.casefold()}" if name else None)
        errors = cells.errors
        if key is not None:
            first = self._seen.setdefault(key, row.number)
            if first != row.number:
                column, label = (
                    ("trn", f"TRN {trn}") if trn else ("legal_name", "the same legal_name")
                )
                errors.append(
                    RowError(
                        row.number,
                        column,
                        cells.raw(column),
                        f"duplicate: {label} is already on row {first}",
                    )
                )
        if errors or name is None or key is None:
            return [
                Unit(
                    ImportKind.SUPPLIERS, key or f"row:{row.number}", (row.number,), _dedupe(errors)
                )
            ]
        provided = {attr: value for attr, value in values.items() if value is not None}
        create = _build(
            SupplierCreate,
            provided,
            lambda loc: (row.number, supplier_column(loc)),
            errors,
            lambda _row, column: cells.raw(column) if column else None,
        )
        if create is None:
            return [Unit(ImportKind.SUPPLIERS, key, (row.number,), _dedupe(errors))]
        record = SupplierRecord(row.number, key, trn, name, create, MappingProxyType(provided))
        return [Unit(ImportKind.SUPPLIERS, key, (row.number,), [], record)]


def supplier_column(loc: tuple[int | str, ...]) -> str | None:
    name = str(loc[0]) if loc else ""
    if name == "name":
        return "legal_name"
    return name if name in TEMPLATES[ImportKind.SUPPLIERS].known else None


class _GroupValidator(Validator):
    """Rows with the same reference, one after the other, form one document."""

    kind: ImportKind
    ref_column: str

    def __init__(self, header: HeaderMap, lookups: Lookups) -> None:
        super().__init__(header, lookups)
        self._ref: str | None = None
        self._rows: list[SheetRow] = []
        self._seen: dict[str, tuple[int, int]] = {}
        self._repeated: tuple[int, int] | None = None

    def feed(self, row: SheetRow) -> list[Unit]:
        position = self.header.positions[self.ref_column]
        ref = row.values[position] if position < len(row.values) else None
        if ref is None:
            cells = Cells(row, self.header)
            cells.error(
                self.ref_column,
                f"{self.ref_column} is required: it groups the rows into documents",
            )
            return [Unit(self.kind, f"row:{row.number}", (row.number,), _dedupe(cells.errors))]
        done: list[Unit] = []
        if ref != self._ref:
            done = self._flush()
            self._ref = ref
            self._repeated = self._seen.get(ref)
        self._rows.append(row)
        return done

    def finish(self) -> list[Unit]:
        return self._flush()

    def _flush(self) -> list[Unit]:
        if self._ref is None or not self._rows:
            return []
        ref, rows, repeated = self._ref, self._rows, self._repeated
        self._ref, self._rows, self._repeated = None, [], None
        numbers = tuple(row.number for row in rows)
        if ref not in self._seen:
            self._seen[ref] = (numbers[0], numbers[-1])
        cells = [Cells(row, self.header) for row in rows]
        errors: list[RowError] = []
        if repeated is not None:
            span = (
                f"row {repeated[0]}"
                if repeated[0] == repeated[1]
                else f"rows {repeated[0]}-{repeated[1]}"
            )
            errors.append(
                RowError(
                    numbers[0],
                    self.ref_column,
                    ref,
                    f"duplicate: {self.ref_column} {ref} already appeared on {span}; keep all rows "
                    "of a document together, one after the other",
                )
            )
        record = self._validate_group(ref, cells, errors)
        for cell in cells:
            errors += cell.errors
        errors = _dedupe(errors)
        return [Unit(self.kind, ref, numbers, errors, None if errors else record)]

    def _validate_group(
        self, ref: str, cells: list[Cells], errors: list[RowError]
    ) -> Record | None:
        raise NotImplementedError

    def _shared(
        self,
        cells: list[Cells],
        name: str,
        read: Callable[[Cells], Any],
    ) -> Any:
        """A document-level value: read from the first row; later rows may repeat it or leave it
        empty, but not contradict it."""
        first = read(cells[0])
        if name not in self.header.positions:
            return first  # no such column: the other rows have nothing to compare
        shown = cells[0].raw(name)
        for other in cells[1:]:
            given = other.raw(name)
            if given is None or (given == shown and first is not None):
                continue  # empty, or the text that read without a problem on the first row
            value = read(other)
            if value is not None and value != first:
                other.error(
                    name,
                    f"all rows of {self.ref_column} {self._ref_of(cells)} must agree: row "
                    f"{cells[0].number} has {shown if shown is not None else '(empty)'}",
                )
        return first

    def _ref_of(self, cells: list[Cells]) -> str:
        return cells[0].raw(self.ref_column) or ""


class InvoiceValidator(_GroupValidator):
    kind = ImportKind.INVOICES
    ref_column = "invoice_ref"

    def _validate_group(
        self, ref: str, cells: list[Cells], errors: list[RowError]
    ) -> InvoiceRecord | None:
        first = cells[0]
        if len(ref) > 200:
            first.error("invoice_ref", "is longer than 200 characters")
        trn = self._shared(
            cells, "customer_trn", lambda c: c.trn("customer_trn", required=c is first)
        )
        customer_id: uuid.UUID | None = None
        if trn is not None:
            customer_id = self.lookups.customers_by_trn.get(trn)
            if customer_id is None:
                first.error(
                    "customer_trn",
                    f"no customer with TRN {trn} in your company: import or add the customer first",
                )
        issue_date = self._shared(
            cells, "issue_date", lambda c: c.date("issue_date", required=c is first)
        )
        due_date = self._shared(cells, "due_date", lambda c: c.date("due_date"))
        supply_date = self._shared(cells, "supply_date", lambda c: c.date("supply_date"))
        currency = self._shared(
            cells, "currency", lambda c: c.currency("currency", required=c is first)
        )
        exchange_rate = self._shared(
            cells, "exchange_rate", lambda c: c.decimal("exchange_rate", places=6, positive=True)
        )
        type_code = self._shared(cells, "type_code", lambda c: c.raw("type_code"))
        header_values: dict[str, Any] = {
            name: self._shared(cells, name, _text_reader(name, limit))
            for name, limit in (
                ("purchase_order_reference", 200),
                ("buyer_reference", 200),
                ("payment_terms", 2000),
            )
        }
        stated_total = self._shared(
            cells, "invoice_total", lambda c: c.decimal("invoice_total", places=2)
        )
        if type_code is not None and type_code not in ("380", "480"):
            first.error("type_code", "must be 380 (tax invoice) or 480 (out of scope of tax)")
            type_code = None
        if (
            currency is not None
            and currency != AED
            and exchange_rate is None
            and first.raw("exchange_rate") is None
        ):
            first.error(
                "exchange_rate",
                f"an invoice in {currency} needs the exchange rate to AED (ibr-159-ae)",
            )
        if due_date is not None and issue_date is not None and due_date < issue_date:
            first.error("due_date", f"is before the issue date {issue_date.isoformat()}")

        def locate(loc: tuple[int | str, ...]) -> tuple[int, str | None]:
            if len(loc) >= 3 and loc[0] == "lines" and isinstance(loc[1], int):
                row = cells[loc[1]] if loc[1] < len(cells) else first
                return row.number, self._column(str(loc[2]))
            return first.number, self._column(str(loc[0])) if loc else None

        def raw(row_number: int, column: str | None) -> str | None:
            if column is None:
                return None
            return next((c.raw(column) for c in cells if c.number == row_number), None)

        lines = [self._line(row) for row in cells]
        for index, (_row, line, _stated) in enumerate(lines):
            if line is not None:
                # The API's line rules (category/rate/exemption, unit, reverse charge, item type).
                for issue in check_line(line, f"lines.{index}"):
                    row_number, column = locate(tuple(_path(issue.field)))
                    errors.append(
                        RowError(row_number, column, raw(row_number, column), issue.message)
                    )
        models = [line for _, line, _ in lines if line is not None]
        if (
            errors
            or any(c.errors for c in cells)
            or len(models) != len(lines)
            or customer_id is None
            or issue_date is None
            or currency is None
        ):
            return None

        values: dict[str, Any] = {
            "customer_id": customer_id,
            "type_code": type_code or "380",
            "issue_date": issue_date,
            "currency": currency,
            "exchange_rate": exchange_rate,
            "lines": models,
            "due_date": due_date,
            "supply_date": supply_date,
            **header_values,
        }
        create = _build(
            InvoiceCreate,
            {k: v for k, v in values.items() if v is not None},
            locate,
            errors,
            raw,
        )
        if create is None:
            return None
        issues = check_document_input(_document_input(create, self.lookups.payment_means_code))
        for issue in issues:
            row_number, column = locate(tuple(_path(issue.field)))
            errors.append(RowError(row_number, column, raw(row_number, column), issue.message))
        if issues:
            return None

        # Stated totals, recomputed the way the Schematron computes them (invoicing.totals), with
        # the inputs and rate drafting.apply_totals gives it for this draft.
        inputs = [
            LineInput(
                quantity=model.quantity,
                net_price=model.unit_price,
                category=model.vat_category,
                rate=resolve_rate(
                    model.vat_category, model.vat_rate, document_level=False, field=""
                )[0],
                allowances=(model.discount_amount,) if model.discount_amount else (),
            )
            for model in models
        ]
        totals = compute_totals(
            inputs, exchange_rate=totals_exchange_rate(create.currency, create.exchange_rate)
        )
        for (row, _line, stated_line), model, amounts in zip(
            lines, models, totals.lines, strict=True
        ):
            net = amounts.net_amount
            if net < 0:
                row.error("discount_amount", "exceeds the line amount (quantity x unit_price)")
            elif stated_line is not None and stated_line != net:
                discount = (
                    f" - discount_amount {model.discount_amount}" if model.discount_amount else ""
                )
                row.error(
                    "line_total",
                    f"does not add up: quantity {model.quantity} x unit_price "
                    f"{model.unit_price}{discount} = {net} (without VAT)",
                )
        if stated_total is not None and stated_total != totals.tax_inclusive_amount:
            first.error(
                "invoice_total",
                f"does not add up: the lines give {totals.tax_exclusive_amount} + VAT "
                f"{totals.tax_amount} = {totals.tax_inclusive_amount}",
            )
        if any(c.errors for c in cells):
            return None
        return InvoiceRecord(ref, tuple(c.number for c in cells), create, totals)

    def _column(self, name: str) -> str | None:
        return name if name in self.header.spec.known else None

    def _line(self, cells: Cells) -> tuple[Cells, InvoiceLineIn | None, Decimal | None]:
        before = len(cells.errors)
        item_type = cells.raw("item_type")
        if item_type is not None:
            item_type = item_type.upper()
            if item_type not in ("G", "S", "B"):
                cells.error("item_type", "must be G (goods), S (services) or B (both)")
        # In the order they are reported; a column the file does not have is not read (it
        # would give None, or unit_code's default).
        values: dict[str, Any] = {"unit_code": "C62", "item_type": item_type}
        present = self.header.positions
        for name, read in _LINE_READERS:
            if name in present:
                values[name] = read(cells)
        stated = cells.decimal("line_total", places=2) if "line_total" in present else None
        if len(cells.errors) > before:
            return cells, None, stated
        try:
            line = InvoiceLineIn(**{k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            for issue in exc.errors():
                loc = tuple(issue.get("loc", ()))
                cells.error(self._column(str(loc[0])) if loc else None, str(issue.get("msg")))
            return cells, None, stated
        return cells, line, stated


# An invoice line's columns and how each is read (InvoiceValidator._line).
_LINE_READERS: tuple[tuple[str, Callable[[Cells], Any]], ...] = (
    ("item_name", lambda c: c.text("item_name", required=True)),
    ("description", lambda c: c.text("description", max_length=2000)),
    ("quantity", lambda c: c.decimal("quantity", required=True, places=6, positive=True)),
    ("unit_code", lambda c: c.unit_code("unit_code", default="C62")),
    (
        "unit_price",
        lambda c: c.decimal("unit_price", required=True, places=6, non_negative=True),
    ),
    ("vat_category", lambda c: c.vat_category("vat_category")),
    ("vat_rate", lambda c: c.decimal("vat_rate", places=6, non_negative=True)),
    ("exemption_reason_code", lambda c: c.text("exemption_reason_code", max_length=16)),
    ("exemption_reason", lambda c: c.text("exemption_reason")),
    ("discount_amount", lambda c: c.decimal("discount_amount", places=2, non_negative=True)),
    ("classification_code", lambda c: c.text("classification_code", max_length=20)),
    ("service_accounting_code", lambda c: c.text("service_accounting_code", max_length=20)),
    ("standard_item_id", lambda c: c.text("standard_item_id", max_length=20)),
    ("rcm_goods_type", lambda c: c.text("rcm_goods_type", max_length=16)),
)

_DOCUMENT_INPUT_FIELDS = tuple(item.name for item in dataclasses.fields(DocumentInput))
_NO_TRANSACTION_FLAGS = TransactionTypeIn()


def _document_input(create: InvoiceCreate, payment_means_code: str) -> DocumentInput:
    """The invoice API's document check input, as ``service.create_draft`` builds it for this
    draft (the company's payment means); what an import cannot carry is absent (None). The
    lines are left out (None: "already checked"): each went through ``check_line`` above."""
    lines = create.lines
    values: dict[str, Any] = dict.fromkeys(_DOCUMENT_INPUT_FIELDS)
    values.update(
        type_code=create.type_code,
        issue_date=create.issue_date,
        supply_date=create.supply_date,
        currency=create.currency,
        exchange_rate=create.exchange_rate,
        payment_means_code=payment_means_code,
        transaction_type=_NO_TRANSACTION_FLAGS,
        lines=None,
        allowances_charges=[],
        categories=[line.vat_category for line in lines],
        is_credit_note=False,
    )
    return DocumentInput(**values)


def _text_reader(name: str, limit: int) -> Callable[[Cells], str | None]:
    def read(cells: Cells) -> str | None:
        return cells.text(name, max_length=limit)

    return read


def _path(field_path: str) -> list[int | str]:
    return [int(part) if part.isdigit() else part for part in field_path.split(".")]


# The purchase order API keeps a rate on every line: 0 for the categories without VAT.
_PO_RATES: Mapping[str, Decimal] = MappingProxyType(
    {"Z": Decimal(0), "E": Decimal(0), "O": Decimal(0)}
)


class PurchaseOrderValidator(_GroupValidator):
    kind = ImportKind.PURCHASE_ORDERS
    ref_column = "po_ref"

    def _validate_group(
        self, ref: str, cells: list[Cells], errors: list[RowError]
    ) -> PurchaseOrderRecord | None:
        first = cells[0]
        if len(ref) > 200:
            first.error("po_ref", "is longer than 200 characters")
        trn = self._shared(
            cells, "supplier_trn", lambda c: c.trn("supplier_trn", required=c is first)
        )
        supplier_id: uuid.UUID | None = None
        if trn is not None:
            supplier_id = self.lookups.suppliers_by_trn.get(trn)
            if supplier_id is None:
                first.error(
                    "supplier_trn",
                    f"no supplier with TRN {trn} in your company: import or add the supplier first",
                )
        order_date = self._shared(
            cells, "order_date", lambda c: c.date("order_date", required=c is first)
        )
        expected = self._shared(
            cells, "expected_delivery_date", lambda c: c.date("expected_delivery_date")
        )
        currency = self._shared(cells, "currency", lambda c: c.currency("currency"))
        header_values: dict[str, Any] = {
            name: self._shared(cells, name, _text_reader(name, limit))
            for name, limit in (("delivery_address", 1000), ("payment_terms", 300), ("notes", 4000))
        }
        stated_total = self._shared(cells, "po_total", lambda c: c.decimal("po_total", places=2))
        if expected is not None and order_date is not None and expected < order_date:
            first.error(
                "expected_delivery_date", f"is before the order date {order_date.isoformat()}"
            )

        lines: list[PurchaseOrderLineIn] = []
        inputs: list[LineInput] = []
        for row in cells:
            line, line_input = self._line(row)
            if line is not None and line_input is not None:
                lines.append(line)
                inputs.append(line_input)
        if (
            errors
            or any(c.errors for c in cells)
            or len(lines) != len(cells)
            or supplier_id is None
            or order_date is None
        ):
            return None
        assert trn is not None

        def locate(loc: tuple[int | str, ...]) -> tuple[int, str | None]:
            if len(loc) >= 3 and loc[0] == "lines" and isinstance(loc[1], int):
                row = cells[loc[1]] if loc[1] < len(cells) else first
                return row.number, self._column(str(loc[2]))
            return first.number, self._column(str(loc[0])) if loc else None

        create = _build(
            PurchaseOrderCreate,
            {
                "supplier_id": supplier_id,
                "order_date": order_date,
                "expected_delivery_date": expected,
                "currency": currency,
                "lines": lines,
                **header_values,
            },
            locate,
            errors,
            lambda number, column: next(
                (c.raw(column) for c in cells if c.number == number and column), None
            ),
        )
        if create is None:
            return None
        totals = compute_totals(inputs)
        if stated_total is not None and stated_total != totals.tax_inclusive_amount:
            first.error(
                "po_total",
                f"does not add up: the lines give {totals.tax_exclusive_amount} + VAT "
                f"{totals.tax_amount} = {totals.tax_inclusive_amount}",
            )
            return None
        return PurchaseOrderRecord(
            ref, tuple(c.number for c in cells), trn, create, totals.tax_inclusive_amount
        )

    def _column(self, name: str) -> str | None:
        return name if name in self.header.spec.known else None

    def _line(self, row: Cells) -> tuple[PurchaseOrderLineIn | None, LineInput | None]:
        before = len(row.errors)
        item_name = row.text("item_name", required=True)
        item_code = row.text("item_code", max_length=100)
        description = row.text("description", max_length=2000)
        unit_code = row.unit_code("unit_code", default="H87")
        quantity = row.decimal("quantity", required=True, places=6, positive=True)
        unit_price = row.decimal("unit_price", required=True, places=6, non_negative=True)
        category = row.vat_category("vat_category")
        given_rate = row.decimal("vat_rate", places=6, non_negative=True)
        stated_line = row.decimal("line_total", places=2)
        rate: Decimal | None = None
        if category is not None:
            rate, issues = resolve_rate(category, given_rate, document_level=False, field="")
            for rate_issue in issues:
                row.error(rate_issue.field.lstrip(".") or "vat_category", rate_issue.message)
        if (
            len(row.errors) > before
            or item_name is None
            or unit_code is None
            or quantity is None
            or unit_price is None
            or category is None
        ):
            return None, None
        line_input = LineInput(
            quantity=quantity, net_price=unit_price, category=category, rate=rate
        )
        net = compute_line(line_input).net_amount
        if stated_line is not None and stated_line != net:
            row.error(
                "line_total",
                f"does not add up: quantity {quantity} x unit_price {unit_price} = {net} "
                "(without VAT)",
            )
            return None, None
        try:
            line = PurchaseOrderLineIn(
                item_code=item_code,
                item_name=item_name,
                description=description,
                unit_code=unit_code,
                quantity=quantity,
                unit_price=unit_price,
                vat_category=category,
                vat_rate=_PO_RATES.get(category, rate if rate is not None else Decimal(0)),
            )
        except ValidationError as exc:
            for issue in exc.errors():
                loc = tuple(issue.get("loc", ()))
                row.error(self._column(str(loc[0])) if loc else None, str(issue.get("msg")))
            return None, None
        return line, line_input


_VALIDATORS: Mapping[ImportKind, type[Validator]] = MappingProxyType(
    {
        ImportKind.CUSTOMERS: CustomerValidator,
        ImportKind.SUPPLIERS: SupplierValidator,
        ImportKind.INVOICES: InvoiceValidator,
        ImportKind.PURCHASE_ORDERS: PurchaseOrderValidator,
    }
)


def validator_for(header: HeaderMap, lookups: Lookups) -> Validator:
    return _VALIDATORS[header.kind](header, lookups)


def validate_table(kind: ImportKind, table: Table, lookups: Lookups) -> Iterator[Unit]:
    """Every unit of the table, in file order (blank rows skipped)."""
    header = map_header(kind, table.header)
    validator = validator_for(header, lookups)
    for row in table.rows():
        if row.is_blank:
            continue
        yield from validator.feed(row)
    yield from validator.finish()
