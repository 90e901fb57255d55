"""Writes the data the web app's invoice form is built and checked with. Run once, commit the output:

    cd /work/main && .venv/bin/python frontend/src/features/invoices/lib/__fixtures__/generate.py
    npm --prefix frontend exec prettier -- --write frontend/src/features/invoices/lib

* ``official-examples.json`` (next to this script): every official PINT AE 1.0.4 example, read with
  the API's UBL parser, as the inputs of ``involinks.invoicing.totals.compute_totals`` and the figures
  it computes. Before anything is written, each computed figure is compared with the amount the
  official document states (to the fils), so the fixture is anchored to the official files and not
  only to our Python code. ``totals.test.ts`` checks the TypeScript port against it.
* ``../code-lists.json``: the official codes the invoice form offers (VAT categories with what the
  AE rules fix for each, exemption and credit-note reasons, currencies, payment means, a short list
  of common units), read with ``involinks.invoicing.codes`` from the release's genericode files.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from involinks.compliance.ubl.parser import parse_document
from involinks.invoicing import codes
from involinks.invoicing.document import Document
from involinks.invoicing.totals import (
    AllowanceChargeInput,
    DocumentTotals,
    LineInput,
    allowance_charge_input_from,
    compute_document_totals,
    line_input_from,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[5]
REFERENCE = Path(
    os.environ.get("INVOLINKS_PINT_AE_REFERENCE", REPO.parent / "shared/reference/pint-ae")
)
# Units offered in the line editor: common ones, each checked against UN/ECE Rec 20 below.
COMMON_UNITS = ("C62", "H87", "EA", "SET", "HUR", "DAY", "MON", "KGM", "LTR", "MTR", "MTK", "KWH")


def _fils(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _line(line: LineInput) -> dict[str, Any]:
    return {
        "quantity": str(line.quantity),
        "net_price": str(line.net_price),
        "base_quantity": str(line.base_quantity),
        "category": line.category,
        "rate": _text(line.rate),
        "allowances": [str(a) for a in line.allowances],
        "charges": [str(c) for c in line.charges],
    }


def _ac(ac: AllowanceChargeInput) -> dict[str, Any]:
    return {
        "charge": ac.charge,
        "amount": str(ac.amount),
        "category": ac.category,
        "rate": _text(ac.rate),
    }


def _check_against_document(name: str, document: Document, totals: DocumentTotals) -> None:
    """Every computed figure equals the amount the official example states."""
    problems: list[str] = []

    def same(label: str, computed: Decimal | None, stated: Decimal | None) -> None:
        if stated is not None and computed != _fils(stated):
            problems.append(f"{label}: computed {computed}, stated {stated}")

    for index, (line, amounts) in enumerate(zip(document.lines, totals.lines, strict=True)):
        same(f"line {index} net", amounts.net_amount, line.line_extension_amount)
        same(f"line {index} vat", amounts.vat_amount, line.vat_line_amount)
        same(f"line {index} with vat", amounts.amount_with_vat, line.amount_with_vat)
    stated_breakdown = {
        (s.category.code, s.category.percent): (_fils(s.taxable_amount), _fils(s.tax_amount))
        for s in document.tax_total.subtotals
    }
    computed_breakdown = {
        (b.category, b.rate): (b.taxable_amount, b.tax_amount) for b in totals.breakdown
    }
    if stated_breakdown != computed_breakdown:
        problems.append(f"breakdown: computed {computed_breakdown}, stated {stated_breakdown}")
    stated = document.totals
    same("line extension", totals.line_extension_amount, stated.line_extension_amount)
    same("allowances", totals.allowance_total_amount, stated.allowance_total_amount)
    same("charges", totals.charge_total_amount, stated.charge_total_amount)
    same("tax exclusive", totals.tax_exclusive_amount, stated.tax_exclusive_amount)
    same("tax", totals.tax_amount, document.tax_total.tax_amount)
    same("tax inclusive", totals.tax_inclusive_amount, stated.tax_inclusive_amount)
    same("prepaid", totals.prepaid_amount, stated.prepaid_amount)
    same("rounding", totals.payable_rounding_amount, stated.payable_rounding_amount)
    same("payable", totals.payable_amount, stated.payable_amount)
    same("tax in AED", totals.tax_amount_in_tax_currency, document.tax_currency_tax_amount)
    if problems:
        raise SystemExit(f"{name} disagrees with its official figures:\n  " + "\n  ".join(problems))


def example_case(path: Path) -> dict[str, Any]:
    document = parse_document(path.read_bytes())
    name = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
    totals = compute_document_totals(document)
    _check_against_document(name, document, totals)
    rate = document.tax_exchange_rate.calculation_rate if document.tax_exchange_rate else None
    return {
        "name": name,
        "input": {
            "lines": [_line(line_input_from(line)) for line in document.lines],
            "allowances_charges": [
                _ac(allowance_charge_input_from(ac)) for ac in document.allowances_charges
            ],
            "prepaid_amount": str(document.totals.prepaid_amount or Decimal(0)),
            "payable_rounding_amount": str(document.totals.payable_rounding_amount or Decimal(0)),
            "exchange_rate": _text(rate),
        },
        "expected": {
            "lines": [
                {
                    "net_amount": str(a.net_amount),
                    "vat_amount": _text(a.vat_amount),
                    "amount_with_vat": str(a.amount_with_vat),
                }
                for a in totals.lines
            ],
            "breakdown": [
                {
                    "category": b.category,
                    "rate": _text(b.rate),
                    "taxable_amount": str(b.taxable_amount),
                    "tax_amount": str(b.tax_amount),
                }
                for b in totals.breakdown
            ],
            "line_extension_amount": str(totals.line_extension_amount),
            "allowance_total_amount": str(totals.allowance_total_amount),
            "charge_total_amount": str(totals.charge_total_amount),
            "tax_exclusive_amount": str(totals.tax_exclusive_amount),
            "tax_amount": str(totals.tax_amount),
            "tax_inclusive_amount": str(totals.tax_inclusive_amount),
            "prepaid_amount": str(totals.prepaid_amount),
            "payable_rounding_amount": str(totals.payable_rounding_amount),
            "payable_amount": str(totals.payable_amount),
            "tax_amount_in_tax_currency": _text(totals.tax_amount_in_tax_currency),
            "tax_inclusive_amount_in_tax_currency": _text(
                totals.tax_inclusive_amount_in_tax_currency
            ),
        },
    }


def code_lists() -> dict[str, Any]:
    units = codes.unit_codes()
    missing = [unit for unit in COMMON_UNITS if unit not in units]
    if missing:
        raise SystemExit(f"not UN/ECE Rec 20 units: {missing}")
    return {
        "$comment": "Generated by lib/__fixtures__/generate.py from the PINT AE 1.0.4 code lists.",
        "vat_categories": [
            {
                "code": rule.code,
                "name": rule.name,
                "line_rate": _text(rule.line_rate),
                "document_level_rate": _text(rule.document_level_rate),
                "rate_required": rule.rate_required,
                "exemption_reason_required": rule.exemption_reason_required,
                "allowed_at_document_level": rule.allowed_at_document_level,
                "vat_charged": rule.vat_charged,
            }
            for rule in codes.tax_categories().values()
        ],
        "exemption_reasons": [{"code": c.code, "name": c.name} for c in codes.exemption_reasons()],
        "credit_reasons": [{"code": c.code, "name": c.name} for c in codes.credit_reasons()],
        "currencies": sorted(c.code for c in codes.currencies()),
        "payment_means": [{"code": c.code, "name": c.name} for c in codes.payment_means_codes()],
        "rcm_goods_types": [{"code": c.code, "name": c.name} for c in codes.rcm_goods_types()],
        "units": [{"code": unit, "name": units[unit].name} for unit in COMMON_UNITS],
    }


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")


def main() -> None:
    examples = sorted((REFERENCE / "examples").glob("*/*/*.xml"))
    examples = [p for p in examples if p.parent.parent.name in ("billing", "selfbilling")]
    if not examples:
        raise SystemExit(f"no official examples under {REFERENCE}")
    _write(
        HERE / "official-examples.json",
        {
            "$comment": "Generated by generate.py from the official PINT AE 1.0.4 examples with "
            "involinks.invoicing.totals; every figure was checked against the example's stated "
            "amounts. Do not edit by hand.",
            "examples": [example_case(path) for path in examples],
        },
    )
    _write(HERE.parent / "code-lists.json", code_lists())


if __name__ == "__main__":
    main()
