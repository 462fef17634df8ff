"""The plan editor speaks English when the user picks it (Italian first, English second)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.plans.helpers import open_revision, text
from tests.world import World
from traguardo.plans.models import EntityBlock, OperationalObjective


def test_editor_and_messages_in_english(world: World, sign_in: Callable[[str], Client]) -> None:
    # As in the demo, whose Allegato B weights add up to 99,96.
    EntityBlock.objects.filter(cycle=world.cycle).update(weight_b=Decimal("99.96"))
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(reverse("plans:editor")))
    assert "Performance plan editor" in page
    assert "the blocks' weights B add up to 99,96, not 100" in page
    objective = (
        OperationalObjective.objects.filter(cycle=world.cycle, annual_objectives__isnull=False)
        .order_by("pk")
        .first()
    )
    assert objective is not None
    annual = (
        objective.annual_objectives.get()
        if objective.annual_objectives.count() == 1
        else objective.annual_objectives.first()
    )
    assert annual is not None
    response = client.post(
        reverse("plans:move") + f"?anno={world.cycle.year}",
        {"node": f"annual:{annual.pk}", "parent": f"operational:{objective.pk}"},
        follow=True,
    )
    assert "which is one of its descendants: the tree would get a cycle" in text(response)


def test_versions_taken_in_english_compare_with_the_italian_plan(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    client = sign_in("ufficio")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    open_revision(client, world.cycle)  # takes the version before revision 2, in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    page = text(
        client.get(reverse("plans:compare"), {"anno": world.cycle.year, "a": "1", "b": "corrente"})
    )
    assert "Le due versioni sono identiche." in page
