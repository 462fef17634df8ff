"""Rich text from the browser and from imported plans, cleaned to a safe whitelist (nh3)."""

from __future__ import annotations

import re
from html import escape, unescape

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h3|h4|ul|ol)>|<br\s*/?>", re.IGNORECASE)


def clean_html(html: str) -> str:
    """Only the whitelisted tags and attributes survive; links get rel=noopener."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def to_text(html: str) -> str:
    """Plain text of sanitised HTML (for spreadsheets and open data): blocks end a line."""
    text = _BLOCK_END.sub("\n", html)
    text = re.sub(r"<li[^>]*>", "- ", text, flags=re.IGNORECASE)
    text = unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def text_to_html(text: str) -> str:
    """Plain text with blank-line paragraphs and "- " bullets, as sanitised HTML."""
    parts: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:].strip())}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        elif len(lines) == 1 and len(lines[0]) < 60 and not lines[0].endswith((".", ":", ";")):
            parts.append(f"<h4>{escape(lines[0])}</h4>")
        else:
            parts.append(f"<p>{escape(' '.join(lines))}</p>")
    return clean_html("".join(parts))


def cell_html(text: str) -> str:
    """A comment or description as stored (plain text or the seed's HTML), made safe."""
    if "<" in text and ">" in text:
        return clean_html(text)
    return clean_html("<br>".join(escape(line) for line in text.splitlines()))
