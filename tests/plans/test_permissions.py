"""Only the performance office edits the plan: every other role gets 403, anonymous users
the login page, also when they craft the POST themselves; nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.plans.helpers import indicator_post, open_revision, target_of
from tests.world import World
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import (
    AnnualObjective,
    Cycle,
    EntityBlock,
    Indicator,
    OperationalObjective,
    Revision,
    StrategicObjective,
)

OTHERS = ["po", "po2", "dirigente", "segretario", "oiv"]


def _items(cycle: Cycle) -> tuple[OperationalObjective, Indicator, EntityBlock, AnnualObjective]:
    objective = next(
        o
        for o in OperationalObjective.objects.filter(cycle=cycle).order_by("pk")
        if o.indicators.count() >= 2 and o.indicators.first().weight != 100
    )
    indicator = objective.indicators.order_by("number").first()
    block = EntityBlock.objects.filter(cycle=cycle).order_by("number").first()
    annual = AnnualObjective.objects.filter(strategic__cycle=cycle).order_by("pk").first()
    assert indicator is not None and block is not None and annual is not None
    return objective, indicator, block, annual


def _write_requests(cycle: Cycle) -> list[tuple[str, dict[str, object]]]:
    objective, indicator, block, annual = _items(cycle)
    return [
        (
            reverse("plans:strategic_new") + f"?anno={cycle.year}",
            {"code": "9", "kind": "obiettivo_strategico", "title": "Intruso"},
        ),
        (
            reverse("plans:annual", args=[annual.pk]),
            {
                "strategic": annual.strategic_id,
                "code": annual.code,
                "kind": annual.kind,
                "title": "Titolo cambiato",
                "version": annual.version,
            },
        ),
        (
            reverse("plans:objective", args=[objective.pk]),
            {
                "home_unit": objective.home_unit_id,
                "number": objective.number,
                "title": "Titolo cambiato",
                "category": objective.category,
                "version": objective.version,
            },
        ),
        (
            reverse("plans:indicator", args=[indicator.pk]),
            indicator_post(indicator, **{f"target_{cycle.year}": ">= 999", "confirmed": "on"}),
        ),
        (
            reverse("plans:objective_weights", args=[objective.pk]),
            {
                f"w-weight_{i.pk}": "100" if i.pk == indicator.pk else "0"
                for i in objective.indicators.all()
            },
        ),
        (
            reverse("plans:assignments", args=[objective.pk]),
            {
                "a-unit": OrgUnit.objects.filter(entity=cycle.entity)
                .exclude(pk__in=objective.assignments.values("unit_id"))
                .first()
                .pk,  # type: ignore[union-attr]
                "a-local_number": 99,
            },
        ),
        (
            reverse("plans:block", args=[block.pk]),
            {
                "number": block.number,
                "heading": "x",
                "weight_b": "50",
                "confirmed": "on",
                "version": block.version,
            },
        ),
        (
            reverse("plans:move") + f"?anno={cycle.year}",
            {"node": f"indicator:{indicator.pk}", "parent": f"block:{block.pk}"},
        ),
        (
            reverse("plans:revisions"),
            {
                "anno": cycle.year,
                "action": "open",
                "act_body": "SG",
                "act_type": "Det.",
                "act_number": "1",
                "act_date": "2019-10-10",
                "reason": "x",
            },
        ),
    ]


def _fingerprint(cycle: Cycle, items: tuple[object, ...] | None = None) -> tuple[object, ...]:
    objective, indicator, block, annual = items or _items(cycle)
    for item in (objective, indicator, block, annual):
        item.refresh_from_db()  # type: ignore[attr-defined]
    return (
        StrategicObjective.objects.filter(cycle=cycle).count(),
        annual.title,
        objective.title,
        objective.assignments.count(),
        target_of(indicator, cycle.year),
        tuple(objective.indicators.values_list("weight")),
        block.weight_b,
        indicator.entity_block_id,
        Revision.objects.filter(cycle=cycle).count(),
    )


def test_editor_page_only_for_the_performance_office(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    assert sign_in("ufficio").get(reverse("plans:editor")).status_code == 200
    for username in OTHERS:
        assert sign_in(username).get(reverse("plans:editor")).status_code == 403, username
    anonymous = Client().get(reverse("plans:editor"))
    assert anonymous.status_code == 302 and "/accesso/entra/" in anonymous["Location"]


@pytest.mark.parametrize("username", OTHERS)
def test_crafted_posts_by_other_roles_are_refused(
    world: World, sign_in: Callable[[str], Client], username: str
) -> None:
    open_revision(sign_in("ufficio"), world.cycle)  # so that only the role can stop them
    before = _fingerprint(world.cycle)
    client = sign_in(username)
    for url, data in _write_requests(world.cycle):
        response = client.post(url, data)
        assert response.status_code == 403, (username, url, response.status_code)
    assert _fingerprint(world.cycle) == before


def test_crafted_posts_by_anonymous_go_to_login(world: World) -> None:
    before = _fingerprint(world.cycle)
    for url, data in _write_requests(world.cycle):
        response = Client().post(url, data)
        assert response.status_code == 302 and "/accesso/entra/" in response["Location"], url
    assert _fingerprint(world.cycle) == before


def test_revisions_and_states_pages_are_readable_by_members(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    for username in ["po", "oiv", "dirigente"]:
        client = sign_in(username)
        revisions = client.get(reverse("plans:revisions"))
        assert revisions.status_code == 200
        assert "Apri una nuova revisione" not in revisions.content.decode()
        assert client.get(reverse("plans:states")).status_code == 200


def test_the_same_requests_by_the_office_go_through(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    """Control for the tests above: the requests are valid, only the role stops them."""
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    items = _items(world.cycle)
    before = _fingerprint(world.cycle, items)
    statuses = [client.post(url, data).status_code for url, data in _write_requests(world.cycle)]
    assert 403 not in statuses
    after = _fingerprint(world.cycle, items)
    # every part of the fingerprint but the revision count (one is open already) changed
    assert [b != a for b, a in zip(before, after, strict=True)] == [True] * 8 + [False]
