"""Parts of a page rendered once per state of the data instead of once per request.

The tree (110 objectives, 600 indicators), the dashboard's tables and the public results
page cost far more to render than to serve. Their heavy part is rendered into HTML and
kept in Django's cache under the latest score stamp (`scoring.cache`), the language and
whatever else the part depends on (filters, the reader's own units): any saved change to
the plan, values, units or cards writes a new stamp, so an old fragment is never shown.

Only fragments built from that data may be cached: nothing that depends on the request
(CSRF tokens, messages, the signed-in user beyond what `vary` names).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from traguardo.scoring.cache import current_stamp
from traguardo.scoring.once import computed_once

TIMEOUT = 3600  # seconds; a new stamp makes old fragments unreachable long before


def fragment(
    template: str, cycle_id: int, vary: Hashable, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """`template` rendered with `context()`, computed only when no copy is cached."""
    name = repr((template, cycle_id, current_stamp(), get_language(), vary))
    key = "traguardo:fragment:" + hashlib.sha256(name.encode()).hexdigest()
    # Rendered by one worker when several ask for the same new state at once.
    html = computed_once(key, lambda: render_to_string(template, context()), TIMEOUT)
    return SafeString(html)  # rendered by our own templates, autoescaped
