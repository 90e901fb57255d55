"""Layer 1: XML Schema validation with lxml (OASIS UBL 2.1, Peppol Tax Data Document 1.0.0).

Schemas are loaded once per process, on first use. An ``XMLSchema`` object keeps its
``error_log`` on the instance and libxml2 runs the validation without the GIL, so one
validation at a time per schema: a lock guards ``validate`` + reading the log (a UBL
validation takes well under a millisecond, the lock costs nothing measurable).

The TDD schema imports the UBL modules by absolute ``https://docs.oasis-open.org/...`` URLs; a
resolver maps them to the packaged copies, and the parser has ``no_network`` set, so a schema
load never touches the network.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree

from involinks.compliance.validation.fields import field_for
from involinks.compliance.validation.paths import (
    NAMESPACES,
    Step,
    element_steps,
    format_steps,
    source_line,
)
from involinks.compliance.validation.resources import XSD_DIR
from involinks.compliance.validation.result import Layer, Severity, ValidationIssue

__all__ = ["SchemaKind", "load_all", "schema_for_root", "validate_schema"]

_UBL_COMMON = XSD_DIR / "ubl-2.1" / "common"
_OASIS_UBL21 = re.compile(
    r"^https?://docs\.oasis-open\.org/ubl/os-UBL-2\.1/xsd(?:rt)?/common/(?P<file>[\w.\-]+\.xsd)$"
)
_CLARK = re.compile(r"\{(?P<ns>[^}]*)\}(?P<local>[\w.\-]+)")
_ELEMENT_IN_MESSAGE = re.compile(r"Element '(?P<name>\{[^}]*\}[\w.\-]+|[\w.\-:]+)'")


@dataclass(frozen=True, slots=True)
class SchemaKind:
    name: str
    path: Path


_SCHEMAS: dict[str, SchemaKind] = {
    f"{{{NAMESPACES['inv']}}}Invoice": SchemaKind(
        "Invoice", XSD_DIR / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd"
    ),
    f"{{{NAMESPACES['cn']}}}CreditNote": SchemaKind(
        "CreditNote", XSD_DIR / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd"
    ),
    f"{{{NAMESPACES['pxs']}}}TaxData": SchemaKind(
        "TaxData", XSD_DIR / "tdd" / "peppol-tdd-1.0.0.xsd"
    ),
}


class _LocalUblResolver(etree.Resolver):
    """Serve the OASIS UBL 2.1 common modules from the package instead of the web."""

    def resolve(  # type: ignore[override]
        self, system_url: str | None, public_id: str | None, context: object
    ) -> object:
        if system_url:
            match = _OASIS_UBL21.match(system_url)
            if match:
                local = _UBL_COMMON / match.group("file")
                if local.is_file():
                    # resolve_filename is missing from lxml-stubs
                    return cast(Any, self).resolve_filename(str(local), context)
        return None


class _LoadedSchema:
    def __init__(self, kind: SchemaKind) -> None:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(_LocalUblResolver())
        document = etree.parse(str(kind.path), parser)
        self.schema = etree.XMLSchema(document)
        self.lock = threading.Lock()


_loaded: dict[str, _LoadedSchema] = {}
_load_lock = threading.Lock()


def _get(root_tag: str) -> _LoadedSchema | None:
    kind = _SCHEMAS.get(root_tag)
    if kind is None:
        return None
    loaded = _loaded.get(root_tag)
    if loaded is None:
        with _load_lock:
            loaded = _loaded.get(root_tag)
            if loaded is None:
                loaded = _LoadedSchema(kind)
                _loaded[root_tag] = loaded
    return loaded


def schema_for_root(root_tag: str) -> str | None:
    """The document type (``Invoice``, ``CreditNote``, ``TaxData``) served for a root tag."""
    kind = _SCHEMAS.get(root_tag)
    return kind.name if kind is not None else None


def load_all() -> None:
    """Load every schema now (application start-up), instead of on first validation."""
    for root_tag in _SCHEMAS:
        _get(root_tag)


def validate_schema(tree: etree._ElementTree) -> list[ValidationIssue]:
    """Validate against the schema chosen by the root element; unknown roots raise KeyError."""
    root = tree.getroot()
    loaded = _get(root.tag)
    if loaded is None:
        raise KeyError(root.tag)
    with loaded.lock:
        ok = loaded.schema.validate(tree)
        log = cast("Iterable[etree._LogEntry]", loaded.schema.error_log)
        entries = list(log) if not ok else []
    return [_issue(tree, entry) for entry in entries]


def _issue(tree: etree._ElementTree, entry: etree._LogEntry) -> ValidationIssue:
    element = _find_element(tree, entry)
    steps: tuple[Step, ...] = element_steps(element) if element is not None else ()
    location = format_steps(steps) if steps else entry.path
    rule_id = f"xsd:{entry.type_name}"
    return ValidationIssue(
        layer=Layer.XSD,
        rule_id=rule_id,
        severity=Severity.FATAL,
        message=_readable(entry.message),
        location=location,
        field=field_for(rule_id, steps) if steps else None,
        line=entry.line if entry.line > 0 else None,
    )


def _find_element(tree: etree._ElementTree, entry: etree._LogEntry) -> etree._Element | None:
    """The element an error is about: the named element on the reported source line."""
    match = _ELEMENT_IN_MESSAGE.search(entry.message or "")
    candidates: Iterator[etree._Element]
    if match and match.group("name").startswith("{"):
        candidates = tree.getroot().iter(match.group("name"))
    else:
        candidates = tree.getroot().iter()
    for element in candidates:
        if isinstance(element.tag, str) and source_line(element) == entry.line:
            return element
    return None


def _readable(message: str) -> str:
    """Replace Clark names (``{urn:...}Name``) with the usual prefixes (``cac:Name``)."""
    prefixes = {uri: prefix for prefix, uri in NAMESPACES.items() if prefix not in ("inv", "cn")}

    def repl(match: re.Match[str]) -> str:
        prefix = prefixes.get(match.group("ns"))
        return f"{prefix}:{match.group('local')}" if prefix else match.group("local")

    return _CLARK.sub(repl, message)
