"""Reads for the monitoring pages: who sees which indicators, and their state at a period."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from traguardo.accounts import permissions
from traguardo.accounts.models import Role
from traguardo.core.rules import Degree
from traguardo.monitoring.degrees import Grader, misses_target
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, Indicator, OperationalObjective

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


def is_late(period: Period, measurement: Measurement | None, today: datetime.date) -> bool:
    """Entered after the deadline, or still missing once the deadline has passed."""
    if period.deadline is None:
        return False
    if measurement is None:
        return today > period.deadline
    return timezone.localdate(measurement.entered_at) > period.deadline


def todo(
    user: Any, period: Period, *, today: datetime.date | None = None, with_entity: bool = True
) -> Summary:
    """The indicators the user answers for at `period`, with their state."""
    cycle = period.cycle
    today = today or timezone.localdate()
    objectives = list(objectives_in_scope(user, cycle))
    indicators: list[Indicator] = list(
        Indicator.objects.filter(objective__in=objectives)
        .select_related("objective__home_unit")
        .prefetch_related("targets")
        .order_by("objective__home_unit__code", "objective__number", "number", "id")
    )
    if with_entity and permissions.has_role_in(user, cycle.entity_id, *WHOLE_PLAN_ROLES):
        indicators += list(
            Indicator.objects.filter(entity_block__cycle=cycle)
            .prefetch_related("targets")
            .order_by("entity_block__number", "number", "id")
        )
    measurements = {
        m.indicator_id: m
        for m in Measurement.objects.filter(period=period, indicator__in=indicators)
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
                permissions.can_enter_value(user, objective, cycle)
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
    units = OrgUnit.objects.filter(pk__in=with_objectives).order_by("code")
    states = []
    for unit in units:
        if not permissions.can_validate_unit(user, unit, cycle):
            continue
        values = unit_measurements(unit, period)
        states.append(
            UnitState(unit, values.count(), values.filter(validated_at__isnull=False).count())
        )
    return states


def indicators_of(objectives: Iterable[OperationalObjective]) -> QuerySet[Indicator]:
    return Indicator.objects.filter(objective__in=list(objectives))
