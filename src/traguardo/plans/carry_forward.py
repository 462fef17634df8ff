"""The yearly cycle: a new cycle of an administration, empty or carried forward from its
previous one.

`carry_forward(previous, year, plan)` builds the `year` cycle from `previous` (same
administration): the tree (strategic and annual objectives), the operational objectives
of the units valid on 1 January with their shared units, the indicators with their
weights and every year's target of the three-year plan (the new cycle reads its own year's),
the Allegato B blocks and their weights, and the SMVP settings (ScoringConfig). Posts held
at the year's turn continue: an assignment that ended on 31 December is renewed for the
new year. Each carried indicator keeps its identity (`Indicator.lineage`).

`preview` says first what would be carried and what is missing (indicators without a
target for the year, objectives of closed units, what is never carried), without writing;
`carry_forward(..., dry_run=False)` writes it all in one transaction with one summary
entry in the audit trail. Periods, values and report cards are not the plan's: monitoring
adds the periods (monitoring.cycles), values start empty, cards are defined anew.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from traguardo.audit.recorder import record_loaded
from traguardo.core.readings import TargetFormatError, TargetKind, parse_target
from traguardo.organisation.models import Assignment, Entity, OrgUnit
from traguardo.plans import versions
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
from traguardo.plans.onboarding import OnboardingRefused


@dataclass
class Preview:
    """What a new cycle gets, and what the office must still do."""

    entity: Entity
    year: int
    plan: tuple[int, int]
    source: Cycle | None
    carried: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # to be completed by the office
    not_carried: list[str] = field(default_factory=list)  # left behind, with the reason

    def as_text(self) -> str:
        head = (
            f"Ciclo {self.year} dell'ente «{self.entity.code}» (piano "
            f"{self.plan[0]}-{self.plan[1]})"
        )
        if self.source is None:
            return head + ": ciclo vuoto (nessun ciclo precedente da cui partire)."
        lines = [head + f", dal ciclo {self.source.year}:", "Riportati:"]
        lines += [f"  {label}: {count}" for label, count in self.carried.items()]
        lines.append(f"Da completare ({len(self.missing)}):")
        lines += [f"  - {item}" for item in self.missing] or ["  nulla"]
        lines.append("Non riportati:")
        lines += [f"  - {item}" for item in self.not_carried]
        return "\n".join(lines)


def parse_plan(text: str) -> tuple[int, int]:
    """`2019-2021` → (2019, 2021), with a clear message for anything else."""
    first, sep, last = text.strip().partition("-")
    if not (first.isdigit() and last.isdigit() and sep):
        raise OnboardingRefused(
            f"piano «{text}» non valido: indica il primo e l'ultimo anno, es. 2019-2021"
        )
    span = (int(first), int(last))
    if span[0] > span[1] or span[1] - span[0] > 9:
        raise OnboardingRefused(f"piano «{text}» non valido: es. 2019-2021")
    return span


def _check(entity: Entity, year: int, plan: tuple[int, int], source: Cycle | None) -> None:
    if not plan[0] <= year <= plan[1]:
        raise OnboardingRefused(
            f"l'anno {year} è fuori dal piano {plan[0]}-{plan[1]}: indica un piano che lo "
            "comprenda (--plan)"
        )
    if Cycle.objects.filter(entity=entity, year=year).exists():
        raise OnboardingRefused(f"l'ente «{entity.code}» ha già un ciclo {year}")
    if source is not None:
        if source.entity_id != entity.pk:
            raise OnboardingRefused("il ciclo di partenza è di un altro ente")
        if source.year >= year:
            raise OnboardingRefused(
                f"il ciclo di partenza ({source.year}) deve precedere il nuovo ({year})"
            )


def _indicator_label(indicator: Indicator) -> str:
    if indicator.entity_block_id is not None:
        where = f"Allegato B n. {indicator.number}"
    else:
        objective = indicator.objective
        assert objective is not None
        where = f"obiettivo {objective.home_unit.code}/{objective.number} #{indicator.number}"
    return f"{where} «{indicator.name[:70]}»"


def _has_target(text: str | None) -> bool:
    if not text or not text.strip():
        return False
    try:
        return parse_target(text).kind is not TargetKind.NONE
    except TargetFormatError:
        return True  # written, if oddly: the office sees it in the plan's checks


def _unit_valid(unit: OrgUnit, day: datetime.date) -> bool:
    return unit.valid_from <= day and (unit.valid_to is None or unit.valid_to >= day)


def _objectives(source: Cycle) -> list[OperationalObjective]:
    return list(
        OperationalObjective.objects.filter(cycle=source, replaced_by__isnull=True)
        .select_related("home_unit")
        .prefetch_related("annual_objectives", "assignments__unit")
        .order_by("home_unit__code", "number")
    )


def _indicators(source: Cycle) -> list[Indicator]:
    objective_ones = Indicator.objects.filter(
        objective__cycle=source, objective__replaced_by__isnull=True
    )
    block_ones = Indicator.objects.filter(entity_block__cycle=source)
    return list(
        (objective_ones | block_ones)
        .filter(replaced_by__isnull=True)
        .select_related("objective__home_unit", "entity_block", "annual_objective")
        .prefetch_related("targets")
        .order_by(
            "entity_block__number", "objective__home_unit__code", "objective__number", "number"
        )
    )


def preview(entity: Entity, year: int, plan: tuple[int, int], source: Cycle | None) -> Preview:
    """What `carry_forward` would do, without writing anything."""
    _check(entity, year, plan, source)
    result = Preview(entity=entity, year=year, plan=plan, source=source)
    if source is None:
        return result
    day = datetime.date(year, 1, 1)
    objectives = _objectives(source)
    kept = {o.pk for o in objectives if _carried_objective(o, day, result)}
    indicators = [
        i for i in _indicators(source) if i.objective_id is None or i.objective_id in kept
    ]
    # Indicators with no target for the year; an objective none of whose indicators has
    # one is named once (the seed's operational plan is annual: most of it, in the demo).
    lacking: dict[int | None, list[tuple[Indicator, str | None]]] = {}
    counts: dict[int | None, int] = {}
    for indicator in indicators:
        counts[indicator.objective_id] = counts.get(indicator.objective_id, 0) + 1
        text = next((t.text for t in indicator.targets.all() if t.year == year), None)
        if not _has_target(text):
            lacking.setdefault(indicator.objective_id, []).append((indicator, text))
    for objective_id, items in lacking.items():
        objective = items[0][0].objective
        if objective is not None and len(items) == counts[objective_id] and len(items) > 1:
            result.missing.append(
                f"obiettivo {objective.home_unit.code}/{objective.number} "
                f"«{objective.title[:60]}»: nessun target {year} per i suoi {len(items)} "
                "indicatori"
            )
            continue
        for indicator, text in items:
            shown = f" («{text}»)" if text else ""
            result.missing.append(f"{_indicator_label(indicator)}: nessun target {year}{shown}")
    renewals, vacated = _renewals(entity, year)
    result.missing += [f"incarico non rinnovato: {item}" for item in vacated]
    result.carried = {
        "obiettivi strategici": StrategicObjective.objects.filter(cycle=source).count(),
        "obiettivi annuali": AnnualObjective.objects.filter(strategic__cycle=source).count(),
        "obiettivi operativi": len(kept),
        "blocchi dell'Allegato B": EntityBlock.objects.filter(cycle=source).count(),
        "indicatori (con pesi e target del piano)": len(indicators),
        "impostazioni SMVP": ScoringConfig.objects.filter(cycle=source).count(),
        f"incarichi rinnovati per il {year}": len(renewals),
    }
    result.not_carried += [
        "valori di monitoraggio ed evidenze (il nuovo ciclo parte vuoto)",
        "schede di valutazione individuale (da definire per il nuovo anno)",
        "atti e revisioni del piano",
    ]
    return result


def _carried_objective(
    objective: OperationalObjective, day: datetime.date, result: Preview
) -> bool:
    label = f"obiettivo {objective.home_unit.code}/{objective.number} «{objective.title[:60]}»"
    if not _unit_valid(objective.home_unit, day):
        result.not_carried.append(f"{label}: l'unità {objective.home_unit.code} non c'è più")
        return False
    done = objective.biennial_year and objective.biennial_of
    if done and objective.biennial_year >= objective.biennial_of:  # type: ignore[operator]
        result.not_carried.append(
            f"{label}: concluso (annualità {objective.biennial_year} di {objective.biennial_of})"
        )
        return False
    return True


def _renewals(entity: Entity, year: int) -> tuple[list[Assignment], list[str]]:
    """Assignments ending on 31 December of the previous year whose person holds no post
    on 1 January (they continue), and the posts that cannot (their unit is closed)."""
    end = datetime.date(year - 1, 12, 31)
    day = datetime.date(year, 1, 1)
    in_post = set(
        Assignment.objects.on(day).filter(person__entity=entity).values_list("person_id", flat=True)
    )
    renew: list[Assignment] = []
    vacated: list[str] = []
    for assignment in (
        Assignment.objects.filter(person__entity=entity, end=end)
        .select_related("person", "unit")
        .order_by("unit__code", "person__display_name")
    ):
        if assignment.person_id in in_post:
            continue
        if not _unit_valid(assignment.unit, day):
            vacated.append(f"{assignment.person} ({assignment.unit.code}: unità chiusa)")
            continue
        renew.append(assignment)
    return renew, vacated


@transaction.atomic
def new_cycle(
    entity: Entity, year: int, plan: tuple[int, int], source: Cycle | None = None
) -> tuple[Cycle, Preview]:
    """Create the `year` cycle (draft), carried forward from `source` when given."""
    result = preview(entity, year, plan, source)
    cycle = Cycle.objects.create(
        entity=entity,
        year=year,
        plan_period_start=plan[0],
        plan_period_end=plan[1],
        state=Cycle.State.DRAFT,
    )
    if source is not None:
        _copy(source, cycle, result)
        note = f"Ciclo {year} riportato dal ciclo {source.year}"
    else:
        note = f"Nuovo ciclo {year}"
    record_loaded(note, cycle)
    versions.bump_entity(entity.pk)
    return cycle, result


def _copy(source: Cycle, cycle: Cycle, result: Preview) -> None:
    day = datetime.date(cycle.year, 1, 1)
    annual: dict[int, AnnualObjective] = {}
    for strategic in StrategicObjective.objects.filter(cycle=source).order_by("code"):
        copy = StrategicObjective.objects.create(
            cycle=cycle, code=strategic.code, kind=strategic.kind, title=strategic.title
        )
        for item in AnnualObjective.objects.filter(strategic=strategic).order_by("code"):
            annual[item.pk] = AnnualObjective.objects.create(
                strategic=copy, code=item.code, kind=item.kind, title=item.title
            )
    objectives: dict[int, OperationalObjective] = {}
    scratch = Preview(entity=cycle.entity, year=cycle.year, plan=result.plan, source=source)
    for objective in _objectives(source):
        if not _carried_objective(objective, day, scratch):
            continue
        biennial_year = objective.biennial_year
        if biennial_year and objective.biennial_of:
            biennial_year += 1
        new = OperationalObjective.objects.create(
            cycle=cycle,
            home_unit=objective.home_unit,
            number=objective.number,
            title=objective.title,
            category=objective.category,
            transversal_text=objective.transversal_text,
            description=objective.description,
            work_programme=objective.work_programme,
            art67_scheda=objective.art67_scheda,
            biennial_year=biennial_year,
            biennial_of=objective.biennial_of,
        )
        new.annual_objectives.set(
            [annual[a.pk] for a in objective.annual_objectives.all() if a.pk in annual]
        )
        for shared in objective.assignments.all():
            if _unit_valid(shared.unit, day):
                ObjectiveAssignment.objects.create(
                    cycle=cycle, objective=new, unit=shared.unit, local_number=shared.local_number
                )
        objectives[objective.pk] = new
    blocks: dict[int, EntityBlock] = {}
    for block in EntityBlock.objects.filter(cycle=source).order_by("number"):
        blocks[block.pk] = EntityBlock.objects.create(
            cycle=cycle,
            number=block.number,
            heading=block.heading,
            weight_b=block.weight_b,
            annual_objective=annual.get(block.annual_objective_id or 0),
        )
    targets: list[Target] = []
    for indicator in _indicators(source):
        if indicator.objective_id is not None and indicator.objective_id not in objectives:
            continue
        new_indicator = Indicator.objects.create(
            objective=objectives.get(indicator.objective_id or 0),
            entity_block=blocks.get(indicator.entity_block_id or 0),
            number=indicator.number,
            name=indicator.name,
            method=indicator.method,
            source=indicator.source,
            kind=indicator.kind,
            unit_label=indicator.unit_label,
            direction=indicator.direction,
            weight=indicator.weight,
            art67=indicator.art67,
            phase=indicator.phase,
            annual_objective=annual.get(indicator.annual_objective_id or 0),
            scoring_rule=indicator.scoring_rule,
            rule_params=indicator.rule_params,
            derived_spec=indicator.derived_spec,
            lineage=indicator.lineage,
        )
        targets += [
            Target(indicator=new_indicator, year=t.year, text=t.text)
            for t in indicator.targets.all()
        ]
    Target.objects.bulk_create(targets)
    config = ScoringConfig.objects.filter(cycle=source).first()
    if config is not None:
        ScoringConfig.objects.create(
            cycle=cycle, default_rule=config.default_rule, options=config.options
        )
    renew, _vacated = _renewals(cycle.entity, cycle.year)
    for assignment in renew:
        Assignment.objects.create(
            person=assignment.person,
            unit=assignment.unit,
            role=assignment.role,
            start=day,
            end=datetime.date(cycle.year, 12, 31),
        )
