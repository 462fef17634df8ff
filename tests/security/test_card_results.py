"""Issue 15, point 10: a report card's results are part of a person's evaluation.

The Relazione publishes the results of the objectives assigned to managers and PO holders
(Allegati D and E); a card (its synthesis, its final score) is read only by those who may
read the card (`can_view_card`): never anonymously, not by a colleague, in the API as on
the public pages (docs/individual.md, "Who reads a card's results")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.api_clients import api_client
from tests.world import World
from traguardo.plans.models import Cycle

_api = api_client


def _publish(world: World) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)


@pytest.mark.parametrize(
    ("username", "cards"),
    [
        ("po", {"PO-2.1"}),
        ("po2", {"PO-3.1"}),
        ("dirigente", {"DIR-2", "PO-2.1"}),
        ("segretario", {"DIR-2", "PO-2.1", "PO-3.1", "SG"}),  # SG: their own card
        ("ufficio", {"DIR-2", "PO-2.1", "PO-3.1", "SG"}),
        ("oiv", {"DIR-2", "PO-2.1", "PO-3.1", "SG"}),
    ],
)
def test_the_api_score_lists_only_the_cards_the_user_may_read(
    world: World, username: str, cards: set[str]
) -> None:
    response = _api(username).get(reverse("api:score", args=[world.cycle.pk]))
    assert response.status_code == 200
    data = response.json()
    assert {c["key"] for c in data["cards"]} == cards
    assert {o["code"] for o in data["objectives"]} >= {"2.1/1", "3.1/1"}  # objectives stay


def test_after_publication_the_api_shows_no_card_anonymously(world: World) -> None:
    _publish(world)
    client = _api("")
    data = client.get(reverse("api:score", args=[world.cycle.pk])).json()
    assert data["cards"] == []
    assert "3.1/1" in {o["code"] for o in data["objectives"]}
    explain = reverse("api:explain", args=[world.cycle.pk])
    assert client.get(explain, {"code": "PO-3.1"}).status_code == 404
    assert client.get(explain, {"code": "3.1/1"}).status_code == 200
    assert _api("po").get(explain, {"code": "PO-3.1"}).status_code == 404
    assert _api("po2").get(explain, {"code": "PO-3.1"}).status_code == 200


def test_after_publication_the_public_pages_explain_objectives_not_cards(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    _publish(world)
    year = world.cycle.year

    def url(code: str) -> str:
        return reverse("reports:explain", args=[year, code])

    assert Client().get(url("3.1/1")).status_code == 200  # the PO's objective: public
    assert Client().get(url("PO-3.1")).status_code == 404  # the PO's card: not
    assert Client().get(url("SG")).status_code == 404
    assert sign_in("po").get(url("PO-3.1")).status_code == 404  # a colleague
    assert sign_in("po2").get(url("PO-3.1")).status_code == 200  # the person
    assert sign_in("ufficio").get(url("PO-3.1")).status_code == 200
