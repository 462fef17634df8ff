"""Plan editor: validation shown with what and where, moves without cycles, locking."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from tests.plans.helpers import indicator_post, open_revision, target_of, text
from tests.world import World
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    OperationalObjective,
    RevisionChange,
    StrategicObjective,
)


def _objective_with(cycle: Cycle, count: int) -> OperationalObjective:
    for objective in OperationalObjective.objects.filter(cycle=cycle).order_by("pk"):
        if objective.indicators.count() == count:
            return objective
    raise AssertionError(f"no objective with {count} indicators")


def test_an_approved_plan_changes_only_inside_a_revision(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    indicator = _objective_with(world.cycle, 2).indicators.first()
    assert indicator is not None
    old = target_of(indicator, world.cycle.year)
    url = reverse("plans:indicator", args=[indicator.pk])
    response = client.post(
        url, indicator_post(indicator, **{f"target_{world.cycle.year}": ">= 5", "confirmed": "on"})
    )
    assert "apri prima una revisione" in text(response)
    assert target_of(indicator, world.cycle.year) == old


def test_weights_must_sum_to_100(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    objective = _objective_with(world.cycle, 2)
    first, second = objective.indicators.order_by("number")
    url = reverse("plans:objective_weights", args=[objective.pk])
    response = client.post(
        url, {f"w-weight_{first.pk}": "60", f"w-weight_{second.pk}": "30"}, follow=True
    )
    page = text(response)
    assert f"Obiettivo {objective.code}: I pesi degli indicatori sommano a 90" in page
    first.refresh_from_db()
    assert first.weight == Decimal(50) or first.weight != Decimal(60)
    assert not RevisionChange.objects.filter(revision=revision, field="peso").exists()

    response = client.post(
        url, {f"w-weight_{first.pk}": "60,5", f"w-weight_{second.pk}": "39,5"}, follow=True
    )
    assert "Pesi salvati" in text(response)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.weight, second.weight) == (Decimal("60.5"), Decimal("39.5"))
    assert RevisionChange.objects.filter(revision=revision, field="peso").count() == 2


def test_the_editor_page_lists_weights_that_do_not_sum_to_100(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    objective = _objective_with(world.cycle, 2)
    Indicator.objects.filter(objective=objective).update(weight=Decimal(10))
    # As the demo's entity table prints them (4,33 …), its weights B add up to 99,96.
    EntityBlock.objects.filter(cycle=world.cycle).update(weight_b=Decimal("99.96"))
    page = sign_in("ufficio").get(reverse("plans:editor")).content.decode()
    assert (
        f"Obiettivo {objective.code}</a>: i pesi degli indicatori sommano a 20, non a 100" in page
    )
    # The entity table's weights B are shown against 100.
    assert "i pesi B dei blocchi sommano a 99,96, non a 100" in page


def test_unparseable_target_says_what_and_where(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _objective_with(world.cycle, 2).indicators.first()
    assert indicator is not None
    old = target_of(indicator, world.cycle.year)
    response = client.post(
        reverse("plans:indicator", args=[indicator.pk]),
        indicator_post(indicator, **{f"target_{world.cycle.year}": ">= circa cento"}),
    )
    page = text(response)
    assert response.status_code == 200
    assert f"Target {world.cycle.year} non leggibile: target «>= circa cento»: dopo «>=»" in page
    assert f'href="#id_target_{world.cycle.year}"' in page  # the error links to the field
    assert 'aria-invalid="true"' in page
    assert target_of(indicator, world.cycle.year) == old


def test_moving_a_node_under_its_own_descendant_is_refused(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    objective = (
        OperationalObjective.objects.filter(cycle=world.cycle, annual_objectives__isnull=False)
        .order_by("pk")
        .first()
    )
    assert objective is not None
    annual = objective.annual_objectives.first()
    assert annual is not None
    strategic = annual.strategic
    response = client.post(
        reverse("plans:move") + f"?anno={world.cycle.year}",
        {
            "node": f"annual:{annual.pk}",
            "parent": f"operational:{objective.pk}",
            "version": annual.version,
        },
        follow=True,
    )
    assert "si creerebbe un ciclo nell'albero" in text(response)
    response = client.post(
        reverse("plans:move") + f"?anno={world.cycle.year}",
        {"node": f"strategic:{strategic.pk}", "parent": f"annual:{annual.pk}"},
        follow=True,
    )
    assert "ne è un discendente: si creerebbe un ciclo" in text(response)
    annual.refresh_from_db()
    assert annual.strategic_id == strategic.pk
    assert not RevisionChange.objects.filter(revision=revision).exists()


def test_moving_to_a_wrong_kind_of_parent_is_refused(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _objective_with(world.cycle, 2).indicators.first()
    assert indicator is not None
    strategic = StrategicObjective.objects.filter(cycle=world.cycle).first()
    assert strategic is not None
    response = client.post(
        reverse("plans:move") + f"?anno={world.cycle.year}",
        {"node": f"indicator:{indicator.pk}", "parent": f"strategic:{strategic.pk}"},
        follow=True,
    )
    assert "può stare solo sotto un obiettivo operativo o un blocco" in text(response)


def test_move_an_indicator_to_another_objective_and_position(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    source = _objective_with(world.cycle, 2)
    target = _objective_with(world.cycle, 3)
    moving = source.indicators.order_by("number").last()
    assert moving is not None
    response = client.post(
        reverse("plans:move") + f"?anno={world.cycle.year}",
        {
            "node": f"indicator:{moving.pk}",
            "parent": f"operational:{target.pk}",
            "position": "1",
            "version": moving.version,
        },
    )
    assert response.status_code == 302
    numbers = list(target.indicators.order_by("number").values_list("pk", "number"))
    assert numbers[0] == (moving.pk, 1) and [n for _, n in numbers] == [1, 2, 3, 4]
    assert source.indicators.count() == 1
    recorded = RevisionChange.objects.filter(revision=revision, indicator=moving)
    assert recorded.filter(kind=RevisionChange.Kind.MOVE).exists()


def test_reparent_an_annual_objective(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    annual = AnnualObjective.objects.filter(strategic__cycle=world.cycle).order_by("pk").first()
    assert annual is not None
    other = (
        StrategicObjective.objects.filter(cycle=world.cycle).exclude(pk=annual.strategic_id).first()
    )
    assert other is not None
    client.post(
        reverse("plans:move") + f"?anno={world.cycle.year}",
        {
            "node": f"annual:{annual.pk}",
            "parent": f"strategic:{other.pk}",
            "version": annual.version,
        },
    )
    annual.refresh_from_db()
    assert annual.strategic_id == other.pk
    change = RevisionChange.objects.get(revision=revision, item_type="plans.annualobjective")
    assert change.new_value.endswith(other.code) and change.kind == "move"


def test_create_items_in_a_draft_plan_without_revision(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.DRAFT)
    client = sign_in("ufficio")
    response = client.post(
        reverse("plans:strategic_new") + f"?anno={world.cycle.year}",
        {"code": "7", "kind": "obiettivo_strategico", "title": "Nuovo"},
    )
    assert response.status_code == 302
    strategic = StrategicObjective.objects.get(cycle=world.cycle, code="7")
    response = client.post(
        reverse("plans:annual_new") + f"?anno={world.cycle.year}",
        {
            "strategic": strategic.pk,
            "code": "7.1",
            "kind": "obiettivo_annuale",
            "title": "Annuale nuovo",
        },
    )
    annual = AnnualObjective.objects.get(strategic=strategic, code="7.1")
    unit = OperationalObjective.objects.filter(cycle=world.cycle).first().home_unit  # type: ignore[union-attr]
    response = client.post(
        reverse("plans:objective_new") + f"?anno={world.cycle.year}",
        {
            "home_unit": unit.pk,
            "number": 90,
            "title": "Obiettivo nuovo",
            "category": "operativo_individuale",
            "annual_objectives": [annual.pk],
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    objective = OperationalObjective.objects.get(cycle=world.cycle, home_unit=unit, number=90)
    assert list(objective.annual_objectives.all()) == [annual]
    response = client.post(
        reverse("plans:indicator_new") + f"?obiettivo={objective.pk}",
        {
            "number": 1,
            "name": "Pratiche evase",
            "direction": "higher",
            "weight": "100",
            f"target_{world.cycle.year}": ">= 50",
            f"target_{world.cycle.year + 1}": ">= 60",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    indicator = objective.indicators.get()
    assert target_of(indicator, world.cycle.year) == ">= 50"
    assert target_of(indicator, world.cycle.year + 1) == ">= 60"
    assert not RevisionChange.objects.filter(
        revision__cycle=world.cycle, revision__is_open=True
    ).exists()
    # the same unit and number again is refused with a message on the field
    response = client.post(
        reverse("plans:objective_new") + f"?anno={world.cycle.year}",
        {
            "home_unit": unit.pk,
            "number": 90,
            "title": "Doppio",
            "category": "operativo_individuale",
        },
    )
    assert f"L'unità {unit.code} ha già un obiettivo n. 90." in text(response)


def test_assignments_to_units(world: World, sign_in: Callable[[str], Client]) -> None:
    client = sign_in("ufficio")
    revision = open_revision(client, world.cycle)
    objective = _objective_with(world.cycle, 2)
    other = objective.home_unit.parent or objective.home_unit
    url = reverse("plans:assignments", args=[objective.pk])
    client.post(url, {"a-unit": other.pk, "a-local_number": 77})
    row = objective.assignments.filter(unit=other, local_number=77)
    if other != objective.home_unit:
        assert row.exists()
        assert RevisionChange.objects.filter(
            revision=revision, kind="add", objective=objective
        ).exists()
        client.post(url, {"remove": row.get().pk})
        assert not row.exists()
        assert RevisionChange.objects.filter(revision=revision, kind="remove").exists()


def test_renumbering_an_objective_keeps_its_home_assignment(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    objective = _objective_with(world.cycle, 2)
    url = reverse("plans:objective", args=[objective.pk])
    response = client.post(
        url,
        {
            "home_unit": objective.home_unit_id,
            "number": 61,
            "title": objective.title,
            "category": objective.category,
            "version": objective.version,
            "annual_objectives": list(objective.annual_objectives.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    home = objective.assignments.get(unit=objective.home_unit)
    assert home.local_number == 61
    change = RevisionChange.objects.get(objective=objective, field="numero")
    assert (change.old_value, change.new_value) == (str(objective.number), "61")


def test_approving_a_draft_plan_keeps_the_approved_version(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.DRAFT)
    client = sign_in("ufficio")
    response = client.post(
        reverse("plans:states"), {"target": "approved", "anno": world.cycle.year}
    )
    assert response.status_code == 302
    snapshot = world.cycle.snapshots.get(version=0)
    assert snapshot.label == "Piano approvato"
    objective = _objective_with(world.cycle, 2)
    assert (
        snapshot.data[f"plans.operationalobjective:{objective.pk}"]["fields"]["titolo"]
        == objective.title
    )
