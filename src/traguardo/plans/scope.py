"""The indicators of a cycle, found by their own indexed keys.

An indicator belongs to its cycle through its operational objective or through its Allegato
B block. Written as `Q(objective__cycle=c) | Q(entity_block__cycle=c)`, the database joins
both owners with outer joins and, with an OR across them, can use no index: it reads every
administration's indicators (0,1-0,5 s a query with 200 administrations of the demo's size,
bench/tenants.py, issue 13). Here the cycle's objective and block ids are read first (two
index lookups) and the indicators are matched on `objective_id` / `entity_block_id`, which
are indexed: the cost no longer grows with the number of administrations.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective


def of_cycles(cycles: Cycle | Iterable[Cycle], through: str = "") -> Q:
    """Rows whose indicator belongs to `cycles` (one cycle or several): for Indicator
    itself, or for a model reaching it through `through` (e.g. `"indicator__"` for Target)."""
    ids = [cycles.pk] if isinstance(cycles, Cycle) else [c.pk for c in cycles]
    # .order_by(): ids only, in no particular order; the model's ordering would join the
    # units table (every administration's) to sort by their codes.
    objectives = list(
        OperationalObjective.objects.filter(cycle_id__in=ids)
        .order_by()
        .values_list("pk", flat=True)
    )
    blocks = list(
        EntityBlock.objects.filter(cycle_id__in=ids).order_by().values_list("pk", flat=True)
    )
    return Q(**{f"{through}objective_id__in": objectives}) | Q(
        **{f"{through}entity_block_id__in": blocks}
    )


def indicators_of(cycles: Cycle | Iterable[Cycle]) -> QuerySet[Indicator]:
    """The indicators of the objectives and blocks of `cycles`."""
    return Indicator.objects.filter(of_cycles(cycles))
