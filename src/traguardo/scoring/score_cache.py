"""Scores of open cycles and the page parts that print them, kept per data version.

Every page that shows a figure needs the whole plan scored (the entity result depends on
every block), and fetching the plan costs about as much as scoring it. The pair
(plan, score) is kept in Django's cache (`CACHES["default"]`: per process by default, one
Redis shared by every server process with TRAGUARDO_CACHE_URL) under the cycle, its
`data_version`, the period and the language of the explanations. A write service bumps
the cycle's version in the transaction that changes its data (plans.versions), so a new
version names new data and an old entry is simply never asked for again (it expires).

A transaction that bumped the cycle and has not committed yet may still be rolled back,
giving its version number back to the next change: what it computes goes to a small cache
private to its connection, keyed by the bump's generation as well, never to the shared one.

Page parts (`part()`: the tree, the dashboard's tables, the public results) print figures of
the whole plan, the same HTML for every reader until the data change: they are kept the
same way, under the data version, the language and whatever else they depend on (`vary`:
filters, the reader's own units). Only parts built from that data may be kept: nothing that
depends on the request (CSRF tokens, messages, the signed-in user beyond what `vary` names).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from traguardo import __version__
from traguardo.core.model import Plan
from traguardo.core.results import PlanScore
from traguardo.plans import versions

TIMEOUT = 24 * 3600  # seconds; a bump makes an entry unreachable long before
PART_TIMEOUT = 3600  # page parts: cheap to render again, many per version
PRIVATE_SIZE = 8  # entries kept per connection for a transaction's own uncommitted data

Scored = tuple[Plan, PlanScore]


def state(cycle_id: int) -> tuple[str, int | None]:
    """What names the cycle's data now: `"<cycle>:<data version>"` (with Traguardo's
    version, so that after an upgrade nothing computed by the old code is read from a shared
    cache), and the generation of the open transaction's own bump of the cycle, or None."""
    version = versions.version_of(cycle_id)
    return f"{__version__}:{cycle_id}:{version}", versions.dirty(cycle_id)


def scored(cycle_id: int, period: str, compute: Callable[[], Scored]) -> Scored:
    """The plan and its score for the cycle's present data version, computed on a miss.

    The version is read before the data: if a change commits in between, the entry filed
    under the old version holds newer data, which nobody reading the new version sees."""
    data, generation = state(cycle_id)
    language = translation.get_language() or settings.LANGUAGE_CODE
    name = f"traguardo:score:{data}:{period}:{language}"
    if generation is not None:
        return _private(f"{name}:{generation}", compute)
    found: Scored | None = cache.get(name)
    if found is None:
        found = compute()
        cache.set(name, found, TIMEOUT)
    return found


def _private(name: str, compute: Callable[[], Scored]) -> Scored:
    """Kept on the connection for as long as its transaction is open."""
    connection = transaction.get_connection()
    entries: OrderedDict[str, Scored] | None = getattr(connection, "traguardo_scores", None)
    if entries is None:
        entries = OrderedDict()
        connection.traguardo_scores = entries
    found = entries.get(name)
    if found is None:
        found = entries[name] = compute()
        while len(entries) > PRIVATE_SIZE:
            entries.popitem(last=False)
    else:
        entries.move_to_end(name)
    return found


def part(
    template: str, cycle_id: int, vary: Hashable, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """`template` rendered with `context()`, or the copy kept for this data version."""
    data, generation = state(cycle_id)
    if generation is not None:  # uncommitted data of this transaction: nothing shared
        return SafeString(render_to_string(template, context()))
    what = repr((template, data, translation.get_language(), vary))
    name = "traguardo:part:" + hashlib.sha256(what.encode()).hexdigest()
    html: str | None = cache.get(name)
    if html is None:
        html = render_to_string(template, context())
        cache.set(name, html, PART_TIMEOUT)
    return SafeString(html)  # rendered by our own templates, autoescaped
