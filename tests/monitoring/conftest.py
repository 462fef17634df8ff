"""Monitoring fixtures: the small world's 31.12 campaign reopened, indicators by code."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from tests.world import World
from traguardo.monitoring.models import Period
from traguardo.plans.models import Cycle, Indicator


def find_indicator(cycle: Cycle, objective: str, number: int) -> Indicator:
    """`find_indicator(cycle, "2.1/2", 1)`: indicator 1 of objective 2.1/2."""
    unit, _, objective_number = objective.partition("/")
    return Indicator.objects.select_related("objective__home_unit").get(
        objective__cycle=cycle,
        objective__home_unit__code=unit,
        objective__number=int(objective_number),
        number=number,
    )


@pytest.fixture
def final(world: World) -> Period:
    """The world's 31.12 period, open for entry with a deadline far ahead."""
    period = world.final
    period.closed = False
    period.deadline = datetime.date(2099, 1, 31)
    period.save()
    return period


@pytest.fixture
def indicator(world: World) -> Callable[[str, int], Indicator]:
    return lambda objective, number: find_indicator(world.cycle, objective, number)
