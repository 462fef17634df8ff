"""Parts of a page rendered once per state of the data instead of once per request.

The tree (110 objectives, 600 indicators), the dashboard's tables and the public results
page cost far more to render than to serve. Their heavy part is rendered into HTML and
kept in Django's cache under the latest score stamp (`scoring.cache`), the language and
whatever else the part depends on (filters, the reader's own units): any saved change to
the plan, values, units or cards writes a new stamp, so an old fragment is shown only while
another request is rendering the new one, and never to the user who made the change.

Only fragments built from that data may be cached: nothing that depends on the request
(CSRF tokens, messages, the signed-in user beyond what `vary` names).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from traguardo import __version__
from traguardo.scoring.cache import current_stamp
from traguardo.scoring.once import computed_once

TIMEOUT = 3600  # seconds; a new stamp makes old fragments unreachable long before


def _template_digest(template: str) -> str:
    """Traguardo's version and the template's text: after an upgrade that changes a
    template, parts and rows rendered by the old one (kept in a shared cache) are not used."""
    source = get_template(template).template.source  # type: ignore[attr-defined]
    return hashlib.sha256(f"{__version__}\0{source}".encode()).hexdigest()[:16]


def fragment_keys(template: str, cycle_id: int, vary: Hashable) -> tuple[str, str]:
    """The cache keys of a part: for the present state of the data, and for its last
    rendering whatever the state."""
    part = repr((template, _template_digest(template), cycle_id, get_language(), vary))
    key = "traguardo:fragment:" + hashlib.sha256((part + current_stamp()).encode()).hexdigest()
    return key, "traguardo:fragment:" + hashlib.sha256(part.encode()).hexdigest()


def fragment(
    template: str, cycle_id: int, vary: Hashable, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """`template` rendered with `context()`, computed only when no copy is cached."""
    key, previous = fragment_keys(template, cycle_id, vary)
    # Rendered by one worker when several ask for the same new state at once; meanwhile
    # the others get the part as it was just before (scoring.once), not a slow page.
    html = computed_once(
        key, lambda: render_to_string(template, context()), TIMEOUT, previous=previous
    )
    return SafeString(html)  # rendered by our own templates, autoescaped


def rendered_each(template: str, rows: Sequence[Hashable], **shared: Hashable) -> list[SafeString]:
    """`template` rendered for each row (as `row`, beside `shared`), in order.

    Each row's HTML is cached under the row's own values, not under the stamp: after a saved
    value only the rows whose figures moved are rendered again. Rows must be frozen
    dataclasses (or tuples) holding every value the template prints, and only those."""
    language, digest = get_language(), _template_digest(template)
    keys = [
        "traguardo:row:"
        + hashlib.sha256(
            repr((template, digest, language, sorted(shared.items()), row)).encode()
        ).hexdigest()
        for row in rows
    ]
    found: dict[str, str] = cache.get_many(keys)
    rendered: dict[str, str] = {}
    result = []
    for key, row in zip(keys, rows, strict=True):
        html = found.get(key) or rendered.get(key)
        if html is None:
            html = rendered[key] = render_to_string(template, {"row": row, **shared})
        result.append(SafeString(html))  # rendered by our own templates, autoescaped
    if rendered:
        cache.set_many(rendered, TIMEOUT)
    return result
