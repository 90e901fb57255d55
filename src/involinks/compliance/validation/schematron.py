"""Layers 2 and 3: the shipped, compiled PINT AE Schematron stylesheets run with SaxonC-HE.

Thread-safety and process model (saxonche 13):

* One ``PySaxonProcessor`` per process, created on first use and never released: SaxonC runs
  a GraalVM native image whose isolate is process-wide, and a processor cannot be created
  again after it was released.
* Each stylesheet is compiled once per process (``PyXslt30Processor.compile_stylesheet``) and
  the ``PyXsltExecutable`` is kept. Saxonica documents an executable as reusable "in the same
  thread or in different threads", but the Python object also carries mutable state (global
  parameters, the last exception). We set no parameters and use nothing else of that state.
* saxonche's Cython wrappers do not release the GIL, so Saxon work is serialized per process
  anyway; a module lock around parse + transform makes that explicit and keeps the shared
  executables safe should a later release drop the GIL. Concurrency comes from processes
  (each uvicorn/gunicorn/celery worker compiles its own copy, ~0.3 s per rule set, lazily).
* Calls from any Python thread work without ``attach_current_thread`` (checked with a pool
  of 8 threads sharing one executable, results identical to sequential runs).

The billing and self-billing releases ship byte-identical jurisdiction stylesheets; executables
are cached by the SHA-256 of the stylesheet, so identical files are compiled once.
"""

from __future__ import annotations

import hashlib
import threading
from enum import StrEnum
from pathlib import Path
from typing import Any

from involinks.compliance.validation.resources import SCHEMATRON_DIR
from involinks.compliance.validation.result import Layer

__all__ = ["RuleSet", "SchematronError", "compile_all", "run_rule_set", "stylesheets"]


class RuleSet(StrEnum):
    BILLING = "billing"
    SELF_BILLING = "selfbilling"
    TDD = "tdd"


_STYLESHEETS: dict[RuleSet, tuple[tuple[Layer, Path], ...]] = {
    RuleSet.BILLING: (
        (Layer.PINT, SCHEMATRON_DIR / "billing" / "PINT-UBL-validation-preprocessed.xslt"),
        (Layer.AE, SCHEMATRON_DIR / "billing" / "PINT-jurisdiction-aligned-rules.xslt"),
    ),
    RuleSet.SELF_BILLING: (
        (Layer.PINT, SCHEMATRON_DIR / "selfbilling" / "PINT-UBL-validation-preprocessed.xslt"),
        (Layer.AE, SCHEMATRON_DIR / "selfbilling" / "PINT-jurisdiction-aligned-rules.xslt"),
    ),
    RuleSet.TDD: ((Layer.AE, SCHEMATRON_DIR / "tdd" / "peppol-ae-tdd.xslt"),),
}


class SchematronError(Exception):
    """Saxon could not compile a stylesheet or run it on a document."""


class _Saxon:
    def __init__(self) -> None:
        from saxonche import PySaxonProcessor  # imported late: starts the GraalVM isolate

        self.processor: Any = PySaxonProcessor(license=False)
        self.compiler: Any = self.processor.new_xslt30_processor()
        self.executables: dict[str, Any] = {}

    def executable(self, path: Path) -> Any:
        stylesheet = path.read_bytes()
        digest = hashlib.sha256(stylesheet).hexdigest()
        executable = self.executables.get(digest)
        if executable is None:
            try:
                executable = self.compiler.compile_stylesheet(stylesheet_file=str(path))
            except Exception as exc:  # saxonche raises PySaxonApiError
                raise SchematronError(f"cannot compile {path.name}: {exc}") from exc
            if executable is None:
                raise SchematronError(f"cannot compile {path.name}")
            self.executables[digest] = executable
        return executable


_lock = threading.RLock()
_saxon: _Saxon | None = None
_by_path: dict[Path, Any] = {}


def _executable(path: Path) -> Any:
    global _saxon
    executable = _by_path.get(path)
    if executable is not None:
        return executable
    with _lock:
        if _saxon is None:
            _saxon = _Saxon()
        executable = _saxon.executable(path)
        _by_path[path] = executable
        return executable


def stylesheets(rule_set: RuleSet) -> tuple[tuple[Layer, Path], ...]:
    """The (layer, stylesheet) pairs of a rule set, in the order they run."""
    return _STYLESHEETS[rule_set]


def compile_all() -> None:
    """Compile every stylesheet now (application start-up / test session), not on first use."""
    for pairs in _STYLESHEETS.values():
        for _layer, path in pairs:
            _executable(path)


def run_rule_set(rule_set: RuleSet, xml_text: str) -> list[tuple[Layer, str | SchematronError]]:
    """Every stylesheet of the rule set on one document, parsed by Saxon once for all of them
    (a parse costs about a tenth of the transforms); per layer the SVRL text, or the error that
    stopped that layer (all of them when the document cannot be parsed)."""
    pairs = stylesheets(rule_set)
    outcomes = _transform_all([path for _layer, path in pairs], xml_text)
    return [(layer, outcome) for (layer, _path), outcome in zip(pairs, outcomes, strict=True)]


def _transform_all(paths: list[Path], xml_text: str) -> list[str | SchematronError]:
    executables = [_executable(path) for path in paths]
    with _lock:
        saxon = _saxon
        if saxon is None:  # cannot happen: _executable created it
            raise SchematronError("Saxon processor not initialised")
        try:
            # Transforms never change their input: one parsed node serves every stylesheet.
            node = saxon.processor.parse_xml(xml_text=xml_text, encoding="UTF-8")
        except Exception as exc:  # PySaxonApiError and friends
            return [SchematronError(f"{path.name}: {exc}") for path in paths]
        outcomes: list[str | SchematronError] = []
        for path, executable in zip(paths, executables, strict=True):
            try:
                output = executable.transform_to_string(xdm_node=node)
            except Exception as exc:
                outcomes.append(SchematronError(f"{path.name}: {exc}"))
                continue
            outcomes.append(
                str(output) if output else SchematronError(f"{path.name}: no SVRL output")
            )
    return outcomes
