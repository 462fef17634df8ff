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

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

# Every model of these apps can change what `scoring.fetch` reads (units, objectives,
# indicators, targets, values, periods, cards, configuration). Also invalidating on the
# few that cannot (comments, evidence) costs one insert; forgetting one would serve stale
# scores.
SCORED_APPS = ("organisation", "plans", "monitoring", "individual")
KEEP_STAMPS = 50  # rows kept in the table; only the latest is ever read

_batch: ContextVar[list[bool] | None] = ContextVar("traguardo_score_batch", default=None)


def scores_changed() -> None:
    """Record that the data behind the scores changed (inside the caller's transaction)."""
    pending = _batch.get()
    if pending is not None:
        if not pending[0]:
            from traguardo.plans import versions

            # From the batch's first change its data differ from what the version names:
            # scores read meanwhile are neither served from nor filed in the shared cache.
            versions.bump_all()
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
