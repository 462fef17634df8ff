"""An indicator across the yearly cycles: its 2020 page shows the 2019 value, target and
degree (same lineage, carried forward), and a sparkline once there are two values."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import World
from traguardo.monitoring.cycles import add_cycle
from traguardo.monitoring.models import Period
from traguardo.monitoring.trend import previous_years
from traguardo.plans.models import Cycle, Indicator, Target

pytestmark = pytest.mark.django_db


def _next_year(world: World) -> Cycle:
    for indicator in Indicator.objects.filter(objective=world.objectives["2.1/2"]):
        Target.objects.create(indicator=indicator, year=2020, text=">= 160")
    cycle, _preview = add_cycle(world.entity, 2020, "2019-2021", from_year=2019)
    assert cycle is not None
    return cycle


def _twin(world: World, cycle: Cycle, code: str, number: int) -> Indicator:
    return Indicator.objects.get(
        objective__cycle=cycle, lineage=world.indicator(code, number).lineage
    )


def test_previous_years_reads_the_same_lineage(world: World) -> None:
    new = _next_year(world)
    twin = _twin(world, new, "2.1/2", 2)
    (row,) = previous_years(twin, new)
    assert (row.year, row.value, row.number, row.target) == (2019, "141", Decimal(141), "> 100")
    assert row.indicator == world.indicator("2.1/2", 2)
    assert row.degree_value is not None and row.degree_value > 0
    assert previous_years(world.indicator("2.1/2", 2), world.cycle) == []  # the first year
    # An indicator new in 2020 has no earlier years.
    fresh = f.IndicatorFactory(objective=twin.objective, number=9, target=">= 1")
    assert previous_years(fresh, new) == []


def test_the_new_cycles_indicator_page_shows_the_previous_year(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    new = _next_year(world)
    twin = _twin(world, new, "2.1/2", 1)
    client = sign_in("po")
    page = client.get(reverse("monitoring:indicator", args=[twin.pk])).content.decode()
    assert 'data-testid="years"' in page
    assert "Negli anni precedenti" in page
    link = reverse("monitoring:indicator", args=[world.indicator("2.1/2", 1).pk])
    assert f'<a href="{link}">2019</a>' in page
    assert "<td>150</td><td>= 150</td>" in page  # the 2019 value and target
    assert "2020 (questo ciclo)" in page
    assert "sparkline" not in page  # one value only: no line yet
    # With a 2020 value at 31.12, the trend line appears, with both points described.
    f.MeasurementFactory(
        indicator=twin,
        period=Period.objects.get(cycle=new, code=Period.Code.FINAL),
        number=Decimal("165"),
    )
    page = client.get(reverse("monitoring:indicator", args=[twin.pk])).content.decode()
    assert 'class="sparkline"' in page and 'role="img"' in page
    assert "2019: 150; 2020: 165" in page
    assert "<td>165</td><td>&gt;= 160</td>" in page


def test_the_first_cycles_page_has_no_previous_years(
    world: World, sign_in: Callable[[str], Client]
) -> None:
    page = sign_in("po").get(reverse("monitoring:indicator", args=[world.indicator("2.1/2", 1).pk]))
    assert page.status_code == 200
    assert 'data-testid="years"' not in page.content.decode()
