"""Reads for the monitoring pages: who sees which indicators, and their state at a period."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.core.rules import Degree
from traguardo.monitoring.degrees import Grader, misses_target
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, Indicator, OperationalObjective, Target

# Roles whose to-do list is the whole plan (the office enters, the OIV reads).
WHOLE_PLAN_ROLES = (Role.PERFORMANCE_OFFICE, Role.OIV)


def open_periods(user: Any, entity_ids: set[int] | None = None) -> list[Period]:
    """Open campaigns of the cycles of the user's entities (of `entity_ids` among them, the
    page's administration), newest cycle first."""
    mine = {m.entity_id for m in permissions.memberships(user)}
    entity_ids = mine if entity_ids is None else mine & entity_ids
    return list(
        Period.objects.filter(cycle__entity_id__in=entity_ids, closed=False)
        .select_related("cycle", "cycle__entity")
        .order_by("-cycle__year", "date")
    )


def objectives_in_scope(user: Any, cycle: Cycle) -> QuerySet[OperationalObjective]:
    """Operational objectives the user answers for: PO their units, dirigente and SG
    their area, office (and OIV, read-only) all of them."""
    objectives = cycle.operational_objectives.select_related("home_unit")
    if permissions.has_role_in(user, cycle.entity_id, *WHOLE_PLAN_ROLES):
        return objectives
    units = permissions.units_in_scope(user, cycle)
    return objectives.filter(
        Q(home_unit_id__in=units) | Q(assignments__unit_id__in=units)
    ).distinct()


def is_computed(indicator: Indicator) -> bool:
    """Derived indicators are computed by the core from other results, never entered."""
    return bool((indicator.derived_spec or {}).get("kind"))


@dataclass
class Row:
    indicator: Indicator
    code: str  # objective code ("2.1/1") or "Allegato B"
    target: str
    measurement: Measurement | None
    degree: Degree | None
    missing: bool
    late: bool
    to_justify: bool
    validated: bool
    can_enter: bool
    returned: bool = False  # sent back by the dirigente with a note (validation.send_back)

    @property
    def entered(self) -> bool:
        return not self.missing


@dataclass
class Summary:
    rows: list[Row] = field(default_factory=list)

    def count(self, attribute: str) -> int:
        return sum(1 for row in self.rows if getattr(row, attribute))

    @property
    def missing(self) -> int:
        return self.count("missing")

    @property
    def entered(self) -> int:
        return self.count("entered")

    @property
    def late(self) -> int:
        return self.count("late")

    @property
    def to_justify(self) -> int:
        return self.count("to_justify")

    @property
    def validated(self) -> int:
        return self.count("validated")

    @property
    def returned(self) -> int:
        return self.count("returned")


def is_late(period: Period, measurement: Measurement | None, today: datetime.date) -> bool:
    """Entered after the deadline, or still missing once the deadline has passed."""
    if period.deadline is None:
        return False
    if measurement is None:
        return today > period.deadline
    return timezone.localdate(measurement.entered_at) > period.deadline


@dataclass
class Scope:
    """The objectives (with their assignments) and indicators (with the year's targets) a
    user answers for in a cycle: the same for every period of the cycle."""

    objectives: dict[int, OperationalObjective]
    indicators: list[Indicator]


def scope_of(user: Any, cycle: Cycle, with_entity: bool) -> Scope:
    objectives = list(objectives_in_scope(user, cycle).prefetch_related("assignments"))
    by_id = {o.pk: o for o in objectives}  # with their assignments, for the permission check
    # Ids, not model instances, in the IN lists (Django resolves each instance), and only
    # the targets of the cycle's year.
    targets = Prefetch("targets", queryset=Target.objects.filter(year=cycle.year))
    indicators: list[Indicator] = list(
        Indicator.objects.filter(objective_id__in=list(by_id))
        .select_related("objective__home_unit")
        .prefetch_related(targets)
        .order_by("objective__home_unit__code", "objective__number", "number", "id")
    )
    if with_entity and permissions.has_role_in(user, cycle.entity_id, *WHOLE_PLAN_ROLES):
        indicators += list(
            Indicator.objects.filter(entity_block__cycle=cycle)
            .prefetch_related(targets)
            .order_by("entity_block__number", "number", "id")
        )
    return Scope(by_id, indicators)


