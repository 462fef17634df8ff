"""An indicator across the yearly cycles: the values of the indicators of the same lineage
(`Indicator.lineage`, kept by the carry-forward) in the administration's earlier cycles.

For each earlier year: the value at 31.12 (the final period), the degree of achievement
against that year's target, and the target itself. Read by the indicator's monitoring page
(a table and a sparkline) and by the Relazione's indicator annex.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from traguardo.core.rules import Degree
from traguardo.monitoring.degrees import Grader
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans import scope
from traguardo.plans.models import Cycle, Indicator


@dataclass(frozen=True)
class YearValue:
    """One year of an indicator: its final value (None: not entered), degree and target."""

    year: int
    indicator: Indicator
    target: str
    value: str | None
    number: Decimal | None
    degree: Degree | None

    @property
    def degree_value(self) -> Decimal | None:
        return self.degree.value if self.degree is not None else None


def _cycle(indicator: Indicator) -> Cycle:
    owner = indicator.objective or indicator.entity_block
    assert owner is not None
    return owner.cycle


def earlier_twins(indicator: Indicator, cycle: Cycle) -> list[tuple[Cycle, Indicator]]:
    """The indicators of the same lineage in the entity's cycles before `cycle`, oldest first
    (the current version in each: not one replaced by a revision)."""
    twins = (
        Indicator.objects.filter(lineage=indicator.lineage, replaced_by__isnull=True)
        .filter(
            Q(objective__cycle__entity_id=cycle.entity_id, objective__cycle__year__lt=cycle.year)
            | Q(
                entity_block__cycle__entity_id=cycle.entity_id,
                entity_block__cycle__year__lt=cycle.year,
            )
        )
        .exclude(pk=indicator.pk)
        .select_related("objective__cycle", "entity_block__cycle")
        .prefetch_related("targets")
    )
    found: dict[int, tuple[Cycle, Indicator]] = {}
    for twin in twins:
        owner = _cycle(twin)
        found.setdefault(owner.year, (owner, twin))
    return [found[year] for year in sorted(found)]


def year_value(indicator: Indicator, cycle: Cycle) -> YearValue:
    """The indicator's final value in its own cycle, with degree and target."""
    final = Measurement.objects.filter(
        indicator=indicator, period__cycle=cycle, period__code=Period.Code.FINAL
    ).first()
    return _row(indicator, cycle, Grader.for_cycle(cycle), final)


def _row(
    indicator: Indicator, cycle: Cycle, grader: Grader, final: Measurement | None
) -> YearValue:
    target = next((t.text for t in indicator.targets.all() if t.year == cycle.year), "")
    return YearValue(
        year=cycle.year,
        indicator=indicator,
        target=target,
        value=final.text if final else None,
        number=final.number if final else None,
        degree=grader.degree(indicator, final.text, target) if final else None,
    )


def previous_years(indicator: Indicator, cycle: Cycle) -> list[YearValue]:
    """The indicator's values in the administration's earlier cycles, oldest first
    (empty when it has no earlier cycle: a new indicator, or the first cycle)."""
    return [year_value(twin, owner) for owner, twin in earlier_twins(indicator, cycle)]


def previous_years_of_cycle(cycle: Cycle) -> dict[uuid.UUID, list[YearValue]]:
    """Every indicator of `cycle` with earlier years, by lineage (oldest year first), read
    in a few queries (the Relazione's annex); empty when the cycle is the first one."""
    earlier = list(Cycle.objects.filter(entity_id=cycle.entity_id, year__lt=cycle.year))
    if not earlier:
        return {}
    lineages = (
        scope.indicators_of(cycle)
        .filter(replaced_by__isnull=True)
        .values_list("lineage", flat=True)
    )
    twins = list(
        Indicator.objects.filter(lineage__in=list(lineages), replaced_by__isnull=True)
        .filter(scope.of_cycles(earlier))
        .select_related("objective__cycle", "entity_block__cycle")
        .prefetch_related("targets")
    )
    finals = {
        m.indicator_id: m
        for m in Measurement.objects.filter(
            indicator__in=twins, period__code=Period.Code.FINAL
        ).select_related("period")
    }
    graders = {c.pk: Grader.for_cycle(c) for c in earlier}
    found: dict[uuid.UUID, dict[int, YearValue]] = {}
    for twin in twins:
        owner = _cycle(twin)
        final = finals.get(twin.pk)
        if final is not None and final.period.cycle_id != owner.pk:
            final = None
        row = _row(twin, owner, graders[owner.pk], final)
        found.setdefault(twin.lineage, {}).setdefault(owner.year, row)
    return {lineage: [rows[y] for y in sorted(rows)] for lineage, rows in found.items()}
