"""Scores computed once per state of the data, not once per page.

Every page that shows a figure needs the whole plan scored (the entity result depends on
every block, a sector's result on every objective of its units), and reading the plan from
the database costs more than scoring it. Each process keeps the last few `Plan`/`PlanScore`
pairs keyed by the cycle, the period and the cycle's `data_version`: every write service
bumps the version of the cycles it changed (`plans.versions.bump`) in the same transaction,
so a cached score is never served for data other than the one it was computed from. With a
shared cache (TRAGUARDO_CACHE_URL) a score computed by one server process is read back by
the others.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import translation

from traguardo.core.model import Plan
from traguardo.core.results import PlanScore
from traguardo.scoring.once import computed_once

CACHE_SIZE = 8  # (cycle, period, language) entries kept per process

_lock = threading.Lock()
Key = tuple[int, str, str, str]  # cycle, period, data version, language of the explanations
_entries: OrderedDict[Key, tuple[Plan, PlanScore]] = OrderedDict()
_computing: dict[Key, threading.Lock] = {}


def current_stamp() -> str:
    """A token that changes whenever any cycle's data version does (interim: the page
    parts still keyed by one global token until they are keyed per cycle)."""
    from traguardo.plans.models import Cycle

    found = Cycle.objects.aggregate(n=Count("pk"), last=Max("pk"), v=Sum("data_version"))
    return f"{found['n']}:{found['last'] or 0}:{found['v'] or 0}"


def cached(
    cycle_id: int, period: str, compute: Callable[[], tuple[Plan, PlanScore]]
) -> tuple[Plan, PlanScore]:
    """The plan and its score for this state of the data, computed at most once."""
    from traguardo.plans import versions

    # Read the version before the data: if a change commits in between, the entry is filed
    # under the old version (never read again) rather than newer data under an old name.
    # The explanations are written in the reader's language (core.i18n): one entry each.
    version = str(versions.version_of(cycle_id))
    key = (cycle_id, period, version, translation.get_language() or settings.LANGUAGE_CODE)
    with _lock:
        hit = _entries.get(key)
        if hit is not None:
            _entries.move_to_end(key)
            return hit
        computing = _computing.setdefault(key, threading.Lock())
    # One computation per key: the threads of a server process that ask for the same
    # state at once wait for the first instead of each scoring the plan.
    with computing:
        with _lock:
            hit = _entries.get(key)
        if hit is not None:
            return hit
        try:
            value = _shared(key, compute)
            with _lock:
                _entries[key] = value
                while len(_entries) > CACHE_SIZE:
                    _entries.popitem(last=False)
        finally:
            with _lock:
                _computing.pop(key, None)
    return value


def _shared_key(key: Key) -> str:
    cycle_id, period, stamp, language = key
    return f"traguardo:score:{cycle_id}:{period}:{stamp}:{language}"


def _shared(key: Key, compute: Callable[[], tuple[Plan, PlanScore]]) -> tuple[Plan, PlanScore]:
    """With a shared cache (TRAGUARDO_CACHE_URL), the score is computed by one server
    process and read back by the others: unpickling costs a fraction of fetching and
    scoring, and the processes that miss together wait for the first instead of all
    scoring the same state."""
    if not settings.TRAGUARDO_CACHE_URL:
        return compute()
    return computed_once(_shared_key(key), compute, 3600)


def clear() -> None:
    with _lock:
        _entries.clear()
