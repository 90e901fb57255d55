"""Accessibility checks with axe-core (the npm package in frontend/devDependencies).

The script is evaluated through the DevTools protocol rather than added as a <script> tag, so a
strict Content-Security-Policy on the app cannot block it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "frontend/node_modules/axe-core/axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]
    # axe's explanation for the first failing element (colours and ratio for contrast, ...).
    summary: str = ""

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (" ..." if len(self.targets) > 5 else "")
        first = " ".join(self.summary.split())
        return f"[{self.impact}] {self.rule}: {self.help} -> {shown}" + (
            f"\n    first: {first}" if first else ""
        )


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `npm --prefix frontend ci`")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page: Page) -> list[Violation]:
    """Runs every axe rule on the current document and returns the violations found."""
    # Transitions still running (a notification fading in) blend colours and fail the contrast
    # rule on what is only a passing frame: let them finish first.
    page.evaluate(
        "() => Promise.race([Promise.allSettled(document.getAnimations()"
        ".filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)"
        ".map(a => a.finished)), new Promise(r => setTimeout(r, 2000))])"
    )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    raw: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations"
    )
    return [
        Violation(
            rule=str(item["id"]),
            impact=str(item.get("impact") or "unknown"),
            help=str(item.get("help", "")),
            targets=tuple(
                " ".join(str(part) for part in node.get("target", [])) for node in item["nodes"]
            ),
            summary=str(item["nodes"][0].get("failureSummary", "")) if item["nodes"] else "",
        )
        for item in raw
    ]


def blocking_violations(page: Page) -> list[Violation]:
    """Violations with a serious or critical impact: these fail a test."""
    return [v for v in run_axe(page) if v.impact in BLOCKING_IMPACTS]


def assert_accessible(page: Page) -> None:
    found = blocking_violations(page)
    assert not found, "axe-core found serious/critical violations:\n" + "\n".join(
        str(v) for v in found
    )
