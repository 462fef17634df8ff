"""A plan `factor` times the size of a real one, for the large-plan benchmark (bench/large.py).

`multiply_cycle(source, code, factor)` makes a new administration `code` whose cycle has
the source cycle's tree `factor` times over: every unit, operational objective (with its
assignments and links to annual objectives), indicator, target and value is copied once
per copy, copy `k` of unit ``2.1`` being ``k.2.1`` under copy `k` of its parent (copy 1
keeps the source's codes). The strategic and annual objectives, the entity table (blocks
and their indicators), the periods and the SMVP are the source's, once: a large
administration has more units and operational objectives under the same strategy, not
more strategies. A performance office (`ufficio.<code>`) and a dirigente
(`dirigente.<code>`, head of the first top unit of copy 1) are created to read its pages.

Deterministic (no randomness: the same source and factor give the same rows), written with
``bulk_create`` in batches; not a service (no audit entries, no version bumps), only for
benchmarks and scale tests, like :mod:`traguardo.ops.clone`. Hand-written because no library
copies a tree of rows with its keys remapped and its codes rewritten.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import models, transaction

from traguardo.accounts.models import Membership, Role
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Assignment, Entity, OrgUnit, Person
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    ScoringConfig,
    StrategicObjective,
    Target,
)

M = TypeVar("M", bound=models.Model)
BATCH = 2000
PASSWORD = "bench-large-2019"  # benchmark users on a throwaway database


def _fields(obj: models.Model, **changes: Any) -> dict[str, Any]:
    """The concrete field values of `obj` by attribute name (``home_unit_id``), without
    its primary key, with `changes` applied."""
    values = {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key
    }
    values.update(changes)
    return values


def _create(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    made = [model(**row) for row in rows]
    return list(model._default_manager.bulk_create(made, batch_size=BATCH))


def _unit_code(code: str, copy: int) -> str:
    return code if copy == 1 else f"X{copy}.{code}"


@transaction.atomic
def multiply_cycle(source: Cycle, code: str, factor: int, *, name: str = "") -> Cycle:
    if factor < 1:
        raise ValueError("factor must be at least 1")
    entity = Entity.objects.create(
        **_fields(
            source.entity,
            code=code,
            name=name or f"Ente di prova {code} ({factor} volte {source.entity.code})",
            short_name=code.upper(),
        )
    )
    cycle = Cycle.objects.create(**_fields(source, entity_id=entity.pk, data_version=0))
    copies = range(1, factor + 1)

    # Units, parents before children: copy k of each unit, keyed (old id, k) -> new id.
    units = list(OrgUnit.objects.filter(entity=source.entity_id))
    by_parent: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        by_parent[unit.parent_id].append(unit)
    unit_map: dict[tuple[int, int], int] = {}
    level: list[int | None] = [None]
    while level:
        children = [u for parent in level for u in by_parent.get(parent, [])]
        made = _create(
            OrgUnit,
            (
                _fields(
                    u,
                    entity_id=entity.pk,
                    code=_unit_code(u.code, k),
                    parent_id=unit_map[(u.parent_id, k)] if u.parent_id else None,
                )
                for k in copies
                for u in children
            ),
        )
        it = iter(made)
        for k in copies:
            for u in children:
                unit_map[(u.pk, k)] = next(it).pk
        level = [u.pk for u in children]

    periods = {
        p.pk: _create(Period, [_fields(p, cycle_id=cycle.pk)])[0].pk
        for p in Period.objects.filter(cycle=source)
    }
    strategic = {
        s.pk: _create(StrategicObjective, [_fields(s, cycle_id=cycle.pk)])[0].pk
        for s in StrategicObjective.objects.filter(cycle=source)
    }
    annual = {
        a.pk: _create(
            AnnualObjective,
            [_fields(a, strategic_id=strategic[a.strategic_id], new_in_revision_id=None)],
        )[0].pk
        for a in AnnualObjective.objects.filter(strategic__cycle=source)
    }
    blocks = {
        b.pk: _create(
            EntityBlock,
            [
                _fields(
                    b,
                    cycle_id=cycle.pk,
                    annual_objective_id=annual[b.annual_objective_id]
                    if b.annual_objective_id
                    else None,
                )
            ],
        )[0].pk
        for b in EntityBlock.objects.filter(cycle=source)
    }

    objectives = list(OperationalObjective.objects.filter(cycle=source).order_by("id"))
    made_objectives = _create(
        OperationalObjective,
        (
            _fields(
                o,
                cycle_id=cycle.pk,
                home_unit_id=unit_map[(o.home_unit_id, k)],
                revised_by_id=None,
                replaced_by_id=None,
            )
            for k in copies
            for o in objectives
        ),
    )
    objective_map: dict[tuple[int, int], int] = {}
    it_o = iter(made_objectives)
    for k in copies:
        for o in objectives:
            objective_map[(o.pk, k)] = next(it_o).pk
    through = OperationalObjective.annual_objectives.through
    links = list(
        through.objects.filter(operationalobjective__cycle=source).values_list(
            "operationalobjective_id", "annualobjective_id"
        )
    )
    through.objects.bulk_create(
        [
            through(operationalobjective_id=objective_map[(o, k)], annualobjective_id=annual[a])
            for k in copies
            for o, a in links
        ],
        batch_size=BATCH,
    )
    _create(
        ObjectiveAssignment,
        (
            _fields(
                a,
                cycle_id=cycle.pk,
                objective_id=objective_map[(a.objective_id, k)],
                unit_id=unit_map[(a.unit_id, k)],
            )
            for k in copies
            for a in ObjectiveAssignment.objects.filter(cycle=source).order_by("id")
        ),
    )

    # Indicators: the blocks' once, the objectives' once per copy; then targets and values.
    indicators = list(
        Indicator.objects.filter(
            models.Q(objective__cycle=source) | models.Q(entity_block__cycle=source)
        ).order_by("id")
    )
    rows: list[dict[str, Any]] = []
    keys: list[tuple[int, int]] = []
    for indicator in indicators:
        for k in copies if indicator.objective_id else (1,):
            rows.append(
                _fields(
                    indicator,
                    objective_id=objective_map[(indicator.objective_id, k)]
                    if indicator.objective_id
                    else None,
                    entity_block_id=blocks[indicator.entity_block_id]
                    if indicator.entity_block_id
                    else None,
                    annual_objective_id=annual[indicator.annual_objective_id]
                    if indicator.annual_objective_id
                    else None,
                    replaced_by_id=None,
                    lineage=uuid.UUID(int=indicator.lineage.int ^ k)
                    if k > 1
                    else indicator.lineage,
                )
            )
            keys.append((indicator.pk, k))
    indicator_map = {key: made.pk for key, made in zip(keys, _create(Indicator, rows), strict=True)}
    copies_of: dict[int, list[int]] = defaultdict(list)
    for (old, _copy), new in indicator_map.items():
        copies_of[old].append(new)
    _create(
        Target,
        (
            _fields(t, indicator_id=new)
            for t in Target.objects.filter(indicator_id__in=copies_of).order_by("id")
            for new in copies_of[t.indicator_id]
        ),
    )
    _create(
        Measurement,
        (
            _fields(m, indicator_id=new, period_id=periods[m.period_id])
            for m in Measurement.objects.filter(indicator_id__in=copies_of).order_by("id")
            for new in copies_of[m.indicator_id]
        ),
    )
    config = ScoringConfig.objects.filter(cycle=source).first()
    if config is not None:
        ScoringConfig.objects.create(**_fields(config, cycle_id=cycle.pk))
    _people(entity, source.entity, unit_map)
    return cycle


def _people(entity: Entity, source: Entity, unit_map: dict[tuple[int, int], int]) -> None:
    """The office and one dirigente, enough to read the pages of both."""
    users = get_user_model()
    office = users.objects.create_user(f"ufficio.{entity.code}", password=PASSWORD)
    Membership.objects.create(user=office, entity=entity, role=Role.PERFORMANCE_OFFICE)
    top = OrgUnit.objects.filter(entity=source, parent__isnull=True).order_by("code").first()
    if top is None:
        return
    person = Person.objects.create(entity=entity, display_name="Dirigente di prova")
    Assignment.objects.create(
        person=person,
        unit_id=unit_map[(top.pk, 1)],
        role=Assignment.Role.DIRIGENTE,
        start=datetime.date(2000, 1, 1),
    )
    manager = users.objects.create_user(f"dirigente.{entity.code}", password=PASSWORD)
    Membership.objects.create(user=manager, entity=entity, role=Role.DIRIGENTE, person=person)
