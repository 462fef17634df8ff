"""The editor's filter of operational objectives: by unit, by code or words of the title.

Applied on the server to the query (`?unita=<unit id>&q=<text>`), so that the editor of a
110-objective plan can show only the objectives someone is working on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, ObjectiveAssignment, OperationalObjective

CODE = re.compile(r"^\s*(?P<unit>[\w.]+)\s*/\s*(?P<number>\d+)\s*$")


@dataclass(frozen=True)
class ObjectiveFilter:
    unit: OrgUnit | None = None
    query: str = ""

    @property
    def active(self) -> bool:
        return self.unit is not None or bool(self.query)


def units(cycle: Cycle) -> QuerySet[OrgUnit]:
    """The units the filter offers: those with an objective of the cycle, and their areas."""
    with_objectives = set(
        ObjectiveAssignment.objects.filter(cycle=cycle).values_list("unit_id", flat=True)
    )
    parents = set(
        OrgUnit.objects.filter(pk__in=with_objectives, parent__isnull=False)
        .values_list("parent_id", flat=True)
    )
    return OrgUnit.objects.filter(pk__in=with_objectives | parents).order_by("code")


def parse(cycle: Cycle, unit_text: str | None, query: str | None) -> ObjectiveFilter:
    """The filter from the GET parameters; an unknown unit is ignored."""
    unit = None
    if unit_text and unit_text.isdigit():
        unit = OrgUnit.objects.filter(pk=int(unit_text), entity_id=cycle.entity_id).first()
    return ObjectiveFilter(unit=unit, query=(query or "").strip()[:200])


def _descendants(unit: OrgUnit) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.filter(entity_id=unit.entity_id).values_list(
        "id", "parent_id"
    ):
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = [unit.pk]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def apply(
    objectives: QuerySet[OperationalObjective], chosen: ObjectiveFilter
) -> QuerySet[OperationalObjective]:
    """Objectives of the unit (home or assigned, sub-units included) matching the text: the
    code "2.1/3", a unit code "2.1", or words of the title (case-insensitive)."""
    if chosen.unit is not None:
        ids = _descendants(chosen.unit)
        objectives = objectives.filter(
            Q(home_unit_id__in=ids) | Q(assignments__unit_id__in=ids)
        ).distinct()
    if chosen.query:
        code = CODE.match(chosen.query)
        if code:
            objectives = objectives.filter(home_unit__code=code["unit"],
                                           number=int(code["number"]))
        else:
            words = Q()
            for word in chosen.query.split():
                words &= Q(title__icontains=word)
            objectives = objectives.filter(words | Q(home_unit__code=chosen.query))
    return objectives
