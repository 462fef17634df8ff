"""The per-cycle data version: what cached scores and page parts are keyed by.

A write service that changes anything a cycle's scores are computed from (plan, targets,
values, validations, units, report cards, SMVP settings) calls `bump()` inside its own
transaction. The `UPDATE ... SET data_version = data_version + 1` takes the cycle's row
lock, so on PostgreSQL two writers of one cycle are ordered: the version a reader sees was
committed together with the data it names.

A bump that is rolled back (a failed import, a what-if preview, a test) un-bumps: the next
real change gets the same number again. So a figure computed inside a transaction that
bumped its cycle must never be filed under that number in a shared cache. The connection
remembers which cycles its open transaction bumped (`dirty()`), forgotten once it is
outside every atomic block; every bump also takes a new `generation`, a number that a
rollback does not give back, so a cache private to the transaction can tell apart two
states of the data that share a version number (scoring.score_cache).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Max

from traguardo.plans.models import Cycle

_generations = itertools.count(1)  # per process; `next()` on a count is thread-safe in CPython


class _Bumped:
    """What the open transaction of one connection bumped: cycle id → generation."""

    def __init__(self) -> None:
        self.cycles: dict[int, int] = {}


def _bumped() -> _Bumped | None:
    """The connection's record, emptied when it is outside every atomic block
    (None then: nothing is dirty)."""
    connection = transaction.get_connection()
    record: _Bumped | None = getattr(connection, "traguardo_bumped", None)
    if not connection.in_atomic_block:
        if record is not None and record.cycles:
            record.cycles.clear()
        return None
    if record is None:
        record = _Bumped()
        connection.traguardo_bumped = record
    return record


def bump(cycle_ids: Iterable[int], *, by: int = 1) -> None:
    """A new data version for these cycles (inside the caller's transaction)."""
    ids = sorted(set(cycle_ids))  # a fixed order: two writers never lock rows crosswise
    if not ids:
        return
    Cycle.objects.filter(pk__in=ids).update(data_version=F("data_version") + by)
    record = _bumped()
    if record is not None:  # outside a transaction the update has committed already
        generation = next(_generations)
        for pk in ids:
            record.cycles[pk] = generation


def bump_entity(entity_id: int) -> None:
    """A new data version for every cycle of an entity (its units or people changed)."""
    bump(Cycle.objects.filter(entity_id=entity_id).values_list("pk", flat=True))


def bump_all(*, by: int = 1) -> None:
    """Every cycle: for writers that do not know what they touched (a restored backup)."""
    bump(Cycle.objects.values_list("pk", flat=True), by=by)


def highest() -> int:
    """The highest data version of any cycle (0 without cycles): a restore moves the restored
    cycles past it, so that no entry cached before the restore names their data."""
    return int(Cycle.objects.aggregate(v=Max("data_version"))["v"] or 0)


def version_of(cycle_id: int) -> int:
    """The cycle's data version as this connection sees it now (0 for a cycle that is gone)."""
    found = Cycle.objects.filter(pk=cycle_id).values_list("data_version", flat=True).first()
    return int(found or 0)


def dirty(cycle_id: int) -> int | None:
    """The generation of the last bump of this cycle by the connection's open transaction,
    or None when the transaction has not bumped it (or there is no transaction): a version
    read while dirty may be given back by a rollback and reused by another change."""
    record = _bumped()
    return None if record is None else record.cycles.get(cycle_id)
