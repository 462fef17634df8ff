"""Reads behind the dashboard and the tree: which cycle, whose units, what is missing.

Scores always come from the core (`score_cycle`); this module only picks rows out of the
PlanScore and out of the database, it never recomputes a figure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest

from traguardo.accounts import current
from traguardo.core.results import IndicatorScore, PlanScore, UnitScore
from traguardo.core.rules import DegreeStatus
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Assignment, OrgUnit
from traguardo.organisation.selectors import HEAD_ROLES
from traguardo.plans.models import Cycle, Indicator, ObjectiveAssignment

HUNDRED = Decimal(100)


def member_cycles(request: HttpRequest) -> list[Cycle]:
    """The cycles of the request's administration (the URL's, else the member's current
    one: `traguardo.accounts.current`), newest first."""
    entities = current.entity_ids(request)
    return list(
        Cycle.objects.filter(entity_id__in=entities).select_related("entity").order_by("-year")
    )


def chosen_cycle(request: HttpRequest, year: str | None) -> tuple[Cycle | None, list[Cycle]]:
    """The cycle asked for with ?year= (404 if the administration has none that year), else
    the newest."""
    cycles = member_cycles(request)
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
    if not any(u.kind.value == "area" for u in score.units):
        # An organisation without areas (many municipalities): its sectors, one row each.
        return [AreaRow(sector, []) for sector in sectors.values()]
    return [
        AreaRow(area, [sectors[c] for c in area.objectives if c in sectors])
        for area in (u for u in score.units if u.kind.value == "area")
    ]


# Missing values listed per unit and period on the dashboard: at the start of a period every
# value is missing (~600 in the demo); the whole list of a unit is its tree with indicators.
MISSING_LISTED = 5


@dataclass(frozen=True)
class MissingIndicator:
    pk: int
    ref: str  # "2.1/1 — 3)": objective and row of the indicator
    name: str


@dataclass(frozen=True)
class UnitOwes:
    """A unit in a period: its head(s) that day, what it is expected to report and what it
    has not reported yet."""

    unit_id: int
    code: str
    short: str
    heads: tuple[str, ...]  # display names; empty when the post was vacant
    missing: tuple[MissingIndicator, ...]
    expected_ids: tuple[int, ...]  # sorted

    @property
    def expected(self) -> int:
        return len(self.expected_ids)

    @property
    def listed(self) -> tuple[MissingIndicator, ...]:
        """The first missing indicators, listed on the dashboard; the rest are counted."""
        return self.missing[:MISSING_LISTED]

    @property
    def not_listed(self) -> int:
        return max(0, len(self.missing) - MISSING_LISTED)


@dataclass
class PeriodCompleteness:
    period: Period
    units: list[UnitOwes]

    @property
    def missing(self) -> int:
        return sum(len(u.missing) for u in self.units)

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.units)

    @property
    def incomplete_units(self) -> list[UnitOwes]:
        return [u for u in self.units if u.missing]


# Unit id → its head posts: (start, end, person's name), in the order of
# organisation.selectors.unit_heads_on.
HeadIndex = dict[int, list[tuple[datetime.date, datetime.date | None, str]]]


def _head_index(cycle: Cycle) -> HeadIndex:
    """Every head post of the entity, by unit: one query instead of one per unit and day."""
    index: HeadIndex = defaultdict(list)
    posts = (
        Assignment.objects.filter(unit__entity_id=cycle.entity_id, role__in=HEAD_ROLES)
        .order_by("start", "person__display_name")
        .values_list("unit_id", "start", "end", "person__display_name")
    )
    for unit_id, start, end, name in posts:
        index[unit_id].append((start, end, name))
    return index


def _responsible(
    unit_id: int, day: datetime.date, index: HeadIndex, parents: dict[int, int | None]
) -> tuple[str, ...]:
    """The unit's head(s) that day; an office without its own head answers to its sector's."""
    current: int | None = unit_id
    while current is not None:
        heads = tuple(
            name
            for start, end, name in index.get(current, [])
            if start <= day and (end is None or end >= day)
        )
        if heads:
            return heads
        current = parents.get(current)
    return ()


def completeness(cycle: Cycle) -> list[PeriodCompleteness]:
    """For each period: each unit, its head(s) that day, and the indicators with no value.

    An indicator is expected from every unit its objective is assigned to (the home unit
    included); derived indicators are computed, and replaced objectives and indicators are
    no longer monitored, so none of them is expected. Plain rows, not model instances: the
    dashboard reads ~400 indicators for each of ~40 units.
    """
    units = {
        uid: (code, short or "", parent)
        for uid, code, short, parent in OrgUnit.objects.filter(
            entity_id=cycle.entity_id
        ).values_list("id", "code", "short", "parent_id")
    }
    parents: dict[int, int | None] = {uid: parent for uid, (_c, _s, parent) in units.items()}
    objectives_of: dict[int, list[int]] = defaultdict(list)
    for unit_id, objective_id in (
        ObjectiveAssignment.objects.filter(cycle=cycle, objective__replaced_by__isnull=True)
        .order_by("unit__code", "local_number")
        .values_list("unit_id", "objective_id")
    ):
        objectives_of[unit_id].append(objective_id)
    indicators_of: dict[int, list[MissingIndicator]] = defaultdict(list)
    for pk, number, name, objective_id, objective_number, home in (
        Indicator.objects.filter(objective__cycle=cycle, replaced_by__isnull=True)
        .exclude(direction=Indicator.Direction.DERIVED)
        .order_by("objective_id", "number")
        .values_list(
            "id",
            "number",
            "name",
            "objective_id",
            "objective__number",
            "objective__home_unit__code",
        )
    ):
        assert objective_id is not None
        ref = f"{home}/{objective_number} — {number})"
        indicators_of[objective_id].append(MissingIndicator(pk, ref, name))
    heads = _head_index(cycle)
    result = []
    for period in Period.objects.filter(cycle=cycle).order_by("date"):
        entered = set(
            Measurement.objects.filter(period=period).values_list("indicator_id", flat=True)
        )
        rows = []
        for unit_id in sorted(objectives_of, key=lambda uid: units[uid][0]):
            expected = [i for o in objectives_of[unit_id] for i in indicators_of[o]]
            if not expected:
                continue
            code, short, _parent = units[unit_id]
            rows.append(
                UnitOwes(
                    unit_id,
                    code,
                    short,
                    _responsible(unit_id, period.date, heads, parents),
                    tuple(i for i in expected if i.pk not in entered),
                    tuple(sorted({i.pk for i in expected})),
                )
            )
        result.append(PeriodCompleteness(period, rows))
    return result
