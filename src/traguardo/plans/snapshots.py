"""Versions of the plan: a JSON snapshot per version and their side-by-side comparison.

Version 0 is the plan as approved (taken when revision 1 opens, if not earlier); version N
is the plan after revision N (taken when it closes). The live plan is the "current"
version. Items are keyed by their row ("plans.indicator:12") so that a renamed or moved
item is compared with itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation

from traguardo.plans import scope
from traguardo.plans.editing import display, label_of
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    PlanSnapshot,
    StrategicObjective,
    Target,
)

CURRENT = "corrente"

# The fields that make up the plan, per kind of item, with their Italian labels.
FIELDS: dict[type[Any], tuple[str, ...]] = {
    StrategicObjective: ("code", "kind", "title"),
    AnnualObjective: ("strategic", "code", "kind", "title"),
    OperationalObjective: ("home_unit", "number", "title", "category", "description"),
    EntityBlock: ("number", "heading", "weight_b", "annual_objective"),
    Indicator: ("objective", "entity_block", "number", "name", "method", "direction", "weight"),
}
ORDER = [
    "plans.strategicobjective",
    "plans.annualobjective",
    "plans.operationalobjective",
    "plans.entityblock",
    "plans.indicator",
]


def _value(item: Any, name: str) -> str:
    field = type(item)._meta.get_field(name)
    if field.choices:
        return str(getattr(item, f"get_{name}_display")())
    return display(getattr(item, name))


def plan_data(cycle: Cycle) -> dict[str, dict[str, Any]]:
    """The plan as plain JSON: {"<model>:<pk>": {"label", "order", "fields": {label: text}}}.

    Labels are always Italian (the plan's language), whatever the user's language, so that
    versions taken by different users compare field by field.
    """
    with translation.override("it"):
        return _plan_data(cycle)


def _plan_data(cycle: Cycle) -> dict[str, dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}

    def put(item: Any, fields: dict[str, str]) -> None:
        key = f"{item._meta.label_lower}:{item.pk}"
        items[key] = {
            "label": label_of(item),
            "order": ORDER.index(item._meta.label_lower),
            "fields": fields,
        }

    def fields_of(item: Any) -> dict[str, str]:
        names = FIELDS[type(item)]
        return {str(type(item)._meta.get_field(n).verbose_name): _value(item, n) for n in names}

    for s in StrategicObjective.objects.filter(cycle=cycle):
        put(s, fields_of(s))
    for a in AnnualObjective.objects.filter(strategic__cycle=cycle).select_related("strategic"):
        put(a, fields_of(a))
    assignments: dict[int, list[str]] = {}
    for oa in ObjectiveAssignment.objects.filter(cycle=cycle).select_related("unit"):
        assignments.setdefault(oa.objective_id, []).append(f"{oa.unit.code}/{oa.local_number}")
    for o in (
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("home_unit")
        .prefetch_related("annual_objectives")
    ):
        fields = fields_of(o)
        fields["obiettivi annuali"] = ", ".join(sorted(a.code for a in o.annual_objectives.all()))
        fields["assegnazioni"] = ", ".join(sorted(assignments.get(o.pk, [])))
        put(o, fields)
    for b in EntityBlock.objects.filter(cycle=cycle).select_related("annual_objective"):
        put(b, fields_of(b))
    targets: dict[int, dict[str, str]] = {}
    for t in Target.objects.filter(scope.of_cycles(cycle, "indicator__")):
        targets.setdefault(t.indicator_id, {})[f"target {t.year}"] = t.text
    indicators = scope.indicators_of(cycle)
    for i in indicators.select_related("objective__home_unit", "entity_block"):
        fields = fields_of(i)
        fields.update(sorted(targets.get(i.pk, {}).items()))
        put(i, fields)
    return items


def take(cycle: Cycle, version: int, label: str) -> PlanSnapshot:
    """Store the plan as it is now as `version` (kept if that version already exists)."""
    snapshot, _ = PlanSnapshot.objects.get_or_create(
        cycle=cycle, version=version, defaults={"label": label, "data": plan_data(cycle)}
    )
    return snapshot


@dataclass(frozen=True)
class Difference:
    item: str
    field: str
    old: str
    new: str
    status: str  # "modificato", "aggiunto", "eliminato"


def versions(cycle: Cycle) -> list[tuple[str, str]]:
    """(value, label) of every version that can be compared, the live plan last."""
    found = [(str(s.version), s.label) for s in cycle.snapshots.order_by("version")]
    return [*found, (CURRENT, "Piano corrente")]


def data_of(cycle: Cycle, version: str) -> dict[str, dict[str, Any]]:
    if version == CURRENT:
        return plan_data(cycle)
    snapshot = PlanSnapshot.objects.get(cycle=cycle, version=int(version))
    data: dict[str, dict[str, Any]] = snapshot.data
    return data


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[Difference]:
    """Every field that differs between two versions, items in plan order."""
    out: list[Difference] = []

    def order(key: str) -> tuple[int, str]:
        item = new.get(key) or old[key]
        return int(item.get("order", 0)), str(item["label"])

    for key in sorted(set(old) | set(new), key=order):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            out.append(Difference(after["label"], "", "", "", "aggiunto"))
            continue
        if after is None and before is not None:
            out.append(Difference(before["label"], "", "", "", "eliminato"))
            continue
        assert before is not None and after is not None
        fields_b, fields_a = before["fields"], after["fields"]
        for name in list(dict.fromkeys([*fields_b, *fields_a])):
            if fields_b.get(name, "") != fields_a.get(name, ""):
                out.append(
                    Difference(
                        after["label"],
                        name,
                        fields_b.get(name, ""),
                        fields_a.get(name, ""),
                        "modificato",
                    )
                )
    return out
