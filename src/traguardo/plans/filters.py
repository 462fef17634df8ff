"""The editor's filter of operational objectives: by unit, by code or words of the title.

Applied on the server to the query (`?unita=<unit id>&q=<text>`), so that the editor of a
110-objective plan can show only the objectives someone is working on. Words match the
title whatever their case and accents («QUALITA» finds «qualità»), the same on SQLite
(whose LIKE folds ASCII letters only) and PostgreSQL: the titles of one cycle are compared
in Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from traguardo.organisation.models import OrgUnit
from traguardo.organisation.selectors import unit_tree
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
        OrgUnit.objects.filter(pk__in=with_objectives, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    return OrgUnit.objects.filter(pk__in=with_objectives | parents).order_by("code")


def parse(cycle: Cycle, unit_text: str | None, query: str | None) -> ObjectiveFilter:
    """The filter from the GET parameters; an unknown unit is ignored."""
    unit = None
    if unit_text and unit_text.isdigit():
        unit = OrgUnit.objects.filter(pk=int(unit_text), entity_id=cycle.entity_id).first()
    return ObjectiveFilter(unit=unit, query=(query or "").strip()[:200])


def folded(text: str) -> str:
    """Lower case without accents, for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def apply(
    objectives: QuerySet[OperationalObjective], chosen: ObjectiveFilter
) -> QuerySet[OperationalObjective]:
    """Objectives of the unit (home or assigned, sub-units included) matching the text: the
    code "2.1/3", a unit code "2.1", or words of the title (any case, any accents)."""
    if chosen.unit is not None:
        ids = unit_tree(chosen.unit.entity_id).below([chosen.unit.pk])
        objectives = objectives.filter(
            Q(home_unit_id__in=ids) | Q(assignments__unit_id__in=ids)
        ).distinct()
    if chosen.query:
        code = CODE.match(chosen.query)
        if code:
            objectives = objectives.filter(home_unit__code=code["unit"], number=int(code["number"]))
        else:
            words = [folded(word) for word in chosen.query.split()]
            matching = [
                pk
                for pk, title in objectives.values_list("pk", "title")
                if all(word in folded(title) for word in words)
            ]
            objectives = objectives.filter(Q(pk__in=matching) | Q(home_unit__code=chosen.query))
    return objectives
