"""The plan editor speaks English when the user picks it (Italian first, English second)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.plans.helpers import open_revision, text
from traguardo.plans.models import Cycle, OperationalObjective


def test_editor_and_messages_in_english(demo: Cycle, client_as: Callable[[str], Client]) -> None:
    client = client_as("ufficio")
    open_revision(client, demo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(reverse("plans:editor")))
    assert "Performance plan editor" in page
    assert "the blocks' weights B add up to 99,96, not 100" in page
    objective = (
        OperationalObjective.objects.filter(cycle=demo, annual_objectives__isnull=False)
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
        reverse("plans:move") + f"?anno={demo.year}",
        {"node": f"annual:{annual.pk}", "parent": f"operational:{objective.pk}"},
        follow=True,
    )
    assert "which is one of its descendants: the tree would get a cycle" in text(response)


def test_versions_taken_in_english_compare_with_the_italian_plan(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    client = client_as("ufficio")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    open_revision(client, demo)  # takes the version before revision 2, in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    page = text(
        client.get(reverse("plans:compare"), {"anno": demo.year, "a": "1", "b": "corrente"})
    )
    assert "Le due versioni sono identiche." in page
