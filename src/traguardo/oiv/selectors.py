"""What the OIV workspace shows: the checklist matrix and the target-challenge analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from traguardo.core.challenge import Finding, TargetActual, analyse
from traguardo.monitoring.models import Measurement, Period
from traguardo.oiv.models import Criterion, EvidenceSample, Outcome, ValidationCheck
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective, Target


@dataclass
class Row:
    """A line of the matrix: the Relazione as a whole, an Allegato B block or an objective."""

    scope: str  # "relazione", "blocco", "obiettivo"
    pk: int
    code: str
    title: str
    cells: list[ValidationCheck | None] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return all(c is not None and c.outcome != Outcome.PENDING for c in self.cells)


def matrix(cycle: Cycle) -> list[Row]:
    checks: dict[tuple[str, int], dict[str, ValidationCheck]] = {}
    for check in ValidationCheck.objects.filter(cycle=cycle):
        if check.objective_id is not None:
            key = ("obiettivo", check.objective_id)
        elif check.entity_block_id is not None:
            key = ("blocco", check.entity_block_id)
        else:
            key = ("relazione", 0)
        checks.setdefault(key, {})[check.criterion] = check
    rows = [Row("relazione", 0, "", "")]
    rows += [
        Row("blocco", b.pk, f"B{b.number}", b.heading)
        for b in EntityBlock.objects.filter(cycle=cycle).order_by("number")
    ]
    objectives = OperationalObjective.objects.filter(cycle=cycle, replaced_by=None)
    rows += [
        Row("obiettivo", o.pk, o.code, o.title)
        for o in objectives.select_related("home_unit").order_by("home_unit__code", "number")
    ]
    for row in rows:
        found = checks.get((row.scope, row.pk), {})
        row.cells = [found.get(c.value) for c in Criterion]
    return rows


def progress(rows: list[Row]) -> tuple[int, int]:
    cells = [c for r in rows for c in r.cells]
    return sum(1 for c in cells if c is not None and c.outcome != Outcome.PENDING), len(cells)


def indicator_key(indicator: Indicator) -> str:
    if indicator.entity_block is not None:
        return f"B{indicator.number}"
    assert indicator.objective is not None
    return f"{indicator.objective.code}#{indicator.number}"


def _final_values(cycle: Cycle) -> dict[int, str]:
    """The final (31.12) value of each indicator of the cycle, as written."""
    final = Period.objects.filter(cycle=cycle, code=Period.Code.FINAL).first()
    if final is None:
        return {}
    return {
        m.indicator_id: m.text or (str(m.number) if m.number is not None else "")
        for m in Measurement.objects.filter(period=final)
    }


def _previous_values(cycle: Cycle) -> dict[str, str]:
    """The previous year's final values, by indicator key ("B2", "2.1/1#1")."""
    previous = Cycle.objects.filter(entity_id=cycle.entity_id, year=cycle.year - 1).first()
    if previous is None:
        return {}
    values = _final_values(previous)
    indicators = Indicator.objects.filter(pk__in=values).select_related(
        "entity_block", "objective__home_unit"
    )
    return {indicator_key(i): values[i.pk] for i in indicators if values[i.pk]}


def challenge_items(cycle: Cycle) -> list[TargetActual]:
    """Every numeric target from the cycle's year on, with the actual values to compare.

    The targets of the cycle's year are compared with the previous cycle's final value of
    the same indicator (same key), when there is one; every target (this year's and the
    following years' of the three-year plan) with this cycle's final value.
    """
    actuals = _final_values(cycle)
    previous = _previous_values(cycle)
    targets = Target.objects.filter(
        Q(indicator__objective__cycle=cycle) | Q(indicator__entity_block__cycle=cycle),
        year__gte=cycle.year,
    )
    by_indicator: dict[int, list[Any]] = {}
    for target in targets:
        by_indicator.setdefault(target.indicator_id, []).append(target)
    indicators = Indicator.objects.filter(pk__in=by_indicator).select_related(
        "entity_block", "objective__home_unit"
    )
    items: list[TargetActual] = []
    for indicator in sorted(indicators, key=_indicator_order):
        key = indicator_key(indicator)
        ordered = sorted(by_indicator[indicator.pk], key=lambda t: t.year)
        earlier = previous.get(key, "")
        for target in ordered:
            if earlier and target.year == cycle.year:
                items.append(
                    TargetActual(
                        key, indicator.name, target.year, target.text, cycle.year - 1, earlier
                    )
                )
        actual = actuals.get(indicator.pk, "")
        if not actual:
            continue
        for target in ordered:
            items.append(
                TargetActual(key, indicator.name, target.year, target.text, cycle.year, actual)
            )
    return items


def _indicator_order(indicator: Indicator) -> tuple[int, str, int]:
    if indicator.entity_block is not None:
        return (0, f"{indicator.entity_block.number:04d}", indicator.number)
    assert indicator.objective is not None
    return (1, indicator.objective.code, indicator.number)


def challenge(cycle: Cycle, margin: Decimal) -> list[Finding]:
    return analyse(challenge_items(cycle), margin)


def evidence(cycle: Cycle) -> list[EvidenceSample]:
    return list(
        EvidenceSample.objects.filter(cycle=cycle).select_related(
            "indicator__entity_block", "indicator__objective__home_unit", "checked_by"
        )
    )
