"""Scores computed once per state of the data, not once per page.

Every page that shows a figure needs the whole plan scored (the entity result depends on
every block, a sector's result on every objective of its units), and reading the plan from
the database costs more than scoring it. Each process keeps the last few `Plan`/`PlanScore`
pairs keyed by the cycle, the period and the latest `ScoreStamp`: any save or delete of a
model that feeds the scores writes a new stamp in the same transaction (signals below),
so a cached score is never served for data other than the one it was computed from.

Writes that send no signals (bulk_create, bulk_update, QuerySet.update, raw SQL: the
spreadsheet imports and the restore) call `scores_changed()` themselves; `batched()` turns
the one-stamp-per-row of a large load into one stamp at the end. With a shared cache
(TRAGUARDO_CACHE_URL) a score computed by one server process is read back by the others.

On PostgreSQL two transactions can commit in the opposite order of their stamps' numbers:
a score computed between the two commits would be filed under the newest stamp and served
without the change committed last, until the next change. So a transaction that saved a
change looks once it has committed, and writes one more stamp if its own is not the newest.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from traguardo.core.model import Plan
from traguardo.core.results import PlanScore
from traguardo.scoring.once import computed_once

# Every model of these apps can change what `scoring.fetch` reads (units, objectives,
# indicators, targets, values, periods, cards, configuration). Also invalidating on the
# few that cannot (comments, evidence) costs one insert; forgetting one would serve stale
# scores.
SCORED_APPS = ("organisation", "plans", "monitoring", "individual")
KEEP_STAMPS = 50  # rows kept in the table; only the latest is ever read
CACHE_SIZE = 8  # (cycle, period, language) entries kept per process

_batch: ContextVar[list[bool] | None] = ContextVar("traguardo_score_batch", default=None)
_lock = threading.Lock()
Key = tuple[int, str, str, str]  # cycle, period, stamp, language of the explanations
_entries: OrderedDict[Key, tuple[Plan, PlanScore]] = OrderedDict()
_computing: dict[Key, threading.Lock] = {}


def scores_changed() -> None:
    """Record that the data behind the scores changed (inside the caller's transaction)."""
    pending = _batch.get()
    if pending is not None:
        pending[0] = True
        return
    pk = _stamp()
    if not _in_signal.get():
        from traguardo.plans import versions

        versions.bump_all()  # interim: explicit callers (imports, restore) name no cycle
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    # One check after commit per transaction or savepoint (a rolled-back savepoint drops
    # its own callbacks), knowing the transaction's newest stamp.
    savepoints, registered = set(connection.savepoint_ids), False
    for sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _RestampAfterCommit):
            func.pk = max(func.pk, pk)
            registered = registered or sids == savepoints
    if not registered:
        transaction.on_commit(_RestampAfterCommit(pk))


def _stamp() -> int:
    from traguardo.scoring.models import ScoreStamp

    stamp = ScoreStamp.objects.create(token=uuid.uuid4().hex)
    if stamp.pk % KEEP_STAMPS == 0:
        ScoreStamp.objects.filter(pk__lte=stamp.pk - KEEP_STAMPS).delete()
    return int(stamp.pk)


class _RestampAfterCommit:
    """Once the transaction has committed: if a stamp numbered after its own committed
    first, write a new one (see the module's docstring). Usually its own is still the
    newest, and a second stamp would only make every page part be rendered twice."""

    def __init__(self, pk: int) -> None:
        self.pk = pk

    def __call__(self) -> None:
        from traguardo.scoring.models import ScoreStamp

        if ScoreStamp.objects.order_by("-id").values_list("id", flat=True).first() != self.pk:
            _stamp()


@contextmanager
def batched() -> Iterator[None]:
    """One stamp for the whole block instead of one per saved row."""
    if _batch.get() is not None:  # nested: the outer block writes the stamp
        yield
        return
    pending = [False]
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
        if pending[0]:
            scores_changed()


def current_stamp() -> str:
    from traguardo.scoring.models import ScoreStamp

    token = ScoreStamp.objects.values_list("token", flat=True).order_by("-id").first()
    if token is None:  # a new database: name its present state
        token = ScoreStamp.objects.create(token=uuid.uuid4().hex).token
    return token


def cached(
    cycle_id: int, period: str, compute: Callable[[], tuple[Plan, PlanScore]]
) -> tuple[Plan, PlanScore]:
    """The plan and its score for this state of the data, computed at most once."""
    # Read the stamp before the data: if a change commits in between, the entry is filed
    # under the old stamp (never read again) rather than newer data under an old name.
    pending = _batch.get()
    if pending is not None and pending[0]:
        # Inside a batch whose stamp is not written yet, the data no longer match the
        # latest stamp: compute without reading or filling the cache.
        return compute()
    # The explanations are written in the reader's language (core.i18n): one entry each.
    key = (cycle_id, period, current_stamp(), translation.get_language() or settings.LANGUAGE_CODE)
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


_in_signal: ContextVar[bool] = ContextVar("traguardo_score_in_signal", default=False)


def _changed(sender: Any, **kwargs: Any) -> None:
    # Interim, until every write service bumps the cycle's data version itself (issue 12):
    # the version of the cycle the saved row belongs to, or of every cycle.
    from traguardo.audit.registry import cycle_of
    from traguardo.plans import versions

    if _batch.get() is None:
        instance = kwargs.get("instance")
        cycle = cycle_of(instance) if isinstance(instance, Model) else None
        if cycle is not None:
            versions.bump([cycle.pk])
        else:
            versions.bump_all()
    token = _in_signal.set(True)
    try:
        scores_changed()
    finally:
        _in_signal.reset(token)


def connect_signals() -> None:
    for label in SCORED_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = f"traguardo.scoring.cache:{model._meta.label}"
            post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
                )
