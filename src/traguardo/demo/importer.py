"""Write a whole cycle read from YAML files (:mod:`traguardo.demo.fixture`) to the database.

All or nothing: one transaction. Re-importing the same year replaces that cycle (its
units, people and plan) so the command can be run again safely.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import translation

from traguardo.accounts.models import Membership
from traguardo.audit.recorder import record_loaded
from traguardo.core.readings import ReadingKind, parse_reading
from traguardo.demo.fixture import DemoCycle, IndicatorRecord
from traguardo.individual.models import ReportCard, ReportCardObjective, SynthesisRow
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import READING_KINDS
from traguardo.organisation.models import Assignment, Entity, OrgUnit, Person
from traguardo.plans import versions
from traguardo.plans.models import (
    Act,
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    Revision,
    RevisionChange,
    ScoringConfig,
    StrategicObjective,
    Target,
)

DEMO_CODE = "tvbl"  # the demo administration's code (Entity.code)

_INDICATOR_KINDS = {
    "numerico": Indicator.Kind.NUMERIC,
    "percentuale": Indicator.Kind.PERCENTAGE,
    "si/no": Indicator.Kind.YES_NO,
    "economico": Indicator.Kind.MONETARY,
}


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


@transaction.atomic
def import_cycle(demo: DemoCycle) -> Cycle:
    """Replace the stored cycle with the fixture's; the audit trail gets one summary entry
    (thousands of rows are created, a row-by-row history of them would say nothing) and
    the new cycle starts with its own data version (the entity's other cycles are bumped:
    its units and people were replaced)."""
    cycle = _import_cycle(demo)
    record_loaded(f"Caricamento del ciclo {demo.year} dai dati dimostrativi", cycle)
    versions.bump_entity(cycle.entity_id)
    return cycle


def _import_cycle(demo: DemoCycle) -> Cycle:
    info = demo.cycle.get("entity", {})
    website = str(info.get("website", ""))
    entity, _ = Entity.objects.update_or_create(
        name=info.get("name", "Ente"),
        create_defaults={
            "code": info.get("code", DEMO_CODE),
            "short_name": info.get("short_name", ""),
            "kind": Entity.Kind.CAMERA_COMMERCIO,
            "website": website
            if website.startswith("http") or not website
            else f"https://{website}",
        },
        defaults={
            "short_name": info.get("short_name", ""),
            "kind": Entity.Kind.CAMERA_COMMERCIO,
            "website": website
            if website.startswith("http") or not website
            else f"https://{website}",
        },
    )
    start = datetime.date(demo.year, 1, 1)
    # The demo administration's data is replaced as a whole (its later cycles use its
    # units and people); the users keep their roles, linked again to the same posts.
    roles = _detach_roles(entity)
    for old in Cycle.objects.filter(entity=entity).order_by("-year"):
        _delete_cycle(old)
    _delete_people_and_units(entity)
    first, _, last = str(
        demo.cycle.get("cycle", {}).get("plan_period", f"{demo.year}-{demo.year + 2}")
    ).partition("-")
    cycle = Cycle.objects.create(
        entity=entity,
        year=demo.year,
        plan_period_start=int(first),
        plan_period_end=int(last or first),
        state=Cycle.State.CLOSED,
    )
    acts = _acts(cycle, demo)
    revisions = _revisions(cycle, demo, acts)
    annual = _tree(cycle, demo, revisions)
    units = _units(entity, demo, start)
    _people(entity, demo, units, start)
    period = Period.objects.create(
        cycle=cycle, code=Period.Code.FINAL, date=datetime.date(demo.year, 12, 31), closed=True
    )
    Period.objects.create(
        cycle=cycle, code=Period.Code.INTERIM, date=datetime.date(demo.year, 6, 30), closed=True
    )
    objectives = _objectives(cycle, demo, units, annual, revisions, period)
    _blocks(cycle, demo, annual, period)
    ScoringConfig.objects.create(
        cycle=cycle,
        default_rule=demo.smvp.rule,
        options={
            "params": dict(demo.smvp.params),
            "missing_value": demo.smvp.missing_value.value,
            "not_measurable": demo.smvp.not_measurable.value,
        },
    )
    _cards(cycle, demo, units, objectives)
    _reattach_roles(entity, roles)
    return cycle


def _delete_cycle(cycle: Cycle) -> None:
    # The plan's rows protect one another (history must not vanish by accident): delete
    # them explicitly, leaves first.
    ReportCard.objects.filter(cycle=cycle).delete()
    Indicator.objects.filter(entity_block__cycle=cycle).delete()
    Indicator.objects.filter(objective__cycle=cycle).delete()
    ObjectiveAssignment.objects.filter(cycle=cycle).delete()
    OperationalObjective.objects.filter(cycle=cycle).delete()
    EntityBlock.objects.filter(cycle=cycle).delete()
    AnnualObjective.objects.filter(strategic__cycle=cycle).delete()
    StrategicObjective.objects.filter(cycle=cycle).delete()
    RevisionChange.objects.filter(revision__cycle=cycle).delete()
    Revision.objects.filter(cycle=cycle).delete()
    Act.objects.filter(cycle=cycle).delete()
    cycle.delete()


def _detach_roles(entity: Entity) -> list[tuple[int, int, str, str]]:
    """Remove the roles linked to the entity's people (they protect them), remembering
    (user, entity, role, person's name) to link them again once the people are loaded."""
    linked = Membership.objects.filter(person__entity=entity).select_related("person")
    saved = [(m.user_id, m.entity_id, m.role, m.person.display_name) for m in linked if m.person]
    Membership.objects.filter(person__entity=entity).delete()
    return saved


def _reattach_roles(entity: Entity, saved: list[tuple[int, int, str, str]]) -> None:
    people = {p.display_name: p for p in Person.objects.filter(entity=entity)}
    for user_id, entity_id, role, name in saved:
        if name in people:  # a post the demo no longer has: the role goes with it
            Membership.objects.get_or_create(
                user_id=user_id, entity_id=entity_id, role=role, defaults={"person": people[name]}
            )


def _delete_people_and_units(entity: Entity) -> None:
    Assignment.objects.filter(person__entity=entity).delete()
    Person.objects.filter(entity=entity).delete()
    # children before parents: units are protected against deleting a parent first
    for unit in sorted(OrgUnit.objects.filter(entity=entity), key=lambda u: -u.code.count(".")):
        unit.delete()


def _acts(cycle: Cycle, demo: DemoCycle) -> dict[str, Act]:
    acts: dict[str, Act] = {}
    valid = set(Act.Kind.values)
    for item in demo.cycle.get("cycle", {}).get("acts", []):
        act = Act.objects.create(
            cycle=cycle,
            kind=item.get("kind") if item.get("kind") in valid else Act.Kind.OTHER,
            body=item.get("body") or "",
            act_type=item.get("act") or "",
            number=str(item.get("number") or ""),
            date=_date(item.get("date")),
            subject=item.get("subject") or "",
        )
        acts[f"{act.act_type}:{act.number}"] = act
    return acts


def _revisions(cycle: Cycle, demo: DemoCycle, acts: dict[str, Act]) -> dict[int, Revision]:
    revisions: dict[int, Revision] = {}
    for item in demo.cycle.get("revisions", []):
        act_info = item.get("act") or {}
        revision = Revision.objects.create(
            cycle=cycle,
            number=item["number"],
            reason=item.get("reason") or "",
            act=acts.get(f"{act_info.get('act', '')}:{act_info.get('number', '')}"),
            variations_count=item.get("variations_count"),
        )
        for change in item.get("changes", []):
            kind = change.get("kind")
            RevisionChange.objects.create(
                revision=revision,
                text=change.get("text", ""),
                kind=kind if kind in RevisionChange.Kind.values else RevisionChange.Kind.OTHER,
            )
        revisions[revision.number] = revision
    return revisions


def _tree(
    cycle: Cycle, demo: DemoCycle, revisions: dict[int, Revision]
) -> dict[str, AnnualObjective]:
    annual: dict[str, AnnualObjective] = {}
    for item in demo.tree:
        strategic = StrategicObjective.objects.create(
            cycle=cycle,
            code=str(item["code"]),
            title=item["title"],
            kind=StrategicObjective.Kind.INSTRUMENT
            if item.get("kind") == "strumento"
            else StrategicObjective.Kind.STRATEGIC,
        )
        for child in item.get("annual", []):
            annual[str(child["code"])] = AnnualObjective.objects.create(
                strategic=strategic,
                code=str(child["code"]),
                title=child["title"],
                kind=AnnualObjective.Kind.INSTRUMENT
                if "strumento" in str(child.get("kind"))
                else AnnualObjective.Kind.ANNUAL,
                new_in_revision=revisions.get(child.get("new_in_revision") or 0),
            )
    return annual


def _units(entity: Entity, demo: DemoCycle, start: datetime.date) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for record in demo.units:  # parents come first: the loader orders the tree depth-first
        units[record.code] = OrgUnit.objects.create(
            entity=entity,
            code=record.code,
            short=record.short,
            name=record.name[:500],
            kind=record.kind.value,
            parent=units.get(record.parent or ""),
            valid_from=start,
        )
    return units


def _people(
    entity: Entity, demo: DemoCycle, units: dict[str, OrgUnit], start: datetime.date
) -> None:
    end = datetime.date(demo.year, 12, 31)
    for post in demo.posts:
        person = Person.objects.create(
            entity=entity, display_name=f"{post.get('title', '')} ({post['key']})"
        )
        rotation = post.get("rotation") or {}
        switch = _date(rotation.get("date"))
        for code in post.get("units", []):
            if switch and rotation.get("from_unit"):
                Assignment.objects.create(
                    person=person,
                    unit=units[str(rotation["from_unit"])],
                    role=post["role"],
                    start=start,
                    end=switch - datetime.timedelta(days=1),
                )
                Assignment.objects.create(
                    person=person, unit=units[code], role=post["role"], start=switch, end=end
                )
            else:
                Assignment.objects.create(
                    person=person, unit=units[code], role=post["role"], start=start, end=end
                )


def _indicator_fields(record: IndicatorRecord, demo: DemoCycle) -> dict[str, Any]:
    derived = demo.derived.get(record.key)
    return {
        "number": record.number,
        "name": record.name,
        "method": record.method,
        "source": record.source[:255],
        "kind": _INDICATOR_KINDS.get(record.type.lower(), ""),
        "weight": record.weight,
        "art67": record.art67,
        "phase": record.phase,
        "direction": Indicator.Direction.DERIVED
        if derived
        else Indicator.Direction.of_target(record.targets.get(demo.year, "")),
        "derived_spec": {
            "kind": derived.kind.value,
            "of": derived.indicator_name,
            "unit_kinds": [k.value for k in derived.unit_kinds],
            "leaves_only": derived.leaves_only,
        }
        if derived
        else {},
    }


def _measure(indicator: Indicator, record: IndicatorRecord, period: Period) -> None:
    for year, text in record.targets.items():
        Target.objects.create(indicator=indicator, year=year, text=text)
    with translation.override("it"):  # its reason is stored: data, in Italian
        reading = parse_reading(record.value)
    if reading.kind is ReadingKind.EMPTY:
        return
    Measurement.objects.create(
        indicator=indicator,
        period=period,
        text=record.value,
        number=reading.number,
        reading_kind=READING_KINDS[reading.kind],
        comment=record.comment,
        not_measurable_reason=reading.reason if reading.kind is ReadingKind.NOT_MEASURABLE else "",
    )


def _objectives(
    cycle: Cycle,
    demo: DemoCycle,
    units: dict[str, OrgUnit],
    annual: dict[str, AnnualObjective],
    revisions: dict[int, Revision],
    period: Period,
) -> dict[str, OperationalObjective]:
    objectives: dict[str, OperationalObjective] = {}
    for record in demo.objectives:
        objective = OperationalObjective.objects.create(
            cycle=cycle,
            home_unit=units[record.unit],
            number=record.number,
            title=record.title,
            category=record.category,
            transversal_text=record.transversal,
            description=record.description,
            work_programme=record.work_programme,
            art67_scheda=record.art67_scheda,
            biennial_year=record.biennial[0] if record.biennial else None,
            biennial_of=record.biennial[1] if record.biennial else None,
            revised_by=revisions.get(record.revised_by or 0),
        )
        objective.annual_objectives.set(
            [annual[c] for c in record.annual_objectives if c in annual]
        )
        for assignment in record.assignments:
            ObjectiveAssignment.objects.create(
                cycle=cycle,
                objective=objective,
                unit=units[assignment.unit],
                local_number=assignment.number,
            )
        for indicator_record in record.indicators:
            indicator = Indicator.objects.create(
                objective=objective,
                annual_objective=annual.get(indicator_record.annual_objective or ""),
                **_indicator_fields(indicator_record, demo),
            )
            _measure(indicator, indicator_record, period)
        objectives[record.key] = objective
    return objectives


def _blocks(
    cycle: Cycle, demo: DemoCycle, annual: dict[str, AnnualObjective], period: Period
) -> None:
    for record in demo.blocks:
        block = EntityBlock.objects.create(
            cycle=cycle,
            number=record.number,
            heading=record.heading,
            annual_objective=annual.get(record.annual_objective or ""),
            weight_b=record.weight_b,
        )
        for indicator_record in record.indicators:
            indicator = Indicator.objects.create(
                entity_block=block,
                annual_objective=annual.get(indicator_record.annual_objective or ""),
                **_indicator_fields(indicator_record, demo),
            )
            _measure(indicator, indicator_record, period)


def _cards(
    cycle: Cycle,
    demo: DemoCycle,
    units: dict[str, OrgUnit],
    objectives: dict[str, OperationalObjective],
) -> None:
    people = {
        p.display_name.rsplit("(", 1)[-1].rstrip(")"): p
        for p in Person.objects.filter(entity=cycle.entity)
    }
    for record in demo.cards:
        card = ReportCard.objects.create(
            cycle=cycle,
            key=record.key,
            role=record.role.value,
            title=record.title[:500],
            person=people.get(record.key),
            note=record.note,
        )
        card.units.set([units[c] for c in record.units])
        for objective in record.objectives:
            ReportCardObjective.objects.create(
                card=card,
                number=objective.number,
                objective=objectives[objective.ref],
                kind_label=objective.kind[:200],
                results=objective.results,
            )
        for position, row in enumerate(record.synthesis, start=1):
            SynthesisRow.objects.create(
                card=card,
                position=position,
                label=row.label,
                objective_numbers=list(row.objectives),
            )
