"""XPath locations: parse Saxon's SVRL locations and lxml elements into prefixed steps."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

__all__ = [
    "NAMESPACES",
    "Step",
    "element_steps",
    "element_text",
    "format_steps",
    "parse_svrl_location",
    "source_line",
]

NAMESPACES: dict[str, str] = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "pxs": "urn:peppol:schema:taxdata:1.0",
}
# Root elements are written without prefix (``/Invoice``), as people read them.
_ROOT_NAMESPACES = frozenset({NAMESPACES["inv"], NAMESPACES["cn"]})
_PREFIX_BY_NS = {uri: prefix for prefix, uri in NAMESPACES.items()}

# Saxon writes each step as  *:Name[namespace-uri()='urn:...'][3]
_SVRL_STEP = re.compile(
    r"^\*:(?P<local>[\w.\-]+)\[namespace-uri\(\)='(?P<ns>[^']*)'\](?:\[(?P<pos>\d+)\])?$"
)
_PLAIN_STEP = re.compile(r"^(?:(?P<prefix>[\w.\-]+):)?(?P<local>@?[\w.\-]+)(?:\[(?P<pos>\d+)\])?$")


@dataclass(frozen=True, slots=True)
class Step:
    """One location step: ``local`` name (``@name`` for an attribute), namespace, 1-based index."""

    local: str
    namespace: str | None = None
    position: int | None = None

    def render(self, *, is_root: bool = False) -> str:
        if self.local.startswith("@"):
            return self.local
        if self.namespace is None or (is_root and self.namespace in _ROOT_NAMESPACES):
            name = self.local
        elif self.namespace in _PREFIX_BY_NS:
            name = f"{_PREFIX_BY_NS[self.namespace]}:{self.local}"
        else:
            name = f"*:{self.local}"
        if self.position is None or is_root:
            return name
        return f"{name}[{self.position}]"


def parse_svrl_location(location: str | None) -> tuple[Step, ...]:
    """Split an SVRL ``location`` into steps; unknown step syntax is kept as a bare name."""
    if not location:
        return ()
    steps: list[Step] = []
    # Namespace URIs in these documents never contain '/', so splitting on it is safe.
    for raw in location.strip().split("/"):
        if not raw:
            continue
        match = _SVRL_STEP.match(raw)
        if match:
            pos = match.group("pos")
            steps.append(Step(match.group("local"), match.group("ns"), int(pos) if pos else None))
            continue
        plain = _PLAIN_STEP.match(raw)
        if plain:
            prefix = plain.group("prefix")
            pos = plain.group("pos")
            steps.append(
                Step(
                    plain.group("local"),
                    NAMESPACES.get(prefix) if prefix else None,
                    int(pos) if pos else None,
                )
            )
        else:
            steps.append(Step(raw))
    return tuple(steps)


def element_steps(element: etree._Element) -> tuple[Step, ...]:
    """Steps from the root to ``element``, each with its position among same-named siblings."""
    steps: list[Step] = []
    node: etree._Element | None = element
    while node is not None:
        qname = etree.QName(node)
        parent = node.getparent()
        position = 1
        if parent is not None:
            for sibling in parent.iterchildren(node.tag):
                if sibling is node:
                    break
                position += 1
        steps.append(Step(qname.localname, qname.namespace, position))
        node = parent
    steps.reverse()
    return tuple(steps)


def format_steps(steps: tuple[Step, ...]) -> str | None:
    if not steps:
        return None
    return "/" + "/".join(step.render(is_root=index == 0) for index, step in enumerate(steps))


def element_text(element: etree._Element) -> str:
    """All text content of an element (like XPath ``string(.)``)."""
    return "".join(
        part if isinstance(part, str) else part.decode("utf-8") for part in element.itertext()
    )


def source_line(element: etree._Element) -> int | None:
    """The element's line in the parsed source, when known."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else None
