"""What-if of an SMVP: the current plan scored with a candidate SMVP, beside today's figures.

Nothing is written: the plan the pages show (`scoring.services.plan_of`) is copied with the
candidate SMVP (`dataclasses.replace`, the core model is frozen) and scored by the core
engine; the "before" figures are the cycle's score as every page shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from traguardo.core.engine import score_plan
from traguardo.core.levels import LevelKey
from traguardo.core.model import Smvp, UnitKind
from traguardo.core.results import PlanScore
from traguardo.plans.models import Cycle
from traguardo.scoring.services import plan_of, score_cycle


@dataclass(frozen=True)
class Row:
    group: str
    code: str
    label: str
    before: Decimal | None
    after: Decimal | None

    @property
    def moved(self) -> bool:
        return self.before != self.after

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class Preview:
    rows: tuple[Row, ...]

    @property
    def moved(self) -> int:
        return sum(1 for row in self.rows if row.moved)

    def group(self, name: str) -> list[Row]:
        return [row for row in self.rows if row.group == name]


def preview(cycle: Cycle, candidate: Smvp) -> Preview:
    """Today's figures and the same plan's figures under `candidate`."""
    before = score_cycle(cycle)
    plan = plan_of(cycle)
    after = score_plan(replace(plan, smvp=candidate), explain=False)
    return Preview(tuple(_rows(before, after, candidate)))


def _level_rows(before: PlanScore, after: PlanScore, key: str, group: str) -> list[Row]:
    old = before.levels.get(key, {})
    new = after.levels.get(key, {})
    rows = []
    for code in list(old) + [c for c in new if c not in old]:
        node = new.get(code) or old[code]
        rows.append(
            Row(
                group,
                code,
                node.title,
                old[code].performance if code in old else None,
                new[code].performance if code in new else None,
            )
        )
    return rows


def _rows(before: PlanScore, after: PlanScore, candidate: Smvp) -> list[Row]:
    rows = [
        Row(
            _("Ente"),
            "ENTE",
            _("Performance organizzativa dell'ente"),
            before.entity.performance,
            after.entity.performance,
        )
    ]
    rows += _level_rows(before, after, LevelKey.STRATEGIC, _("Obiettivi strategici"))
    rows += _level_rows(before, after, LevelKey.ANNUAL, _("Obiettivi annuali"))
    new_units = {unit.code: unit for unit in after.units}
    for kind, group in ((UnitKind.AREA, _("Aree")), (None, _("Settori e uffici"))):
        for unit in before.units:
            if (unit.kind is UnitKind.AREA) != (kind is UnitKind.AREA):
                continue
            other = new_units.get(unit.code)
            rows.append(
                Row(
                    group,
                    unit.code,
                    unit.name,
                    unit.performance,
                    other.performance if other else None,
                )
            )
    known = {LevelKey.STRATEGIC, LevelKey.ANNUAL}
    labels = {level.key: level.label for level in candidate.levels}
    for key in list(before.levels) + [k for k in after.levels if k not in before.levels]:
        if key not in known:
            rows += _level_rows(before, after, key, labels.get(key, key))
    return rows
