"""The performance tree of a cycle, filtered: strategic → annual → operational → indicators.

Filters come from the query string, so a filtered view is a link anyone can share.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict

from traguardo.core.results import ObjectiveScore, PlanScore
from traguardo.organisation.models import OrgUnit
from traguardo.organisation.selectors import unit_tree
from traguardo.plans.models import Cycle, ObjectiveAssignment, OperationalObjective
from traguardo.web.selectors import HUNDRED, is_off_target

TRUE = ("1", "on", "true", "si", "sì")


@dataclass
class TreeFilters:
    unit: OrgUnit | None = None
    art67: bool = False
    biennial: bool = False
    revised: bool = False
    off_target: bool = False
    unit_choices: list[OrgUnit] = field(default_factory=list)
    # The ~600 indicator lines of a whole plan are shown on request (or when a unit or
    # «sotto il target» narrows the tree): the page stays short, each objective's count of
    # indicators below target says where to look, its page lists them all.
    indicators: bool = False

    @classmethod
    def from_query(cls, query: QueryDict, cycle: Cycle) -> TreeFilters:
        # The units' ids first, then the units by key: joined, the database reads every
        # administration's units (bench/tenants.py).
        assigned = set(
            ObjectiveAssignment.objects.filter(cycle=cycle)
            .order_by()
            .values_list("unit_id", flat=True)
        )
        choices = list(OrgUnit.objects.filter(pk__in=assigned))
        # areas hold no objective of their own but filter their sectors' objectives
        area_ids = {u.parent_id for u in choices if u.parent_id is not None}
        known = [u.id for u in choices]
        choices += list(OrgUnit.objects.filter(id__in=area_ids).exclude(id__in=known))
        choices.sort(key=lambda u: code_key(u.code))
        wanted = query.get("unit", "").strip()
        unit = next((u for u in choices if str(u.pk) == wanted), None)

        def flag(name: str) -> bool:
            return query.get(name, "").strip().lower() in TRUE

        return cls(
            unit,
            flag("art67"),
            flag("biennial"),
            flag("revised"),
            flag("off"),
            choices,
            flag("ind"),
        )

    @property
    def active(self) -> bool:
        return bool(self.unit or self.art67 or self.biennial or self.revised or self.off_target)

    @property
    def show_indicators(self) -> bool:
        return self.indicators or self.unit is not None or self.off_target


def _objective_off(score: ObjectiveScore | None) -> bool:
    if score is None:
        return False
    if score.performance is not None and score.performance < HUNDRED:
        return True
    return any(is_off_target(i) for i in score.indicators)


def matching_objectives(
    cycle: Cycle, score: PlanScore, filters: TreeFilters
) -> list[OperationalObjective]:
    # The units apart (an IN list on their key) and the order made here: joined and sorted
    # in the query, the database reads every administration's units (bench/tenants.py).
    objectives = (
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("revised_by")
        .prefetch_related("home_unit", "annual_objectives")
        .order_by()
    )
    if filters.unit is not None:
        ids = ObjectiveAssignment.objects.filter(
            cycle=cycle, unit_id__in=unit_tree(cycle.entity_id).below([filters.unit.pk])
        ).values_list("objective_id", flat=True)
        objectives = objectives.filter(id__in=ids)
    if filters.art67:
        art67_ids = OperationalObjective.objects.filter(cycle=cycle, indicators__art67=True)
        objectives = objectives.filter(art67_scheda__isnull=False) | objectives.filter(
            id__in=art67_ids.values("id")
        )
    if filters.biennial:
        objectives = objectives.filter(biennial_of__isnull=False)
    if filters.revised:
        objectives = objectives.filter(revised_by__isnull=False)
    # Codes as numbers: 1.2 before 1.10.
    result = sorted(objectives.distinct(), key=lambda o: (code_key(o.home_unit.code), o.number))
    if filters.off_target:
        result = [o for o in result if _objective_off(score.objectives.get(o.code))]
    return result


def code_key(code: str) -> list[tuple[int, int, str]]:
    """A unit code sorted as people number it: "2.10" after "2.9", numbers before names."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split(".")]


@dataclass(frozen=True)
class IndicatorLine:
    number: int
    name: str
    key: str  # the code reports:explain understands, "2.1/1#2"
    degree: Decimal | None
    off: bool
    formula: str


@dataclass(frozen=True)
class TreeRow:
    """Everything an objective's row prints, as plain values."""

    pk: int
    code: str
    title: str
    performance: Decimal | None
    off: bool
    art67_scheda: int | None
    biennial_year: int | None
    biennial_of: int | None
    revision: int | None
    indicators: tuple[IndicatorLine, ...]

    @property
    def off_count(self) -> int:
        return sum(1 for line in self.indicators if line.off)


def _row(objective: OperationalObjective, score: ObjectiveScore | None) -> TreeRow:
    return TreeRow(
        pk=objective.pk,
        code=objective.code,
        title=objective.title,
        performance=score.performance if score else None,
        off=_objective_off(score),
        art67_scheda=objective.art67_scheda,
        biennial_year=objective.biennial_year,
        biennial_of=objective.biennial_of,
        revision=objective.revised_by.number if objective.revised_by else None,
        indicators=tuple(
            IndicatorLine(
                ind.number,
                ind.name,
                ind.key,
                ind.degree.value,
                is_off_target(ind),
                ind.explanation.formula,
            )
            for ind in (score.indicators if score else ())
        ),
    )


def build_tree(
    cycle: Cycle, score: PlanScore, filters: TreeFilters
) -> tuple[list[dict[str, Any]], int]:
    """The branches holding at least one matching objective, and how many objectives match."""
    objectives = matching_objectives(cycle, score, filters)
    by_annual: dict[int | None, list[TreeRow]] = defaultdict(list)
    for objective in objectives:
        row = _row(objective, score.objectives.get(objective.code))
        annual_ids: list[int | None] = [a.id for a in objective.annual_objectives.all()]
        for annual_id in annual_ids or [None]:
            by_annual[annual_id].append(row)
    nodes = []
    strategic_qs = cycle.strategic_objectives.prefetch_related("annual_objectives")
    for strategic in strategic_qs.order_by("code"):
        branches = [
            {"annual": annual, "objectives": by_annual[annual.id]}
            for annual in sorted(strategic.annual_objectives.all(), key=lambda a: a.code)
            if by_annual.get(annual.id) or not filters.active
        ]
        if branches:
            nodes.append({"strategic": strategic, "annual": branches})
    if by_annual.get(None):
        loose = [{"annual": None, "objectives": by_annual[None]}]
        nodes.append({"strategic": None, "annual": loose})
    return nodes, len(objectives)
