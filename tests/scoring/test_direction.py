"""The plan's direction reaches the scoring: a bare target reads by it (issue 14)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.world import World
from traguardo.core.engine import score_plan
from traguardo.monitoring.models import Measurement
from traguardo.plans.models import Indicator, Target
from traguardo.scoring.fetch import fetch_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("direction", "degree"),
    [(Indicator.Direction.LOWER, Decimal(100)), (Indicator.Direction.HIGHER, Decimal(80))],
)
def test_a_bare_target_of_a_lower_is_better_indicator_scores_at_or_under_it_full(
    world: World, direction: str, degree: Decimal
) -> None:
    item = world.indicators[("2.2/4", 1)]  # alone in its objective
    Target.objects.filter(indicator=item).update(text="5 gg")
    Indicator.objects.filter(pk=item.pk).update(direction=direction)
    Measurement.objects.filter(indicator=item, period=world.final).update(text="4")
    plan = fetch_plan(world.cycle)
    (core,) = [i for o in plan.objectives if o.key == "2.2/4" for i in o.indicators]
    assert core.direction == direction
    for explain in (True, False):
        score = score_plan(plan, explain=explain)
        assert score.objectives["2.2/4"].performance == degree
