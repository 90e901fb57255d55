"""Turning editor input into HTML that is safe to put on the public site."""

from __future__ import annotations

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "span": {"dir", "lang"},
    "p": {"dir", "lang"},
}


def render_body(body: str, body_format: str) -> str:
    """Markdown is rendered first; either way only an allow-list of tags and attributes survives
    (no scripts, no event handlers, no javascript: links)."""
    html = (
        md.markdown(body, extensions=["tables", "sane_lists"])
        if body_format == "markdown"
        else body
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )
