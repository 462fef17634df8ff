"""The small world is a plan the application scores and serves like the demo."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from tests.world import USERS, World
from traguardo.accounts import permissions
from traguardo.monitoring.models import Measurement


def test_every_user_signs_in_and_sees_the_dashboard(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    for username in USERS:
        response = sign_in(username).get("/cruscotto/")
        assert response.status_code == 200, username


def test_scopes_match_the_demos(world: World) -> None:
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    cycle = world.cycle
    assert permissions.can_enter_value(users["po"], world.objectives["2.1/2"], cycle)
    assert not permissions.can_enter_value(users["po"], world.objectives["3.1/1"], cycle)
    assert permissions.can_enter_value(users["dirigente"], world.objectives["2.2/4"], cycle)
    assert not permissions.can_enter_value(users["oiv"], world.objectives["2.1/2"], cycle)
    assert permissions.can_validate_unit(users["segretario"], world.unit("3.1"), cycle)


def test_every_indicator_has_its_final_value(world: World) -> None:
    values = Measurement.objects.filter(period=world.final)
    assert values.count() == len(world.indicators) + 1
    assert values.get(indicator=world.indicator("2.1/2", 2)).number == Decimal("141")
    assert world.final.closed and world.interim.closed
