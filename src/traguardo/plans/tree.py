"""The tree of the plan as nodes, and moving a node (reparent, reorder) without cycles.

Node ids are "<kind>:<pk>": strategic, annual, operational, block, indicator. Parents:
annual → strategic; operational → annual (one or more); block → annual; indicator →
operational or block. A move is refused first if the new parent is the node itself or one
of its descendants (that would make a cycle), then if the parent is of the wrong kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from traguardo.audit import recorder
from traguardo.plans import editing, scope, versions
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    OperationalObjective,
    RevisionChange,
    StrategicObjective,
)

MODELS: dict[str, type[Any]] = {
    "strategic": StrategicObjective,
    "annual": AnnualObjective,
    "operational": OperationalObjective,
    "block": EntityBlock,
    "indicator": Indicator,
}
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    "strategic": frozenset(),
    "annual": frozenset({"strategic"}),
    "operational": frozenset({"annual"}),
    "block": frozenset({"annual"}),
    "indicator": frozenset({"operational", "block"}),
}
KIND_LABELS = {
    "strategic": gettext_lazy("un obiettivo strategico"),
    "annual": gettext_lazy("un obiettivo annuale"),
    "operational": gettext_lazy("un obiettivo operativo"),
    "block": gettext_lazy("un blocco dell'Allegato B"),
    "indicator": gettext_lazy("un indicatore"),
}


class MoveRefused(editing.EditRefused):
    pass


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    depth: int


def node_id(item: Any) -> str:
    for kind, model in MODELS.items():
        if isinstance(item, model):
            return f"{kind}:{item.pk}"
    raise TypeError(type(item))


def get_node(cycle: Cycle, node: str) -> Any:
    kind, _sep, pk = node.partition(":")
    model = MODELS.get(kind)
    if model is None or not pk.isdigit():
        raise MoveRefused(_("Elemento «%(node)s» sconosciuto.") % {"node": node})
    item = model.objects.filter(pk=int(pk)).first()
    if item is None or editing.cycle_of(item).pk != cycle.pk:
        raise MoveRefused(
            _("Elemento «%(node)s» non trovato nel piano %(year)s.")
            % {"node": node, "year": cycle.year}
        )
    return item


def children_map(cycle: Cycle) -> dict[str, list[str]]:
    """Parent node id → child node ids, over the whole plan of the cycle."""
    children: dict[str, list[str]] = {}

    def add(parent: str, child: str) -> None:
        children.setdefault(parent, []).append(child)

    for pk, parent in AnnualObjective.objects.filter(strategic__cycle=cycle).values_list(
        "pk", "strategic_id"
    ):
        add(f"strategic:{parent}", f"annual:{pk}")
    through = OperationalObjective.annual_objectives.through
    for pk, parent in through.objects.filter(operationalobjective__cycle=cycle).values_list(
        "operationalobjective_id", "annualobjective_id"
    ):
        add(f"annual:{parent}", f"operational:{pk}")
    for pk, parent in EntityBlock.objects.filter(
        cycle=cycle, annual_objective__isnull=False
    ).values_list("pk", "annual_objective_id"):
        add(f"annual:{parent}", f"block:{pk}")
    for pk, objective, block in scope.indicators_of(cycle).values_list(
        "pk", "objective_id", "entity_block_id"
    ):
        add(f"operational:{objective}" if objective else f"block:{block}", f"indicator:{pk}")
    return children


def descendants(children: dict[str, list[str]], node: str) -> set[str]:
    found: set[str] = set()
    stack = list(children.get(node, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def check_move(
    children: dict[str, list[str]], node: str, parent: str, labels: dict[str, str]
) -> None:
    """Refuse a move that makes a cycle or puts a node under the wrong kind of parent."""
    name, parent_name = labels.get(node, node), labels.get(parent, parent)
    if parent == node:
        raise MoveRefused(_("«%(name)s» non può essere spostato sotto sé stesso.") % {"name": name})
    if parent in descendants(children, node):
        raise MoveRefused(
            _(
                "«%(name)s» non può essere spostato sotto «%(parent)s», che ne è un discendente: "
                "si creerebbe un ciclo nell'albero."
            )
            % {"name": name, "parent": parent_name}
        )
    kind, parent_kind = node.partition(":")[0], parent.partition(":")[0]
    allowed = ALLOWED_PARENTS[kind]
    if not allowed:
        raise MoveRefused(
            _("«%(name)s» è una radice dell'albero: non si sposta sotto altri elementi.")
            % {"name": name}
        )
    if parent_kind not in allowed:
        wanted = _(" o ").join(str(label) for k, label in KIND_LABELS.items() if k in allowed)
        raise MoveRefused(
            _("«%(name)s» può stare solo sotto %(wanted)s, non sotto «%(parent)s».")
            % {"name": name, "wanted": wanted, "parent": parent_name}
        )


def nodes(cycle: Cycle) -> list[Node]:
    """Every node of the tree, depth-first, for the "move under" choice."""
    out: list[Node] = []
    children = children_map(cycle)
    labels = all_labels(cycle)
    roots = [
        f"strategic:{pk}"
        for pk in StrategicObjective.objects.filter(cycle=cycle)
        .order_by("code")
        .values_list("pk", flat=True)
    ]
    roots += [
        f"block:{pk}"
        for pk in EntityBlock.objects.filter(
            cycle=cycle, annual_objective__isnull=True
        ).values_list("pk", flat=True)
    ]
    seen: set[str] = set()

    def walk(ids: Iterable[str], depth: int) -> None:
        for node in ids:
            if node in seen or node.startswith("indicator:"):
                continue
            seen.add(node)
            out.append(Node(node, labels.get(node, node), depth))
            walk(children.get(node, []), depth + 1)

    walk(roots, 0)
    return out


def all_labels(cycle: Cycle) -> dict[str, str]:
    labels: dict[str, str] = {}
    for s in StrategicObjective.objects.filter(cycle=cycle):
        labels[node_id(s)] = editing.title_of(s)
    for a in AnnualObjective.objects.filter(strategic__cycle=cycle):
        labels[node_id(a)] = editing.title_of(a)
    for o in OperationalObjective.objects.filter(cycle=cycle).select_related("home_unit"):
        labels[node_id(o)] = editing.title_of(o)
    for b in EntityBlock.objects.filter(cycle=cycle):
        labels[node_id(b)] = editing.title_of(b)
    return labels


@transaction.atomic
def move(
    user: Any, cycle: Cycle, node: str, parent: str, position: int | None, version: int | None
) -> Any:
    """Put `node` under `parent` (at `position` among its siblings, for indicators)."""
    revision = editing.require_editable(user, cycle)
    item = get_node(cycle, node)
    target = get_node(cycle, parent)
    labels = all_labels(cycle)
    labels.setdefault(node, editing.title_of(item))
    labels.setdefault(parent, editing.title_of(target))
    check_move(children_map(cycle), node, parent, labels)
    if isinstance(item, AnnualObjective):
        return editing.save_fields(
            user, item, {"strategic": target}, version, kind=RevisionChange.Kind.MOVE
        ).item
    if isinstance(item, EntityBlock):
        return editing.save_fields(
            user, item, {"annual_objective": target}, version, kind=RevisionChange.Kind.MOVE
        ).item
    if isinstance(item, OperationalObjective):
        return editing.save_fields(
            user, item, {"annual_objectives": [target]}, version, kind=RevisionChange.Kind.MOVE
        ).item
    assert isinstance(item, Indicator)
    owner = (
        {"objective": target, "entity_block": None}
        if isinstance(target, OperationalObjective)
        else {"objective": None, "entity_block": target}
    )
    moved = editing.save_fields(user, item, owner, version, kind=RevisionChange.Kind.MOVE).item
    assert isinstance(moved, Indicator)
    if isinstance(target, OperationalObjective):
        _reorder(user, revision, moved, target, position)
    return moved


def _reorder(
    user: Any, revision: Any, item: Indicator, objective: OperationalObjective, position: int | None
) -> None:
    """Number the objective's indicators 1..n with `item` at `position`."""
    siblings = [i for i in objective.indicators.order_by("number", "id") if i.pk != item.pk]
    at = len(siblings) if position is None else max(0, min(position - 1, len(siblings)))
    siblings.insert(at, item)
    for number, indicator in enumerate(siblings, start=1):
        if indicator.number != number:
            old = indicator.number
            Indicator.objects.filter(pk=indicator.pk).update(
                number=number, version=F("version") + 1
            )
            indicator.number = number
            recorder.record_saved(indicator, {"number": old})
            editing.record_change(
                revision, user, indicator, "numero", str(old), str(number), RevisionChange.Kind.MOVE
            )
    versions.bump([objective.cycle_id])  # row numbers name indicators in the scores
