"""What-if: how a change to a target, a weight or a value would move the results.

The cycle is fetched into the core's plain data (`scoring.fetch.fetch_plan`), the change is
applied in memory to that frozen model, and both versions are scored by the core engine.
Nothing is written to the database: the editor shows the figures and saves only once the
user confirms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from traguardo.core import model as core
from traguardo.core.engine import score_plan
from traguardo.core.results import PlanScore
from traguardo.plans.models import Cycle, EntityBlock, Indicator
from traguardo.scoring.services import plan_of, score_cycle


@dataclass(frozen=True)
class Change:
    """What would change; None leaves the current value."""

    target: str | None = None
    weight: Decimal | None = None
    value: str | None = None


@dataclass(frozen=True)
class Figure:
    label: str
    before: Decimal | None
    after: Decimal | None

    @property
    def moved(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class WhatIf:
    figures: tuple[Figure, ...]
    before: PlanScore
    after: PlanScore

    @property
    def entity(self) -> Figure:
        return self.figures[0]


def indicator_key(indicator: Indicator) -> str:
    """The key fetch_plan gives the indicator: "<objective>#<row>" or "B<number>"."""
    if indicator.entity_block_id is not None:
        return f"B{indicator.number}"
    assert indicator.objective is not None
    ids = list(
        Indicator.objects.filter(objective_id=indicator.objective_id)
        .order_by("number", "id")
        .values_list("id", flat=True)
    )
    return f"{indicator.objective.code}#{ids.index(indicator.pk) + 1}"


def _changed(ind: core.Indicator, change: Change) -> core.Indicator:
    return replace(
        ind,
        target=ind.target if change.target is None else change.target,
        weight=ind.weight if change.weight is None else change.weight,
        value=ind.value if change.value is None else change.value,
    )


def apply_indicator_change(plan: core.Plan, key: str, change: Change) -> core.Plan:
    """A copy of `plan` with the indicator `key` changed (the core model is frozen)."""
    found = False

    def patch(indicators: tuple[core.Indicator, ...]) -> tuple[core.Indicator, ...]:
        nonlocal found
        out = []
        for ind in indicators:
            if ind.key == key:
                found = True
                ind = _changed(ind, change)
            out.append(ind)
        return tuple(out)

    blocks = tuple(replace(b, indicators=patch(b.indicators)) for b in plan.blocks)
    objectives = tuple(replace(o, indicators=patch(o.indicators)) for o in plan.objectives)
    if not found:
        raise KeyError(key)
    return replace(plan, blocks=blocks, objectives=objectives)


def apply_block_weight(plan: core.Plan, number: int, weight: Decimal) -> core.Plan:
    blocks = tuple(replace(b, weight=weight) if b.number == number else b for b in plan.blocks)
    return replace(plan, blocks=blocks)


def _unit_chain(plan: core.Plan, code: str) -> list[str]:
    parents = {u.code: u.parent for u in plan.units}
    chain: list[str] = []
    current: str | None = code
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def _compare(before: PlanScore, after: PlanScore, plan: core.Plan, indicator: str) -> WhatIf:
    figures = [
        Figure(_("Performance dell'ente"), before.entity.performance, after.entity.performance)
    ]
    if indicator.startswith("B"):
        number = int(indicator[1:])
        b_ind, a_ind = before.entity_indicator(number), after.entity_indicator(number)
        figures.append(
            Figure(
                _("Grado dell'indicatore %(key)s") % {"key": indicator},
                b_ind.degree.value,
                a_ind.degree.value,
            )
        )
        for b_block, a_block in zip(before.entity.blocks, after.entity.blocks, strict=True):
            if any(i.number == number for i in b_block.indicators):
                figures.append(
                    Figure(
                        _("Blocco %(n)s: A") % {"n": b_block.number},
                        b_block.achievement,
                        a_block.achievement,
                    )
                )
                figures.append(
                    Figure(
                        _("Blocco %(n)s: A×B") % {"n": b_block.number},
                        b_block.result,
                        a_block.result,
                    )
                )
    else:
        objective_key = indicator.partition("#")[0]
        b_obj, a_obj = before.objectives[objective_key], after.objectives[objective_key]
        b_ind = next(i for i in b_obj.indicators if i.key == indicator)
        a_ind = next(i for i in a_obj.indicators if i.key == indicator)
        figures.append(
            Figure(
                _("Grado dell'indicatore %(key)s") % {"key": indicator},
                b_ind.degree.value,
                a_ind.degree.value,
            )
        )
        figures.append(
            Figure(
                _("Obiettivo %(code)s") % {"code": objective_key},
                b_obj.performance,
                a_obj.performance,
            )
        )
        home = next(o.unit for o in plan.objectives if o.key == objective_key)
        for code in _unit_chain(plan, home):
            b_unit, a_unit = before.unit(code), after.unit(code)
            figures.append(
                Figure(
                    _("Unità %(code)s") % {"code": b_unit.short or code},
                    b_unit.performance,
                    a_unit.performance,
                )
            )
    return WhatIf(tuple(figures), before, after)


def preview_indicator(cycle: Cycle, indicator: Indicator, change: Change) -> WhatIf:
    plan = plan_of(cycle)
    key = indicator_key(indicator)
    changed = apply_indicator_change(plan, key, change)
    before = score_cycle(cycle)
    after = score_plan(changed, explain=False)
    return _compare(before, after, plan, key)


def preview_block_weight(cycle: Cycle, block: EntityBlock, weight: Decimal) -> WhatIf:
    plan = plan_of(cycle)
    before = score_cycle(cycle)
    after = score_plan(apply_block_weight(plan, block.number, weight), explain=False)
    b_block = next(b for b in before.entity.blocks if b.number == block.number)
    a_block = next(b for b in after.entity.blocks if b.number == block.number)
    figures = (
        Figure(_("Performance dell'ente"), before.entity.performance, after.entity.performance),
        Figure(_("Blocco %(n)s: A×B") % {"n": block.number}, b_block.result, a_block.result),
    )
    return WhatIf(figures, before, after)
