"""The plan's invariants, enforced by the database (so the importer cannot break them)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from traguardo.organisation.models import Entity, OrgUnit
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    ObjectiveAssignment,
    OperationalObjective,
    Revision,
    Target,
)


def make_indicator(**fields: object) -> Indicator:
    defaults: dict[str, object] = {
        "number": 1,
        "name": "Standard di servizio",
        "direction": Indicator.Direction.HIGHER,
        "weight": Decimal("50"),
    }
    return Indicator.objects.create(**(defaults | fields))


def test_it_rejects_an_indicator_with_both_an_objective_and_a_block(
    objective: OperationalObjective, block: EntityBlock
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(objective=objective, entity_block=block)


def test_it_rejects_an_indicator_with_no_owner(cycle: Cycle) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator()


def test_it_accepts_an_indicator_of_an_entity_block(block: EntityBlock) -> None:
    indicator = make_indicator(entity_block=block)
    assert list(block.indicators.all()) == [indicator]


@pytest.mark.parametrize("weight", ["100.001", "-0.001", "150"])
def test_it_rejects_a_weight_outside_0_to_100(objective: OperationalObjective, weight: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(objective=objective, weight=Decimal(weight))


@pytest.mark.parametrize("weight", ["0", "33.333", "100"])
def test_it_accepts_a_weight_from_0_to_100(objective: OperationalObjective, weight: str) -> None:
    indicator = make_indicator(objective=objective, weight=Decimal(weight))
    indicator.refresh_from_db()
    assert indicator.weight == Decimal(weight)


def test_it_rejects_a_direction_outside_the_choices(objective: OperationalObjective) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_indicator(objective=objective, direction="sideways")


def test_it_rejects_a_second_target_for_the_same_year(indicator: Indicator) -> None:
    Target.objects.create(indicator=indicator, year=2019, text="= 2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator=indicator, year=2019, text=">= 2")


def test_it_keeps_one_target_per_year_as_written(indicator: Indicator) -> None:
    Target.objects.create(indicator=indicator, year=2019, text="= 2")
    Target.objects.create(indicator=indicator, year=2020, text="===")
    assert [(t.year, t.text) for t in indicator.targets.all()] == [(2019, "= 2"), (2020, "===")]


def test_it_rejects_a_negative_block_weight(cycle: Cycle) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EntityBlock.objects.create(cycle=cycle, number=9, heading="x", weight_b=Decimal("-1"))


def test_it_rejects_a_second_cycle_for_the_same_year(cycle: Cycle) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(
            entity=cycle.entity, year=2019, plan_period_start=2019, plan_period_end=2021
        )


def test_it_rejects_a_cycle_year_outside_its_plan_period(entity: Entity) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(entity=entity, year=2022, plan_period_start=2019, plan_period_end=2021)


def test_it_rejects_a_second_revision_with_the_same_number(cycle: Cycle) -> None:
    Revision.objects.create(cycle=cycle, number=1, variations_count=41)
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(cycle=cycle, number=1)


def test_it_names_an_objective_by_unit_and_number(objective: OperationalObjective) -> None:
    assert objective.code == "2.4/1"


def test_it_rejects_two_objectives_with_the_same_number_in_a_unit(
    objective: OperationalObjective,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OperationalObjective.objects.create(
            cycle=objective.cycle, home_unit=objective.home_unit, number=1, title="Altro"
        )


@pytest.mark.parametrize(("year", "of"), [(1, None), (None, 2), (3, 2), (0, 2), (1, 1)])
def test_it_rejects_an_inconsistent_biennial_annuality(
    cycle: Cycle, units: dict[str, OrgUnit], year: int | None, of: int | None
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OperationalObjective.objects.create(
            cycle=cycle,
            home_unit=units["2.2"],
            number=1,
            title="RECUPERO BILANCIO ESERCIZIO 2015",
            biennial_year=year,
            biennial_of=of,
        )


def test_it_links_an_objective_to_its_annual_objectives(
    objective: OperationalObjective, annual_objective: AnnualObjective
) -> None:
    objective.annual_objectives.add(annual_objective)
    assert list(annual_objective.operational_objectives.all()) == [objective]


def test_it_shows_a_transversal_objective_in_each_unit_under_its_own_number(
    cycle: Cycle, units: dict[str, OrgUnit], objective: OperationalObjective
) -> None:
    ObjectiveAssignment.objects.create(
        cycle=cycle, objective=objective, unit=units["2.4"], local_number=1
    )
    ObjectiveAssignment.objects.create(
        cycle=cycle, objective=objective, unit=units["2.2"], local_number=3
    )
    in_2_2 = ObjectiveAssignment.objects.get(unit=units["2.2"], local_number=3)
    assert in_2_2.objective.code == "2.4/1"


def test_it_rejects_the_same_objective_twice_in_a_unit(
    cycle: Cycle, units: dict[str, OrgUnit], objective: OperationalObjective
) -> None:
    ObjectiveAssignment.objects.create(
        cycle=cycle, objective=objective, unit=units["2.2"], local_number=2
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveAssignment.objects.create(
            cycle=cycle, objective=objective, unit=units["2.2"], local_number=3
        )


def test_it_rejects_two_objectives_under_one_local_number(
    cycle: Cycle, units: dict[str, OrgUnit], objective: OperationalObjective
) -> None:
    other = OperationalObjective.objects.create(
        cycle=cycle, home_unit=units["2.3"], number=1, title="Altro"
    )
    ObjectiveAssignment.objects.create(
        cycle=cycle, objective=objective, unit=units["2.2"], local_number=2
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectiveAssignment.objects.create(
            cycle=cycle, objective=other, unit=units["2.2"], local_number=2
        )


def test_it_refuses_an_assignment_whose_cycle_is_not_the_objectives(
    entity: Entity, units: dict[str, OrgUnit], objective: OperationalObjective
) -> None:
    cycle_2020 = Cycle.objects.create(
        entity=entity, year=2020, plan_period_start=2020, plan_period_end=2022
    )
    assignment = ObjectiveAssignment(
        cycle=cycle_2020, objective=objective, unit=units["2.2"], local_number=1
    )
    with pytest.raises(ValidationError):
        assignment.full_clean()
