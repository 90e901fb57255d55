"""Where the packaged official artefacts live (copies of shared/reference/pint-ae, see data/)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA_DIR", "SCHEMATRON_DIR", "XSD_DIR"]

# Real files are needed: Saxon compiles from a path and libxml2 resolves the relative
# xs:import/xs:include of the UBL modules against the schema's own location.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
XSD_DIR = DATA_DIR / "xsd"
SCHEMATRON_DIR = DATA_DIR / "schematron"
