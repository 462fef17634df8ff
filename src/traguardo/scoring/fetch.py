"""Read one cycle from the database into the core's plain data (:class:`traguardo.core.model.Plan`).

Fetch once, compute in pure Python: a handful of queries whatever the size of the plan.
"""

from __future__ import annotations

from collections import defaultdict

from traguardo.core.model import (
    Block,
    Card,
    CardObjective,
    Derivation,
    DerivedValue,
    Indicator,
    MissingPolicy,
    Objective,
    Plan,
    Role,
    Smvp,
    SynthesisRow,
    Unit,
    UnitKind,
    tree_order,
)
from traguardo.individual.models import ReportCard
from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import (
    Cycle,
    EntityBlock,
    ObjectiveAssignment,
    ScoringConfig,
    Target,
)
from traguardo.plans.models import Indicator as IndicatorRow


def fetch_plan(cycle: Cycle, period_code: str = Period.Code.FINAL) -> Plan:
    year = cycle.year
    targets: dict[int, str] = {}
    values: dict[int, str] = {}
    rows = list(
        IndicatorRow.objects.filter(objective__cycle=cycle).order_by("objective_id", "number", "id")
    ) + list(
        IndicatorRow.objects.filter(entity_block__cycle=cycle).order_by(
            "entity_block_id", "number", "id"
        )
    )
    for indicator_id, text in Target.objects.filter(
        indicator__in=[r.id for r in rows], year=year
    ).values_list("indicator_id", "text"):
        targets[indicator_id] = text
    for indicator_id, text in Measurement.objects.filter(
        period__cycle=cycle, period__code=period_code
    ).values_list("indicator_id", "text"):
        values[indicator_id] = text

    def indicator(row: IndicatorRow, key: str) -> Indicator:
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

    by_objective: dict[int, list[IndicatorRow]] = defaultdict(list)
    by_block: dict[int, list[IndicatorRow]] = defaultdict(list)
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
    for objective in cycle.operational_objectives.select_related("home_unit").order_by("id"):
        key = f"{objective.home_unit.code}/{objective.number}"
        keys[objective.id] = key
        objectives.append(
            Objective(
                key,
                objective.home_unit.code,
                objective.number,
                objective.title,
                tuple(
                    indicator(r, f"{key}#{row}")
                    for row, r in enumerate(by_objective[objective.id], start=1)
                ),
                tuple(assignments[objective.id]),
            )
        )

    blocks = tuple(
        Block(
            b.number,
            b.heading,
            b.weight_b,
            tuple(indicator(r, f"B{r.number}") for r in by_block[b.id]),
        )
        for b in EntityBlock.objects.filter(cycle=cycle).order_by("number")
    )
    units = tuple(
        Unit(u.code, UnitKind(u.kind), u.name, u.parent.code if u.parent else None, u.short)
        for u in tree_order(
            list(OrgUnit.objects.filter(entity=cycle.entity).select_related("parent")),
            lambda u: u.code,
            lambda u: u.parent.code if u.parent else None,
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
    config = ScoringConfig.objects.filter(cycle=cycle).first()
    options = config.options if config else {}
    smvp = Smvp(
        config.default_rule if config else "smvp",
        options.get("params", {}),
        MissingPolicy(options.get("missing_value", "zero")),
        MissingPolicy(options.get("not_measurable", "zero")),
    )
    return Plan(cycle.entity.name, year, units, blocks, tuple(objectives), tuple(cards), smvp)