def todo(
    user: Any,
    period: Period,
    *,
    today: datetime.date | None = None,
    with_entity: bool = True,
    scopes: dict[tuple[int, bool], Scope] | None = None,
) -> Summary:
    """The indicators the user answers for at `period`, with their state. `scopes`: a dict
    kept by the caller across the periods it lists (each cycle's scope is read once)."""
    cycle = period.cycle
    today = today or timezone.localdate()
    scopes = {} if scopes is None else scopes
    key = (cycle.pk, with_entity)
    if key not in scopes:
        scopes[key] = scope_of(user, cycle, with_entity)
    by_id, indicators = scopes[key].objectives, scopes[key].indicators
    measurements = {
        m.indicator_id: m
        for m in Measurement.objects.filter(
            period=period, indicator_id__in=[i.pk for i in indicators]
        )
    }
    grader = Grader.for_cycle(cycle)
    enterable: dict[int | None, bool] = {}
    summary = Summary()
    for indicator in indicators:
        if is_computed(indicator):
            continue
        target = next((t.text for t in indicator.targets.all() if t.year == cycle.year), "")
        measurement = measurements.get(indicator.pk)
        degree = grader.degree(indicator, measurement.text, target) if measurement else None
        objective = indicator.objective
        if indicator.objective_id not in enterable:
            enterable[indicator.objective_id] = (
                permissions.can_enter_value(user, by_id.get(objective.pk, objective), cycle)
                if objective is not None
                else permissions.can_manage_cycle(user, cycle) and cycle.state == "monitoring"
            )
        summary.rows.append(
            Row(
                indicator=indicator,
                code=objective.code if objective is not None else "Allegato B",
                target=target,
                measurement=measurement,
                degree=degree,
                missing=measurement is None,
                late=is_late(period, measurement, today),
                to_justify=bool(
                    measurement is not None
                    and degree is not None
                    and misses_target(degree)
                    and not measurement.justification.strip()
                ),
                validated=bool(measurement is not None and measurement.validated_at),
                returned=bool(measurement is not None and measurement.returned_at),
                can_enter=enterable[indicator.objective_id] and not period.closed,
            )
        )
    return summary


def unit_objectives(unit: OrgUnit, cycle: Cycle) -> QuerySet[OperationalObjective]:
    """Objectives carried by one unit (its own and the transversal ones assigned to it)."""
    return cycle.operational_objectives.filter(
        Q(home_unit=unit) | Q(assignments__unit=unit)
    ).distinct()


def unit_measurements(unit: OrgUnit, period: Period) -> QuerySet[Measurement]:
    return Measurement.objects.filter(
        period=period, indicator__objective__in=unit_objectives(unit, period.cycle)
    )


@dataclass
class UnitState:
    unit: OrgUnit
    values: int
    validated: int

    @property
    def fully_validated(self) -> bool:
        return self.values > 0 and self.values == self.validated


def units_to_validate(user: Any, period: Period) -> list[UnitState]:
    """Units whose values the user may confirm at `period`, with how many are confirmed."""
    cycle = period.cycle
    if not permissions.has_role(user, Role.SEGRETARIO, Role.DIRIGENTE):
        return []
    with_objectives = set(cycle.objective_assignments.values_list("unit_id", flat=True)) | set(
        cycle.operational_objectives.values_list("home_unit_id", flat=True)
    )
    units = [
        unit
        for unit in OrgUnit.objects.filter(pk__in=with_objectives).order_by("code")
        if permissions.can_validate_unit(user, unit, cycle)
    ]
    # The counts of unit_measurements() for every unit at once: a value counts for each unit
    # carrying its objective (home unit or assigned), once per unit.
    carriers: dict[int, set[int]] = {}
    for objective_id, home_unit_id in cycle.operational_objectives.values_list(
        "id", "home_unit_id"
    ):
        carriers.setdefault(objective_id, set()).add(home_unit_id)
    for objective_id, unit_id in cycle.objective_assignments.values_list("objective_id", "unit_id"):
        carriers.setdefault(objective_id, set()).add(unit_id)
    values: dict[int, int] = {}
    validated: dict[int, int] = {}
    for objective_id, validated_at in Measurement.objects.filter(
        period=period, indicator__objective__isnull=False
    ).values_list("indicator__objective_id", "validated_at"):
        for unit_id in carriers.get(objective_id, ()):
            values[unit_id] = values.get(unit_id, 0) + 1
            if validated_at is not None:
                validated[unit_id] = validated.get(unit_id, 0) + 1
    return [UnitState(unit, values.get(unit.pk, 0), validated.get(unit.pk, 0)) for unit in units]


def indicators_of(objectives: Iterable[OperationalObjective]) -> QuerySet[Indicator]:
    return Indicator.objects.filter(objective__in=list(objectives))
