"""Reads behind the dashboard and the tree: which cycle, whose units, what is missing.

Scores always come from the core (`score_cycle`); this module only picks rows out of the
PlanScore and out of the database, it never recomputes a figure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.http import Http404

from traguardo.accounts import permissions
from traguardo.core.results import IndicatorScore, PlanScore, UnitScore
from traguardo.core.rules import DegreeStatus
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Assignment, OrgUnit, Person
from traguardo.organisation.selectors import HEAD_ROLES
from traguardo.plans.models import Cycle, Indicator, ObjectiveAssignment

if TYPE_CHECKING:
    from traguardo.accounts.permissions import User

HUNDRED = Decimal(100)


def member_cycles(user: User) -> list[Cycle]:
    """The cycles of the entities the user belongs to, newest first."""
    entities = {m.entity_id for m in permissions.memberships(user)}
    return list(
        Cycle.objects.filter(entity_id__in=entities).select_related("entity").order_by("-year")
    )


def chosen_cycle(user: User, year: str | None) -> tuple[Cycle | None, list[Cycle]]:
    """The cycle asked for with ?year= (404 if the user has none that year), else the newest."""
    cycles = member_cycles(user)
    if not year:
        return (cycles[0] if cycles else None), cycles
    for cycle in cycles:
        if str(cycle.year) == year.strip():
            return cycle, cycles
    raise Http404(f"nessun ciclo {year} per il tuo ente")


def is_off_target(indicator: IndicatorScore) -> bool:
    """Below 100 or without a usable value; an indicator with no target this year is not."""
    if indicator.degree.status == DegreeStatus.EXCLUDED:
        return False
    return indicator.degree.value is None or indicator.degree.value < HUNDRED


@dataclass(frozen=True)
class OffTarget:
    key: str  # "2.1/1#2" or "B14", the code reports:explain understands
    objective_key: str  # "" for the entity's indicators
    name: str
    target: str
    value: str
    degree: Decimal | None
    status: str


def off_target(score: PlanScore) -> list[OffTarget]:
    rows = [
        OffTarget(
            f"B{ind.number}",
            "",
            ind.name,
            _target_text(ind),
            ind.reading.text,
            ind.degree.value,
            ind.degree.status.value,
        )
        for block in score.entity.blocks
        for ind in block.indicators
        if is_off_target(ind)
    ]
    for key, objective in score.objectives.items():
        rows += [
            OffTarget(
                ind.key,
                key,
                ind.name,
                _target_text(ind),
                ind.reading.text,
                ind.degree.value,
                ind.degree.status.value,
            )
            for ind in objective.indicators
            if is_off_target(ind)
        ]
    return rows


def _target_text(indicator: IndicatorScore) -> str:
    return indicator.target.text if indicator.target is not None else ""


@dataclass(frozen=True)
class AreaRow:
    area: UnitScore
    sectors: list[UnitScore]

    @property
    def units(self) -> list[UnitScore]:
        return [self.area, *self.sectors]


def areas_and_sectors(score: PlanScore) -> list[AreaRow]:
    """Areas with their sectors, in the plan's order."""
    sectors = {u.code: u for u in score.units if u.kind.value == "settore"}
    return [
        AreaRow(area, [sectors[c] for c in area.objectives if c in sectors])
        for area in (u for u in score.units if u.kind.value == "area")
    ]


@dataclass
class MissingForUnit:
    unit: OrgUnit
    heads: list[Person]
    indicators: list[Indicator] = field(default_factory=list)  # those still without a value
    expected_ids: frozenset[int] = frozenset()

    @property
    def expected(self) -> int:
        return len(self.expected_ids)


@dataclass
class PeriodCompleteness:
    period: Period
    units: list[MissingForUnit]

    @property
    def missing(self) -> int:
        return sum(len(u.indicators) for u in self.units)

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.units)

    @property
    def incomplete_units(self) -> list[MissingForUnit]:
        return [u for u in self.units if u.indicators]


HeadIndex = dict[int, list[Assignment]]


def _head_index(cycle: Cycle) -> HeadIndex:
    """Every head post of the entity, by unit: one query instead of one per unit and day
    (the same posts, in the same order, as organisation.selectors.unit_heads_on)."""
    index: HeadIndex = defaultdict(list)
    posts = (
        Assignment.objects.filter(unit__entity_id=cycle.entity_id, role__in=HEAD_ROLES)
        .select_related("person")
        .order_by("start", "person__display_name")
    )
    for post in posts:
        index[post.unit_id].append(post)
    return index


def _responsible(unit: OrgUnit, day: datetime.date, index: HeadIndex) -> list[Person]:
    """The unit's head(s) that day; an office without its own head answers to its sector's."""
    current: OrgUnit | None = unit
    while current is not None:
        heads = [
            post.person
            for post in index.get(current.pk, [])
            if post.start <= day and (post.end is None or post.end >= day)
        ]
        if heads:
            return heads
        current = current.parent
    return []


def completeness(cycle: Cycle) -> list[PeriodCompleteness]:
    """For each period: each unit, its head(s) that day, and the indicators with no value.

    An indicator is expected from every unit its objective is assigned to (the home unit
    included); derived indicators are computed, and replaced objectives and indicators are
    no longer monitored, so none of them is expected.
    """
    assignments = (
        ObjectiveAssignment.objects.filter(cycle=cycle, objective__replaced_by__isnull=True)
        .select_related("unit__parent__parent")
        .order_by("unit__code", "local_number")
    )
    units: dict[int, OrgUnit] = {}
    objectives_of: dict[int, list[int]] = defaultdict(list)
    for assignment in assignments:
        units[assignment.unit_id] = assignment.unit
        objectives_of[assignment.unit_id].append(assignment.objective_id)
    indicators_of: dict[int, list[Indicator]] = defaultdict(list)
    monitored = (
        Indicator.objects.filter(objective__cycle=cycle, replaced_by__isnull=True)
        .exclude(direction=Indicator.Direction.DERIVED)
        .select_related("objective__home_unit")
        # Only what the dashboard prints: the full rows (JSON parameters, texts) of ~400
        # indicators cost more to build than the page.
        .only("id", "number", "name", "objective__number", "objective__home_unit__code")
        .order_by("objective_id", "number")
    )
    for indicator in monitored:
        assert indicator.objective_id is not None
        indicators_of[indicator.objective_id].append(indicator)
    result = []
    heads = _head_index(cycle)
    for period in Period.objects.filter(cycle=cycle).order_by("date"):
        entered = set(
            Measurement.objects.filter(period=period).values_list("indicator_id", flat=True)
        )
        rows = []
        for unit_id, unit in units.items():
            expected = [i for o in objectives_of[unit_id] for i in indicators_of[o]]
            if not expected:
                continue
            rows.append(
                MissingForUnit(
                    unit=unit,
                    heads=_responsible(unit, period.date, heads),
                    indicators=[i for i in expected if i.id not in entered],
                    expected_ids=frozenset(i.id for i in expected),
                )
            )
        rows.sort(key=lambda row: row.unit.code)
        result.append(PeriodCompleteness(period, rows))
    return result
