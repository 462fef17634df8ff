"""Numbers inside narratives are placeholders filled from the data, never typed.

``{{ performance_ente }}`` or ``{{ area.SERVI }}``: a name made of letters, digits, ``_``
and dots. An unknown name is reported (section and name), and the text shows it marked,
never silently blank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Filled:
    html: str
    unknown: tuple[str, ...]


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def unknown_names(text: str, values: Mapping[str, str]) -> list[str]:
    seen: list[str] = []
    for name in names_in(text):
        if name not in values and name not in seen:
            seen.append(name)
    return seen


def fill(html: str, values: Mapping[str, str]) -> Filled:
    """Replace every placeholder with its (escaped) value; unknown ones are kept visible,
    marked, and listed in ``unknown``."""
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return escape(values[name])
        if name not in unknown:
            unknown.append(name)
        return f'<mark class="unknown-placeholder">{{{{ {escape(name)} }}}}</mark>'

    return Filled(PLACEHOLDER.sub(replace, html), tuple(unknown))
