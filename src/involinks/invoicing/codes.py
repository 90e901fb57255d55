"""Typed access to the official PINT AE 1.0.4 code lists.

The lists are the genericode (``.gc``) files of the release, copied unmodified to
``involinks/invoicing/data/codelists/`` (``billing/`` full set, ``selfbilling/`` the two type-code
lists that differ). Each file is parsed once per process and cached.

What the code lists do not say, the rules do; those facts are encoded here with the rule id:

* per VAT category (:class:`TaxCategoryRule`): the rate it implies, whether it may / must carry a
  rate, whether an exemption reason code is required, whether VAT is charged on the invoice;
* the emirate codes of a UAE address (:class:`Emirate`, ``ibr-128-ae``; no code list exists).

Upstream defect handled here: ``Aligned-TaxCategoryCodes.gc`` spells "Standard rate additional
VAT" with the Greek capital Nu (U+039D) instead of the Latin ``N`` that ``ibr-139-ae`` and the
examples use; :func:`load_code_list` maps it to ``N``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from types import MappingProxyType
from typing import Final, Literal

from lxml import etree

from involinks.invoicing.document import Customization, DocumentKind, TransactionType

__all__ = [
    "Code",
    "CodeList",
    "Emirate",
    "TaxCategoryRule",
    "TransactionTypeFlag",
    "UnknownCodeError",
    "allowance_reason_codes",
    "billing_frequencies",
    "charge_reason_codes",
    "countries",
    "credit_note_type_codes",
    "credit_reasons",
    "currencies",
    "endpoint_schemes",
    "exemption_reasons",
    "invoice_type_codes",
    "is_emirate",
    "item_types",
    "load_code_list",
    "mime_codes",
    "payment_means_codes",
    "rcm_goods_types",
    "tax_categories",
    "tax_category",
    "transaction_type_flags",
    "type_codes",
    "unit_codes",
]

Variant = Literal["billing", "selfbilling"]

_GC_NS: Final = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"
_GC = {"gc": _GC_NS}
# Greek capital Nu in Aligned-TaxCategoryCodes.gc (PINT AE 1.0.4 defect) -> Latin N.
_HOMOGLYPHS: Final = str.maketrans({"\u039d": "N"})


class UnknownCodeError(KeyError):
    """A code is not in the code list asked for."""

    def __init__(self, list_name: str, code: str) -> None:
        super().__init__(code)
        self.list_name = list_name
        self.code = code

    def __str__(self) -> str:
        return f"{self.code!r} is not in the code list {self.list_name!r}"


@dataclass(frozen=True, slots=True)
class Code:
    """One row of a code list."""

    code: str
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CodeList:
    """A parsed genericode list: ``code in codes``, ``codes[code]``, iteration in file order."""

    short_name: str
    version: str | None
    codes: Mapping[str, Code]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __getitem__(self, code: str) -> Code:
        try:
            return self.codes[code]
        except KeyError:
            raise UnknownCodeError(self.short_name, code) from None

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def get(self, code: str) -> Code | None:
        return self.codes.get(code)


def _parse_genericode(data: bytes, source: str) -> CodeList:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)
    short_name = root.findtext("gc:Identification/gc:ShortName", namespaces=_GC) or source
    version = root.findtext("gc:Identification/gc:Version", namespaces=_GC)
    codes: dict[str, Code] = {}
    for row in root.iterfind("gc:SimpleCodeList/gc:Row", namespaces=_GC):
        values: dict[str, str] = {}
        for value in row.iterfind("gc:Value", namespaces=_GC):
            column = value.get("ColumnRef")
            text = value.findtext("gc:SimpleValue", namespaces=_GC)
            if column is not None and text is not None:
                values[column] = text.strip()
        code = values.get("id", "").translate(_HOMOGLYPHS)
        if not code:
            raise ValueError(f"{source}: a row has no id")
        codes[code] = Code(code, values.get("name"), values.get("description"))
    return CodeList(short_name=short_name, version=version, codes=MappingProxyType(codes))


@functools.cache
def load_code_list(filename: str, variant: Variant = "billing") -> CodeList:
    """Parse ``data/codelists/<variant>/<filename>`` once (e.g. ``"UNECERec20.gc"``)."""
    resource = resources.files("involinks.invoicing") / "data" / "codelists" / variant / filename
    return _parse_genericode(resource.read_bytes(), f"{variant}/{filename}")


# --- VAT categories ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaxCategoryRule:
    """A VAT category code (Aligned-TaxCategoryCodes) with what the AE rules require of it."""

    code: str
    name: str
    description: str | None
    line_rate: Decimal | None  # the rate the category implies on a line; None = no fixed rate
    rate_required: bool  # a line / breakdown MUST state a rate (else it MUST NOT)
    document_level_rate: Decimal | None  # rate of a document-level allowance/charge
    allowed_at_document_level: bool
    exemption_reason_required: bool
    vat_charged: bool  # False: the breakdown VAT amount MUST be 0


_STANDARD_RATE: Final = Decimal("5.00")
_NO_RATE: Final = Decimal(0)

# code: (line_rate, rate_required, document_level_rate, allowed_at_doc_level,
#        exemption_reason_required, vat_charged)
_CATEGORY_RULES: Final[dict[str, tuple[Decimal | None, bool, Decimal | None, bool, bool, bool]]] = {
    # ibr-190-ae (5.00 wherever S is used), aligned-ibrp-s-05/-06/-07 (> 0), aligned-ibrp-s-09.
    "S": (_STANDARD_RATE, True, _STANDARD_RATE, True, False, True),
    # aligned-ibrp-z-05/-06/-07 (0), aligned-ibrp-z-09 (VAT 0), ibr-120-ae.
    "Z": (_NO_RATE, True, _NO_RATE, True, False, False),
    # aligned-ibrp-e-05 / ibr-121-ae (no rate), -e-06/-07 (0 at document level), ibr-167/168/169-ae.
    "E": (None, False, _NO_RATE, True, True, False),
    # aligned-ibrp-o-05/-06/-07, aligned-ibrp-o-11-ae (no rate anywhere), aligned-ibrp-o-09.
    "O": (None, False, None, True, False, False),
    # aligned-ibrp-ae-05-ae (rate required on lines; the examples use the standard 5), -ae-06/-07
    # (0 at document level), aligned-ibrp-ae-09-ae (VAT 0: the buyer accounts for it).
    "AE": (_STANDARD_RATE, True, _NO_RATE, True, False, False),
    # ibr-111-ae (rate > 0, not fixed), ibr-114/115-ae (not at document level), ibr-108-ae (VAT 0).
    "N": (None, True, None, False, False, False),
}


@functools.cache
def tax_categories() -> Mapping[str, TaxCategoryRule]:
    """All VAT categories in code-list order (S, E, O, AE, Z, N)."""
    codes = load_code_list("Aligned-TaxCategoryCodes.gc")
    rules: dict[str, TaxCategoryRule] = {}
    for entry in codes:
        rule = _CATEGORY_RULES.get(entry.code)
        if rule is None:
            raise ValueError(f"no AE rule data for VAT category {entry.code!r}")
        rules[entry.code] = TaxCategoryRule(
            entry.code, entry.name or entry.code, entry.description, *rule
        )
    return MappingProxyType(rules)


def tax_category(code: str) -> TaxCategoryRule:
    """The rules of one VAT category; :class:`UnknownCodeError` for anything else."""
    try:
        return tax_categories()[code]
    except KeyError:
        raise UnknownCodeError("AE VAT category codes", code) from None


# --- other lists ---------------------------------------------------------------------------


def exemption_reasons() -> CodeList:
    """VAT exemption reason codes (IBT-121 / IBT-186), e.g. ``DL8.46.2``."""
    return load_code_list("Aligned-TaxExemptionCodes.gc")


def credit_reasons() -> CodeList:
    """Credit note reason codes (BTAE-03), e.g. ``DL8.61.1.A`` … ``VD``."""
    return load_code_list("CreditReason.gc")


def _variant(customization: Customization) -> Variant:
    return "selfbilling" if customization is Customization.SELF_BILLING else "billing"


def invoice_type_codes(customization: Customization = Customization.BILLING) -> CodeList:
    """Invoice type codes: 380/480 (billing), 389/480 (self-billing)."""
    return load_code_list("UNCL1001-inv.gc", _variant(customization))


def credit_note_type_codes(customization: Customization = Customization.BILLING) -> CodeList:
    """Credit note type codes: 381/81 (billing), 261/81 (self-billing)."""
    return load_code_list("UNCL1001-cn.gc", _variant(customization))


def type_codes(customization: Customization, kind: DocumentKind) -> frozenset[str]:
    """The type codes (IBT-003) allowed for a customization and root element (``ibr-cl-01``)."""
    if kind is DocumentKind.INVOICE:
        return frozenset(invoice_type_codes(customization).codes)
    return frozenset(credit_note_type_codes(customization).codes)


def unit_codes() -> CodeList:
    """UN/ECE Recommendation 20 units of measure (IBT-130, IBT-150)."""
    return load_code_list("UNECERec20.gc")


def currencies() -> CodeList:
    """ISO 4217 currency codes (IBT-005, IBT-006)."""
    return load_code_list("ISO4217.gc")


def countries() -> CodeList:
    """ISO 3166-1 alpha-2 country codes (IBT-040, IBT-055, IBT-159, ...)."""
    return load_code_list("ISO3166.gc")


def payment_means_codes() -> CodeList:
    """UNCL 4461 payment means (IBT-081)."""
    return load_code_list("UNCL4461.gc")


def allowance_reason_codes() -> CodeList:
    """UNCL 5189 allowance reasons (IBT-098, IBT-140)."""
    return load_code_list("UNCL5189.gc")


def charge_reason_codes() -> CodeList:
    """UNCL 7161 charge reasons (IBT-105, IBT-145)."""
    return load_code_list("UNCL7161.gc")


def endpoint_schemes() -> CodeList:
    """Electronic address schemes (IBT-034-1, IBT-049-1), incl. ``0235`` (UAE TIN)."""
    return load_code_list("eas.gc")


def billing_frequencies() -> CodeList:
    """Frequency of billing (BTAE-06), e.g. ``MTH``, ``OTH``."""
    return load_code_list("FreqBilling.gc")


def item_types() -> CodeList:
    """Item type (BTAE-13): G goods, S services, B both."""
    return load_code_list("ItemType.gc")


def rcm_goods_types() -> CodeList:
    """Goods or services subject to reverse charge (BTAE-09, ``ibr-006-ae``)."""
    return load_code_list("GoodsType.gc")


def mime_codes() -> CodeList:
    """MIME types allowed for attachments (IBT-125-1)."""
    return load_code_list("MimeCode.gc")


# --- transaction type flags ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TransactionTypeFlag:
    """One position of the BTAE-02 transaction type code."""

    position: int  # 1-based position in the 8-character code
    field: str  # the matching :class:`~involinks.invoicing.document.TransactionType` field
    pattern: str  # as in the code list, e.g. ``XXXXX1XX``
    name: str
    description: str | None


@functools.cache
def transaction_type_flags() -> tuple[TransactionTypeFlag, ...]:
    """The eight flags of ``transactiontype.gc``, in position order."""
    field_names = [field.name for field in dataclasses.fields(TransactionType)]
    flags: list[TransactionTypeFlag] = []
    for entry in load_code_list("transactiontype.gc"):
        pattern = entry.code
        if len(pattern) != len(field_names) or pattern.count("1") != 1:
            raise ValueError(f"unexpected transaction type pattern {pattern!r}")
        position = pattern.index("1") + 1
        flags.append(
            TransactionTypeFlag(
                position=position,
                field=field_names[position - 1],
                pattern=pattern,
                name=entry.name or pattern,
                description=entry.description,
            )
        )
    return tuple(sorted(flags, key=lambda flag: flag.position))


# --- emirates ------------------------------------------------------------------------------


class Emirate(StrEnum):
    """Country subdivision (IBT-039 / IBT-054 / IBT-068 / IBT-079) of a UAE address."""

    ABU_DHABI = "AUH"
    DUBAI = "DXB"
    SHARJAH = "SHJ"
    UMM_AL_QUWAIN = "UAQ"
    FUJAIRAH = "FUJ"
    AJMAN = "AJM"
    RAS_AL_KHAIMAH = "RAK"


def is_emirate(code: str) -> bool:
    """``ibr-128-ae``: the subdivision of an AE address must be one of the seven emirates.

    Check this ourselves for seller and buyer addresses: by Schematron first-match semantics the
    official rule never fires there (see the upstream defects in the reference README).
    """
    return code in Emirate._value2member_map_
