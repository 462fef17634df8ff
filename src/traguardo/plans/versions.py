"""The per-cycle data version: what cached scores and page parts are keyed by.

A write service that changes anything a cycle's scores are computed from (plan, targets,
values, validations, units, report cards, SMVP settings) calls `bump()` inside its own
transaction. The `UPDATE ... SET data_version = data_version + 1` takes the cycle's row
lock, so on PostgreSQL two writers of one cycle are ordered: the version a reader sees was
committed together with the data it names.

A bump adds a random step, not 1: a transaction that bumps, scores and rolls back (a
preview, a failed import) must not leave a cached score under the number the next real
change will get (with +1 it would get the same one, and be served that score).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db.models import F, Max

from traguardo.plans.models import Cycle

STEP = 2**20  # a rolled-back version is reused by the next change once in a million


def bump(cycle_ids: Iterable[int], *, by: int | None = None) -> None:
    """A new, higher data version for these cycles (inside the caller's transaction)."""
    ids = sorted(set(cycle_ids))  # a fixed order: two writers never lock rows crosswise
    step = by if by is not None else 1 + secrets.randbelow(STEP)
    if ids:
        Cycle.objects.filter(pk__in=ids).update(data_version=F("data_version") + step)


def bump_entity(entity_id: int) -> None:
    """A new data version for every cycle of an entity (its units or people changed)."""
    bump(Cycle.objects.filter(entity_id=entity_id).values_list("pk", flat=True))


def bump_all(*, by: int | None = None) -> None:
    """Every cycle: for writers that do not know what they touched (a restored backup)."""
    bump(Cycle.objects.values_list("pk", flat=True), by=by)


def highest() -> int:
    """The highest data version of any cycle (0 without cycles)."""
    return int(Cycle.objects.aggregate(v=Max("data_version"))["v"] or 0)


def version_of(cycle_id: int) -> int:
    """The cycle's data version as committed now (0 for a cycle that is gone)."""
    found = Cycle.objects.filter(pk=cycle_id).values_list("data_version", flat=True).first()
    return int(found or 0)
