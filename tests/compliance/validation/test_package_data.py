"""The packaged XSDs and stylesheets are the official files, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from involinks.compliance.validation.resources import DATA_DIR
from tests.compliance.validation.golden import REFERENCE

PACKAGED = sorted(
    path.relative_to(DATA_DIR)
    for path in DATA_DIR.rglob("*")
    if path.is_file() and path.suffix in (".xsd", ".xslt")
)


def test_every_needed_artefact_is_packaged() -> None:
    names = {path.as_posix() for path in PACKAGED}

    assert "xsd/ubl-2.1/maindoc/UBL-Invoice-2.1.xsd" in names
    assert "xsd/ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd" in names
    assert "xsd/tdd/peppol-tdd-1.0.0.xsd" in names
    for rule_set in ("billing", "selfbilling"):
        assert f"schematron/{rule_set}/PINT-UBL-validation-preprocessed.xslt" in names
        assert f"schematron/{rule_set}/PINT-jurisdiction-aligned-rules.xslt" in names
    assert "schematron/tdd/peppol-ae-tdd.xslt" in names


@pytest.mark.parametrize("relative", PACKAGED, ids=lambda p: p.as_posix())
def test_packaged_file_equals_the_reference(relative: Path) -> None:
    assert (DATA_DIR / relative).read_bytes() == (REFERENCE / relative).read_bytes()
