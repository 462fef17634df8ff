"""Which items of the plan a revision changed, to mark them "modificato con revisione n. 1".

Sources: the objectives a revision revised or introduced (importer and editor alike) and
every item-by-item change the editor recorded. Any page may use `revision_marks(cycle)`
and the `revised` template tag (`{% load plan_marks %}{% revised marks item %}`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    OperationalObjective,
    RevisionChange,
)


@dataclass
class Marks:
    by_item: dict[tuple[str, int], set[int]] = field(default_factory=dict)

    def add(self, label: str, pk: int | None, number: int) -> None:
        if pk is not None:
            self.by_item.setdefault((label, pk), set()).add(number)

    def of(self, item: Any) -> list[int]:
        if item is None or getattr(item, "pk", None) is None:
            return []
        return sorted(self.by_item.get((item._meta.label_lower, item.pk), set()))


def revision_marks(cycle: Cycle) -> Marks:
    marks = Marks()
    for pk, number in OperationalObjective.objects.filter(
        cycle=cycle, revised_by__isnull=False
    ).values_list("pk", "revised_by__number"):
        marks.add("plans.operationalobjective", pk, number)
    for pk, number in AnnualObjective.objects.filter(
        strategic__cycle=cycle, new_in_revision__isnull=False
    ).values_list("pk", "new_in_revision__number"):
        marks.add("plans.annualobjective", pk, number)
    for change in RevisionChange.objects.filter(revision__cycle=cycle).values(
        "revision__number", "objective_id", "indicator_id", "item_type", "item_id"
    ):
        number = change["revision__number"]
        marks.add("plans.operationalobjective", change["objective_id"], number)
        marks.add("plans.indicator", change["indicator_id"], number)
        if change["item_type"]:
            marks.add(change["item_type"], change["item_id"], number)
    return marks
