"""Read one cycle from the database into the core's plain data (:class:`traguardo.core.model.Plan`).

Fetch once, compute in pure Python: a handful of queries whatever the size of the plan.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from traguardo.core.model import (
    AnnualGoal,
    Block,
    Card,
    CardObjective,
    Derivation,
    DerivedValue,
    Indicator,
    Objective,
    Plan,
    Role,
    StrategicGoal,
    SynthesisRow,
    Unit,
    UnitKind,
    code_key,
    tree_order,
)
from traguardo.individual.models import ReportCard
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    ObjectiveAssignment,
    OperationalObjective,
    StrategicObjective,
    Target,
)
from traguardo.plans.models import Indicator as IndicatorRow
from traguardo.plans.smvp_settings import cycle_smvp


def fetch_plan(cycle: Cycle, period_code: str = Period.Code.FINAL) -> Plan:
    year = cycle.year
    targets: dict[int, str] = {}
    values: dict[int, str] = {}
    # Plain tuples, not model instances: building ~700 instances cost more than the
    # queries and the scoring together.
    fields = (
        "id",
        "objective_id",
        "entity_block_id",
        "number",
        "name",
        "weight",
        "scoring_rule",
        "rule_params",
        "derived_spec",
    )
    rows = list(
        IndicatorRow.objects.filter(objective__cycle=cycle)
        .order_by("objective_id", "number", "id")
        .values_list(*fields, named=True)
    ) + list(
        IndicatorRow.objects.filter(entity_block__cycle=cycle)
        .order_by("entity_block_id", "number", "id")
        .values_list(*fields, named=True)
    )
    targets.update(
        Target.objects.filter(indicator__objective__cycle=cycle, year=year).values_list(
            "indicator_id", "text"
        )
    )
    targets.update(
        Target.objects.filter(indicator__entity_block__cycle=cycle, year=year).values_list(
            "indicator_id", "text"
        )
    )
    values.update(
        Measurement.objects.filter(period__cycle=cycle, period__code=period_code).values_list(
            "indicator_id", "text"
        )
    )

    def indicator(row: Any, key: str) -> Indicator:
        spec = row.derived_spec or {}
        derived = (
            DerivedValue(
                Derivation(spec["kind"]),
                spec.get("of", ""),
                tuple(UnitKind(k) for k in spec.get("unit_kinds", [])),
                bool(spec.get("leaves_only")),
            )
            if spec.get("kind")
            else None
        )
        return Indicator(
            key=key,
            number=row.number,
            name=row.name,
            target=targets.get(row.id, ""),
            value=values.get(row.id, ""),
            weight=row.weight,
            rule=row.scoring_rule or None,
            params=row.rule_params or {},
            derived=derived,
        )

    by_objective: dict[int, list[Any]] = defaultdict(list)
    by_block: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        if row.objective_id is not None:
            by_objective[row.objective_id].append(row)
        elif row.entity_block_id is not None:
            by_block[row.entity_block_id].append(row)

    assignments: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for objective_id, unit_code, number in (
        ObjectiveAssignment.objects.filter(cycle=cycle)
        .order_by("id")
        .values_list("objective_id", "unit__code", "local_number")
    ):
        assignments[objective_id].append((unit_code, number))

    objectives = []
    keys: dict[int, str] = {}
    for objective_id, unit_code, number, title in cycle.operational_objectives.order_by(
        "id"
    ).values_list("id", "home_unit__code", "number", "title"):
        key = f"{unit_code}/{number}"
        keys[objective_id] = key
        objectives.append(
            Objective(
                key,
                unit_code,
                number,
                title,
                tuple(
                    indicator(r, f"{key}#{row}")
                    for row, r in enumerate(by_objective[objective_id], start=1)
                ),
                tuple(assignments[objective_id]),
            )
        )

    blocks = tuple(
        Block(number, heading, weight_b, tuple(indicator(r, f"B{r.number}") for r in by_block[pk]))
        for pk, number, heading, weight_b in EntityBlock.objects.filter(cycle=cycle)
        .order_by("number")
        .values_list("id", "number", "heading", "weight_b")
    )
    units = tuple(
        Unit(code, UnitKind(kind), name, parent, short)
        for code, kind, name, parent, short in tree_order(
            list(
                OrgUnit.objects.filter(entity=cycle.entity_id).values_list(
                    "code", "kind", "name", "parent__code", "short"
                )
            ),
            lambda u: u[0],
            lambda u: u[3],
        )
    )
    cards = []
    for card in ReportCard.objects.filter(cycle=cycle).prefetch_related(
        "units", "objectives", "synthesis_rows"
    ):
        cards.append(
            Card(
                card.key,
                Role(card.role),
                card.title,
                tuple(u.code for u in sorted(card.units.all(), key=lambda u: u.code)),
                tuple(CardObjective(o.number, keys[o.objective_id]) for o in card.objectives.all()),
                tuple(
                    SynthesisRow(s.label, tuple(s.objective_numbers))
                    for s in card.synthesis_rows.all()
                ),
            )
        )
    smvp = cycle_smvp(cycle)
    return Plan(
        cycle.entity.name,
        year,
        units,
        blocks,
        tuple(objectives),
        tuple(cards),
        smvp,
        _strategic_goals(cycle, keys),
    )


def _strategic_goals(cycle: Cycle, keys: dict[int, str]) -> tuple[StrategicGoal, ...]:
    """The tree above the operational objectives, with each annual objective's pursuers."""
    pursued: dict[int, list[str]] = defaultdict(list)
    for annual_id, objective_id in OperationalObjective.annual_objectives.through.objects.filter(
        operationalobjective__cycle=cycle
    ).values_list("annualobjective_id", "operationalobjective_id"):
        if objective_id in keys:
            pursued[annual_id].append(keys[objective_id])
    annual: dict[int, list[AnnualGoal]] = defaultdict(list)
    for pk, strategic_id, code, title in AnnualObjective.objects.filter(
        strategic__cycle=cycle
    ).values_list("id", "strategic_id", "code", "title"):
        annual[strategic_id].append(AnnualGoal(code, title, tuple(sorted(pursued[pk]))))
    return tuple(
        StrategicGoal(code, title, tuple(sorted(annual[pk], key=lambda a: code_key(a.code))))
        for pk, code, title in sorted(
            StrategicObjective.objects.filter(cycle=cycle).values_list("id", "code", "title"),
            key=lambda row: code_key(row[1]),
        )
    )
