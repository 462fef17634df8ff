"""The codes that identify a cycle's indicators in files: ``2.1/1#2`` and ``B14``.

``#n`` is the indicator's row within its objective (ordered by number, then creation),
exactly as the scoring fetch numbers it, so codes in files, in the results pages and in
``traguardo explain`` are the same. Allegato B indicators are ``B<number>``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from traguardo.plans import scope
from traguardo.plans.models import Cycle, Indicator, Target


def indicators_by_code(cycle: Cycle) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    rows: dict[int, int] = {}
    for indicator in (
        scope.indicators_of(cycle)
        .select_related("objective__home_unit", "objective__cycle", "entity_block__cycle")
        .order_by(
            "entity_block__number",
            "objective__home_unit__code",
            "objective__number",
            "number",
            "id",
        )
    ):
        if indicator.objective is not None:
            row = rows[indicator.objective.pk] = rows.get(indicator.objective.pk, 0) + 1
            out[f"{indicator.objective.code}#{row}"] = indicator
        else:
            out[f"B{indicator.number}"] = indicator
    return out


def cycle_targets(cycle: Cycle) -> QuerySet[Target]:
    """The targets of every indicator of the cycle (plans.scope: by indexed keys)."""
    return Target.objects.filter(scope.of_cycles(cycle, "indicator__"))
