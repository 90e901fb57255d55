"""Arabic text in the invoice PDF: a font that has the glyphs, plus shaping and bidi.

ReportLab draws glyphs as given: Arabic needs (1) a TrueType font with Arabic and its presentation
forms (U+FB50–U+FDFF, U+FE70–U+FEFF), (2) shaping into those contextual forms
(``arabic-reshaper``), (3) reordering into visual order (``python-bidi``). ReportLab's bundled
Vera fonts have no Arabic, and the PDF must not depend on fonts of the operating system, so:

* the font is the caller's ``font_path`` or else Amiri from the ``fontpkg-amiri`` package
  (OFL-1.1; static TTFs with full Arabic presentation forms and Latin), found by import, never
  downloaded;
* when the font is unusable or a library is missing, Arabic runs are replaced by
  :data:`FALLBACK_TEXT` instead of being drawn as empty boxes; the legal document is the UBL XML,
  which keeps the text.

Known limit: text is reordered per line before wrapping, so a long right-to-left paragraph that
wraps onto several lines shows its lines in left-to-right order (names, items and short notes,
which is what invoices carry, are unaffected).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

__all__ = [
    "FALLBACK_TEXT",
    "ArabicSupport",
    "arabic_support",
    "contains_arabic",
    "markup",
]

FALLBACK_TEXT: Final = "[Arabic text]"
_FONT_PACKAGE: Final = "fontpkg_amiri"
_ARABIC_CHARS: Final = "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC: Final = re.compile(f"[{_ARABIC_CHARS}]")
# One run: Arabic words and the spaces / digits / punctuation between them.
_ARABIC_RUN: Final = re.compile(f"[{_ARABIC_CHARS}]+(?:[\\s\\d.,:;()\\-/]+[{_ARABIC_CHARS}]+)*")


def contains_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


@dataclass(frozen=True)
class ArabicSupport:
    """Whether Arabic can be drawn, with which registered fonts, and why not if it cannot."""

    regular_font: str | None
    bold_font: str | None
    detail: str
    _shape: Callable[[str], str] | None = field(default=None, repr=False, compare=False)

    @property
    def available(self) -> bool:
        return self.regular_font is not None and self._shape is not None

    def shape(self, text: str) -> str:
        """Contextual forms in visual order (only meaningful when :attr:`available`)."""
        if self._shape is None:
            return text
        return self._shape(text)


def _packaged_font(style: str) -> Path | None:
    spec = importlib.util.find_spec(_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "files" / f"Amiri-{style}.ttf"
        if candidate.is_file():
            return candidate
    return None


def _shaper() -> Callable[[str], str] | None:
    try:
        reshaper = importlib.import_module("arabic_reshaper")
        bidi = importlib.import_module("bidi")
    except ImportError:
        return None
    reshape = getattr(reshaper, "reshape", None)
    get_display = getattr(bidi, "get_display", None)
    if get_display is None:  # python-bidi < 0.5 keeps it in bidi.algorithm
        get_display = getattr(importlib.import_module("bidi.algorithm"), "get_display", None)
    if not callable(reshape) or not callable(get_display):
        return None

    def shape(text: str) -> str:
        return str(get_display(str(reshape(text))))

    return shape


def _register(path: Path, prefix: str) -> str:
    # Named by a digest of the font bytes: two fonts never share a name, and the PDF does not
    # change with where the font is installed.
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    name = f"{prefix}-{digest}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


@functools.lru_cache(maxsize=8)
def arabic_support(
    font_path: Path | None = None, bold_font_path: Path | None = None
) -> ArabicSupport:
    """Find the Arabic font and the shaping libraries (once per font choice)."""
    regular = font_path or _packaged_font("Regular")
    bold = bold_font_path or (None if font_path else _packaged_font("Bold"))
    shaper = _shaper()
    missing: list[str] = []
    if regular is None:
        missing.append("an Arabic TTF font (pip package fontpkg-amiri)")
    if shaper is None:
        missing.append("pip packages arabic-reshaper and python-bidi")
    if regular is None or shaper is None:
        return ArabicSupport(
            None, None, "Arabic falls back to a marker; missing " + ", ".join(missing)
        )
    try:
        regular_name = _register(regular, "InvoLinksArabic")
        bold_name = _register(bold, "InvoLinksArabicBold") if bold else regular_name
    except (TTFError, OSError) as exc:
        return ArabicSupport(None, None, f"Arabic falls back to a marker; font unusable: {exc}")
    return ArabicSupport(regular_name, bold_name, f"Arabic drawn with {regular.name}", shaper)


def markup(text: str, support: ArabicSupport, *, bold: bool = False) -> str:
    """Paragraph markup for untrusted text: escaped (no ``<img>`` / ``<link>`` injection), line
    breaks kept, Arabic shaped in its font or replaced by the fallback marker."""
    if not contains_arabic(text):
        return escape(text).replace("\n", "<br/>")
    if not support.available:
        return escape(_ARABIC_RUN.sub(FALLBACK_TEXT, text)).replace("\n", "<br/>")
    font = support.bold_font if bold else support.regular_font
    lines = [escape(support.shape(line)) for line in text.split("\n")]
    return f'<font name="{font}">' + "<br/>".join(lines) + "</font>"
