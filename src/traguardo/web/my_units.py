"""The reader's own units on the dashboard: their result, what is off target, what is missing.

The rest of the dashboard is the same for every reader; this short table is the only part
that depends on who reads it. It is kept per data version and set of units like the rest
(scoring.score_cache.part), so it is computed once per reader's set, not once per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass

from traguardo.core.results import PlanScore, UnitScore
from traguardo.organisation.selectors import unit_tree
from traguardo.plans.models import Cycle
from traguardo.scoring.score_cache import kept
from traguardo.web import selectors

# Period code → unit id → (indicators expected, indicators still without a value).
Owed = dict[str, dict[int, tuple[frozenset[int], frozenset[int]]]]


@dataclass(frozen=True)
class Missing:
    period: str  # "30.06"
    closed: bool
    missing: int
    expected: int


@dataclass(frozen=True)
class MyUnit:
    unit: UnitScore
    pk: int
    is_area: bool
    off_target: int
    missing: list[Missing]


Periods = list[tuple[str, bool]]  # code, closed


def _summary(periods: list[selectors.PeriodCompleteness]) -> tuple[Periods, Owed]:
    owed: Owed = {
        p.period.code: {
            row.unit_id: (frozenset(row.expected_ids), frozenset(i.pk for i in row.missing))
            for row in p.units
        }
        for p in periods
    }
    return [(p.period.code, p.period.closed) for p in periods], owed


def owed_by_unit(cycle: Cycle) -> tuple[Periods, Owed]:
    """The periods and, per unit, what it owes: read once per data version for all the
    readers' tables, not once per reader."""
    return kept(cycle.pk, "owed", lambda: _summary(selectors.completeness(cycle)))


def my_units(cycle: Cycle, score: PlanScore, mine_ids: Set[int]) -> list[MyUnit]:
    """The areas and sectors among the reader's units, in the plan's order.

    Empty when the reader heads no unit, or every one of them: the tables below are then
    theirs already."""
    units = unit_tree(cycle.entity_id)
    ids_by_code = {code: uid for uid, code in units.codes.items()}
    shown = [u for row in selectors.areas_and_sectors(score) for u in row.units]
    mine = [u for u in shown if ids_by_code.get(u.code) in mine_ids]
    if len(mine) == len(shown):
        return []
    off_by_code: dict[str, int] = defaultdict(int)
    for row in selectors.off_target(score):
        if row.objective_key:  # the entity's own indicators belong to no unit
            off_by_code[row.objective_key.partition("/")[0]] += 1
    periods, owed = owed_by_unit(cycle)
    result = []
    for unit in mine:
        subtree = units.below([ids_by_code[unit.code]])
        missing = []
        for code, closed in periods:
            expected: set[int] = set()
            still: set[int] = set()
            for uid in subtree & owed[code].keys():
                expected |= owed[code][uid][0]
                still |= owed[code][uid][1]
            missing.append(Missing(code, closed, len(still), len(expected)))
        result.append(
            MyUnit(
                unit,
                ids_by_code[unit.code],
                unit.kind.value == "area",
                sum(off_by_code[units.codes[uid]] for uid in subtree),
                missing,
            )
        )
    return result
