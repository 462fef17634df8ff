"""The cloner of bench/tenants.py at a tiny scale: two copies of the small world's
administration are complete (the same rows as the source, table by table) and isolated (no
row of a copy points to another administration's; each copy's office sees its own plan)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.world import World
from traguardo.accounts.models import Membership
from traguardo.monitoring.models import Measurement
from traguardo.ops.clone import clone_entity, rows_of
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle, Indicator, ObjectiveAssignment, OperationalObjective
from traguardo.scoring.services import score_cycle

CODES = ("pa002", "pa003")


@pytest.fixture
def copies(world: World) -> tuple[Entity, list[Entity]]:
    source = world.cycle.entity
    before = rows_of(source)
    report = clone_entity(source, CODES)
    assert report.rows_per_copy == before
    return source, [Entity.objects.get(code=code) for code in CODES]


def test_each_copy_has_every_row_of_the_source_and_only_its_own(
    world: World, copies: tuple[Entity, list[Entity]]
) -> None:
    source, clones = copies
    expected = rows_of(source)
    assert expected["plans_indicator"] >= 10 and expected["monitoring_measurement"] >= 10
    for clone in clones:
        # A copy's row pointing to the source's rows would be counted for both.
        assert rows_of(clone) == expected, clone.code
        assert clone.name == f"{source.name} ({clone.code})"


def test_copies_point_only_to_their_own_administration(
    copies: tuple[Entity, list[Entity]],
) -> None:
    source, clones = copies
    for entity in (source, *clones):
        cycles = Cycle.objects.filter(entity=entity)
        assert cycles.count() == 1
        objectives = OperationalObjective.objects.filter(cycle__entity=entity)
        assert set(objectives.values_list("home_unit__entity", flat=True)) == {entity.pk}
        shared = ObjectiveAssignment.objects.filter(cycle__entity=entity)
        assert set(shared.values_list("unit__entity", flat=True)) <= {entity.pk}
        values = Measurement.objects.filter(period__cycle__entity=entity)
        assert values.exists()
        assert (
            not values.exclude(indicator__objective__cycle__entity=entity)
            .exclude(indicator__entity_block__cycle__entity=entity)
            .exists()
        )
        members = Membership.objects.filter(entity=entity)
        suffix = "" if entity == source else f".{entity.code}"
        assert {m.user.username for m in members} >= {f"ufficio{suffix}", f"po{suffix}"}
        people = members.exclude(person=None).values_list("person__entity", flat=True)
        assert set(people) == {entity.pk}
    lineages = [
        set(Indicator.objects.filter(objective__cycle__entity=e).values_list("lineage", flat=True))
        for e in (source, *clones)
    ]
    assert not lineages[0] & lineages[1] and not lineages[1] & lineages[2]


def test_a_copy_scores_like_its_source(copies: tuple[Entity, list[Entity]]) -> None:
    source, clones = copies
    original = score_cycle(Cycle.objects.get(entity=source))
    copied = score_cycle(Cycle.objects.get(entity=clones[0]))
    assert copied.entity.performance == original.entity.performance
    assert [u.performance for u in copied.units] == [u.performance for u in original.units]


def test_a_copys_office_sees_its_own_plan_not_the_sources(
    copies: tuple[Entity, list[Entity]], sign_in: Callable[[str], Client]
) -> None:
    source, clones = copies
    clone = clones[0]
    office = sign_in(f"ufficio.{clone.code}")
    own = OperationalObjective.objects.filter(cycle__entity=clone).order_by("id").first()
    theirs = OperationalObjective.objects.filter(cycle__entity=source).order_by("id").first()
    assert own is not None and theirs is not None
    page = office.get(f"/{clone.code}/albero/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/{clone.code}/obiettivo/{own.pk}/" in html
    assert f"/obiettivo/{theirs.pk}/" not in html
    assert office.get(f"/{clone.code}/obiettivo/{own.pk}/").status_code == 200
    assert office.get(f"/{clone.code}/obiettivo/{theirs.pk}/").status_code in (403, 404)
    assert office.get(f"/{source.code}/albero/").status_code == 403
