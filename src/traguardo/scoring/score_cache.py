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
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString

from traguardo import __version__
from traguardo.core.model import Plan
from traguardo.core.results import PlanScore
from traguardo.plans import versions

TIMEOUT = 24 * 3600  # seconds; a bump makes an entry unreachable long before
PART_TIMEOUT = 3600  # page parts: cheap to render again, many per version
PRIVATE_SIZE = 16  # entries kept per connection for its open transaction's own data

Scored = tuple[Plan, PlanScore]
T = TypeVar("T")
_MISSING = object()


def state(cycle_id: int) -> tuple[str, int | None]:
    """What names the cycle's data now: `"<cycle>:<data version>"` (with Traguardo's
    version, so that after an upgrade nothing computed by the old code is read from a shared
    cache), and the generation of the open transaction's own bump of the cycle, or None."""
    # Read from the database on every call (a primary-key lookup, about 0.1 ms), never
    # memoised per request: a write earlier in the same request must name new data.
    version = versions.version_of(cycle_id)
    return f"{__version__}:{cycle_id}:{version}", versions.dirty(cycle_id)


def kept(
    cycle_id: int,
    what: str,
    compute: Callable[[], T],
    timeout: int = TIMEOUT,
    *,
    private: bool = True,
) -> T:
    """`compute()`, kept for the cycle's present data version under the name `what`.

    Inside a transaction that bumped the cycle: kept on its connection (`private`), or
    computed each time. The version is read before the data: if a change commits in between,
    the entry filed under the old version holds newer data, which nobody reading the new
    version sees."""
    data, generation = state(cycle_id)
    name = f"traguardo:{what}:{data}"
    if generation is not None:
        if not private:
            return compute()
        return cast(T, _private(f"{name}:{generation}", compute))
    found = cache.get(name, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(name, found, timeout)
    return cast(T, found)


def scored(cycle_id: int, period: str, compute: Callable[[], Scored]) -> Scored:
    """The plan and its score (explanations in the reader's language) at `period`."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return kept(cycle_id, f"score:{period}:{language}", compute)


def _private(name: str, compute: Callable[[], object]) -> object:
    """Kept on the connection for as long as its transaction is open."""
    connection = transaction.get_connection()
    entries: OrderedDict[str, object] | None = getattr(connection, "traguardo_scores", None)
    if entries is None:
        entries = OrderedDict()
        connection.traguardo_scores = entries
    if name in entries:
        entries.move_to_end(name)
        return entries[name]
    found = entries[name] = compute()
    while len(entries) > PRIVATE_SIZE:
        entries.popitem(last=False)
    return found


def part(
    template: str, cycle_id: int, vary: Hashable, context: Callable[[], dict[str, Any]]
) -> SafeString:
    """`template` rendered with `context()`, or the copy kept for this data version."""
    # The script prefix too: a part's links carry the administration's code of the URL
    # it was rendered under (/tvbl/risultati/...), or none.
    what = repr((template, translation.get_language(), get_script_prefix(), vary))
    digest = hashlib.sha256(what.encode()).hexdigest()
    # Inside a transaction that bumped the cycle a part is rendered each time: its data may
    # change without a bump of their own (tests' QuerySet.update), and parts are cheap.
    html = kept(
        cycle_id,
        f"part:{digest}",
        lambda: render_to_string(template, context()),
        PART_TIMEOUT,
        private=False,
    )
    return SafeString(html)  # rendered by our own templates, autoescaped
