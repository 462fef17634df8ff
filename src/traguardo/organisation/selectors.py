"""Reads about the organisation that callers would otherwise repeat as ad-hoc queries."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from traguardo.organisation.models import Assignment, OrgUnit, Person

HEAD_ROLES = (
    Assignment.Role.SEGRETARIO_GENERALE,
    Assignment.Role.DIRIGENTE,
    Assignment.Role.PO,
)


def unit_heads_on(unit: OrgUnit, day: datetime.date) -> list[Person]:
    """Who led `unit` on `day`: holders of a head role (SG, dirigente, PO) in force that day.

    Usually one person; empty if the post was vacant; more than one only if the data has
    overlapping assignments, which the database does not forbid.
    """
    assignments = (
        Assignment.objects.on(day)
        .filter(unit=unit, role__in=HEAD_ROLES)
        .select_related("person")
        .order_by("start", "person__display_name")
    )
    return [assignment.person for assignment in assignments]


@dataclass(frozen=True)
class UnitTree:
    """An entity's units as a tree, read with one query."""

    codes: dict[int, str]
    children: dict[int | None, list[int]]

    def below(self, roots: Iterable[int]) -> set[int]:
        """The `roots` and every unit under them."""
        found: set[int] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, ()))
        return found


def unit_tree(entity_id: int) -> UnitTree:
    codes: dict[int, str] = {}
    children: dict[int | None, list[int]] = {}
    for uid, code, parent in OrgUnit.objects.filter(entity_id=entity_id).values_list(
        "id", "code", "parent_id"
    ):
        codes[uid] = code
        children.setdefault(parent, []).append(uid)
    return UnitTree(codes, children)
