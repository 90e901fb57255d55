"""Invoice / credit note PDF rendering (ReportLab; pure: no database)."""

from involinks.compliance.pdf.fonts import FALLBACK_TEXT, ArabicSupport, arabic_support
from involinks.compliance.pdf.render import PdfError, PdfOptions, document_title, render_pdf

__all__ = [
    "FALLBACK_TEXT",
    "ArabicSupport",
    "PdfError",
    "PdfOptions",
    "arabic_support",
    "document_title",
    "render_pdf",
]
