"""What a saved value changed: the figures of the plan before and after, by the core.

The indicator's degree, its objective's score, the results of the units that carry the
objective (sector, area) and the entity result are read from one scoring of the whole plan
at the period of the value (`score_cycle`, cached per state of the data).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from traguardo.core.explanation import Explanation
from traguardo.core.results import IndicatorScore, PlanScore
from traguardo.monitoring.models import Period
from traguardo.organisation.models import OrgUnit, OrgUnitKind
from traguardo.plans.models import Indicator
from traguardo.scoring.services import score_cycle


@dataclass(frozen=True)
class Figure:
    code: str  # the core's code, for its "why" page (reports:explain)
    label: str
    value: Decimal | None
    explanation: Explanation


@dataclass(frozen=True)
class Change:
    code: str
    label: str
    before: Decimal | None
    after: Decimal | None
    explanation: Explanation  # why the figure is what it is now

    @property
    def moved(self) -> bool:
        return self.before != self.after


def score_at(period: Period) -> PlanScore:
    return score_cycle(period.cycle, period=period.code)


def indicator_code(indicator: Indicator) -> str:
    """The core's key of an indicator: "2.1/1#2" (its row in the objective) or "B14"."""
    if indicator.objective is None:
        return f"B{indicator.number}"
    objective = indicator.objective
    ids = list(objective.indicators.order_by("number", "id").values_list("id", flat=True))
    return f"{objective.home_unit.code}/{objective.number}#{ids.index(indicator.pk) + 1}"


def _find_indicator(score: PlanScore, code: str) -> IndicatorScore | None:
    if code.startswith("B"):
        try:
            return score.entity_indicator(int(code[1:]))
        except KeyError:
            return None
    objective = score.objectives.get(code.partition("#")[0])
    if objective is None:
        return None
    return next((i for i in objective.indicators if i.key == code), None)


def figures(score: PlanScore, indicator: Indicator) -> list[Figure]:
    """The indicator, its objective, the units carrying it and the entity, in that order."""
    code = indicator_code(indicator)
    result: list[Figure] = []
    found = _find_indicator(score, code)
    if found is not None:
        result.append(
            Figure(
                code,
                _("Grado di realizzazione dell'indicatore %(code)s") % {"code": code},
                found.degree.value,
                found.explanation,
            )
        )
    if indicator.objective is not None:
        key = code.partition("#")[0]
        objective = score.objectives.get(key)
        if objective is not None:
            result.append(
                Figure(
                    key,
                    _("Obiettivo %(code)s") % {"code": key},
                    objective.performance,
                    objective.explanation,
                )
            )
        for unit_code in _unit_codes(indicator):
            try:
                unit = score.unit(unit_code)
            except KeyError:
                continue
            label = f"{OrgUnitKind(unit.kind.value).label} {unit.code} {unit.short}".strip()
            result.append(Figure(unit.code, label, unit.performance, unit.explanation))
    else:
        block = next(
            (b for b in score.entity.blocks if any(i.key == code for i in b.indicators)), None
        )
        if block is not None:
            result.append(
                Figure(
                    f"BLOCCO-{block.number}",
                    _("Blocco %(number)s (A)") % {"number": block.number},
                    block.achievement,
                    block.explanation,
                )
            )
    result.append(
        Figure("ENTE", _("Performance di Ente"), score.entity.performance, score.entity.explanation)
    )
    return result


def _unit_codes(indicator: Indicator) -> list[str]:
    """Codes of the units carrying the objective, then their ancestors (sector, area)."""
    assert indicator.objective is not None
    objective = indicator.objective
    units = [a.unit for a in objective.assignments.select_related("unit__parent")] or [
        objective.home_unit
    ]
    codes: list[str] = []
    for unit in units:
        chain: list[OrgUnit] = []
        current: OrgUnit | None = unit
        while current is not None:
            chain.append(current)
            current = current.parent
        for item in chain:
            if item.code not in codes:
                codes.append(item.code)
    return codes


def compare(before: list[Figure], after: list[Figure]) -> list[Change]:
    old = {f.code: f.value for f in before}
    return [Change(f.code, f.label, old.get(f.code), f.value, f.explanation) for f in after]
