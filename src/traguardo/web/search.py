"""The members' global search: objectives (strategic, annual, operational), indicators,
units and people of one administration's cycle, by code or by words.

Words match whatever their case and accents, the same on SQLite and PostgreSQL: the texts of
one cycle are compared in Python (plans.filters.folded), as the plan editor's filter does.
Each group shows its first `LIMIT` matches and says how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.urls import reverse
from django.utils.translation import gettext as _

from traguardo.organisation.models import Assignment, OrgUnit
from traguardo.plans import labels, scope
from traguardo.plans.filters import folded
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    Indicator,
    OperationalObjective,
    StrategicObjective,
)

LIMIT = 20
MAX_QUERY = 200
T = TypeVar("T")


@dataclass(frozen=True)
class Hit:
    code: str
    title: str
    url: str
    detail: str = ""


@dataclass
class Group:
    name: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


def _matches(items: Iterable[T], words: list[str], text: Callable[[T], str]) -> list[T]:
    return [item for item in items if all(word in folded(text(item)) for word in words)]


def _group(name: str, found: list[T], hit: Callable[[T], Hit]) -> Group:
    return Group(name, [hit(item) for item in found[:LIMIT]], len(found))


def search(cycle: Cycle, query: str, *, all_people: bool = False) -> list[Group]:
    """The groups with at least one match, in the order of the plan's tree. People: those
    who head a unit (segretario, dirigenti, PO), as in the organisation chart; the rest of
    the staff only with `all_people` (the performance office, which keeps the registry)."""
    words = [folded(w) for w in query.strip()[:MAX_QUERY].split()]
    if not words:
        return []
    tree = f"{reverse('web:tree')}?year={cycle.year}"
    strategic = StrategicObjective.objects.filter(cycle=cycle).order_by("code")
    annual = AnnualObjective.objects.filter(strategic__cycle=cycle).order_by("code")
    operational = (
        OperationalObjective.objects.filter(cycle=cycle)
        .select_related("home_unit")
        .order_by("home_unit__code", "number")
    )
    indicators = (
        scope.indicators_of(cycle)
        .select_related("objective__home_unit", "entity_block")
        .order_by(
            "objective__home_unit__code", "objective__number", "entity_block__number", "number"
        )
    )
    units = OrgUnit.objects.filter(entity_id=cycle.entity_id).order_by("code")
    people = (
        Assignment.objects.filter(unit__entity_id=cycle.entity_id)
        .select_related("person", "unit")
        .order_by("person__display_name", "unit__code")
    )
    if not all_people:
        people = people.exclude(role=Assignment.Role.STAFF)

    def indicator_code(i: Indicator) -> str:
        if i.objective is not None:
            return f"{i.objective.code} n. {i.number}"
        assert i.entity_block is not None
        # "B14 (Blocco 3)": the indicator's own label, never the block's (plans.labels).
        return f"{labels.entity_indicator(i.number)} ({labels.block(i.entity_block.number)})"

    groups = [
        _group(
            _("Obiettivi strategici"),
            _matches(strategic, words, lambda s: f"{s.code} {s.title}"),
            lambda s: Hit(s.code, s.title, tree),
        ),
        _group(
            _("Obiettivi annuali"),
            _matches(annual, words, lambda a: f"{a.code} {a.title}"),
            lambda a: Hit(a.code, a.title, tree),
        ),
        _group(
            _("Obiettivi operativi"),
            _matches(operational, words, lambda o: f"{o.code} {o.title}"),
            lambda o: Hit(o.code, o.title, reverse("web:objective", args=[o.pk]), o.home_unit.name),
        ),
        _group(
            _("Indicatori"),
            _matches(indicators, words, lambda i: f"{indicator_code(i)} {i.name} {i.source}"),
            lambda i: Hit(
                indicator_code(i), i.name, reverse("monitoring:indicator", args=[i.pk]), i.source
            ),
        ),
        _group(
            _("Unità organizzative"),
            _matches(units, words, lambda u: f"{u.code} {u.short} {u.name}"),
            lambda u: Hit(u.short or u.code, u.name, f"{tree}&unit={u.pk}"),
        ),
        _group(
            _("Persone"),
            _matches(people, words, lambda a: a.person.display_name),
            lambda a: Hit(
                "",
                a.person.display_name,
                f"{tree}&unit={a.unit_id}",
                f"{a.get_role_display()} — {a.unit.name}",
            ),
        ),
    ]
    return [g for g in groups if g.total]
