"""What the OIV workspace shows: the checklist matrix and the target-challenge analysis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from traguardo.core.challenge import Finding, TargetActual, analyse
from traguardo.monitoring import target_history
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.target_history import TargetChange
from traguardo.oiv.models import Criterion, EvidenceSample, Outcome, ValidationCheck
from traguardo.organisation.models import OrgUnit
from traguardo.plans import scope
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective, Target


@dataclass(frozen=True)
class Cell:
    """The outcome of one criterion for one line, and the start of its note."""

    outcome: str
    note: str

    @property
    def label(self) -> str:
        return str(Outcome(self.outcome).label)  # in the reader's language, when rendered


@dataclass(frozen=True)
class Row:
    """A line of the matrix: the Relazione as a whole, an Allegato B block or an objective."""

    scope: str  # "relazione", "blocco", "obiettivo"
    pk: int
    code: str
    title: str
    cells: tuple[Cell | None, ...] = ()
    # What to check first: an overridden figure, a deviation from a published figure
    # (scoring.adjustments.flags).
    flags: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return all(c is not None and c.outcome != Outcome.PENDING for c in self.cells)


NOTE_SHOWN = 60  # characters of a note printed in the matrix


def matrix(cycle: Cycle) -> list[Row]:
    checks: dict[tuple[str, int], dict[str, Cell]] = {}
    for objective_id, block_id, criterion, outcome, note in ValidationCheck.objects.filter(
        cycle=cycle
    ).values_list("objective_id", "entity_block_id", "criterion", "outcome", "note"):
        if objective_id is not None:
            key = ("obiettivo", objective_id)
        elif block_id is not None:
            key = ("blocco", block_id)
        else:
            key = ("relazione", 0)
        # A little more than is shown: the template cuts it with its ellipsis.
        checks.setdefault(key, {})[criterion] = Cell(outcome, note[: NOTE_SHOWN + 1])
    lines = [("relazione", 0, "", "")]
    lines += [
        ("blocco", pk, f"B{number}", heading)
        for pk, number, heading in EntityBlock.objects.filter(cycle=cycle)
        .order_by("number")
        .values_list("pk", "number", "heading")
    ]
    # The units' codes apart (the administration's units, by its indexed key): joined in the
    # query, the database reads every administration's units (bench/tenants.py, issue 13).
    codes = dict(OrgUnit.objects.filter(entity_id=cycle.entity_id).values_list("pk", "code"))
    objectives = sorted(
        OperationalObjective.objects.filter(cycle=cycle, replaced_by=None)
        .order_by()  # the model's ordering joins the units too
        .values_list("pk", "home_unit_id", "number", "title"),
        key=lambda row: (codes.get(row[1], ""), row[2]),
    )
    lines += [
        ("obiettivo", pk, f"{codes.get(unit, '')}/{number}", title)
        for pk, unit, number, title in objectives
    ]
    return [
        Row(scope, pk, code, title, tuple(checks.get((scope, pk), {}).get(c) for c in Criterion))
        for scope, pk, code, title in lines
    ]


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
        scope.of_cycles(cycle, "indicator__"),
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


@dataclass(frozen=True)
class RevisedTarget:
    """An indicator whose target for the cycle's year a revision changed after its value
    was known: the OIV judges whether the revision was legitimate (LG 5/2019)."""

    key: str
    label: str
    changes: list[TargetChange]

    @property
    def easier(self) -> bool:
        return any(c.easier for c in self.changes if c.after_value)


def revised_after_value(cycle: Cycle) -> list[RevisedTarget]:
    indicators = scope.indicators_of(cycle).select_related("entity_block", "objective__home_unit")
    by_id = {i.pk: i for i in indicators}
    found = []
    for indicator_id, changes in target_history.history(by_id, cycle.year).items():
        if any(c.after_value for c in changes):
            indicator = by_id[indicator_id]
            found.append(RevisedTarget(indicator_key(indicator), indicator.name, changes))
    order = {i.pk: _indicator_order(i) for i in by_id.values()}
    keys = {indicator_key(i): order[i.pk] for i in by_id.values()}
    return sorted(found, key=lambda r: keys[r.key])


def evidence(cycle: Cycle) -> list[EvidenceSample]:
    return list(
        EvidenceSample.objects.filter(cycle=cycle).select_related(
            "indicator__entity_block", "indicator__objective__home_unit", "checked_by"
        )
    )
