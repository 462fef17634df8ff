"""Charts on the public results page (issue 16): the entity and its areas, indicators by
degree of achievement, and the trend over the published years only."""

from __future__ import annotations

import html as html_lib
import re

from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import World
from traguardo.plans.models import Cycle
from traguardo.reports import public_charts
from traguardo.scoring.services import score_cycle


def _titles(html: str) -> list[str]:
    return [html_lib.unescape(t) for t in re.findall(r"<svg[^>]*><title>([^<]*)</title>", html)]


def test_the_public_page_draws_areas_and_degrees(world: World) -> None:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    url = f"/{world.entity.code}" + reverse("reports:results", args=[world.cycle.year])
    titles = _titles(Client().get(url).content.decode())
    score = score_cycle(world.cycle)
    assert len(titles) == 2
    areas, degrees = titles
    assert areas.startswith("Performance dell'ente e delle aree. Ente: performance ")
    for unit in (u for u in score.units if u.kind.value == "area" and u.performance is not None):
        assert f"{unit.short or unit.name}: performance" in areas
    degrees_known = [i.degree.value for o in score.objectives.values() for i in o.indicators]
    degrees_known += [i.degree.value for b in score.entity.blocks for i in b.indicators]
    indicators = len([d for d in degrees_known if d is not None])
    counts = [int(n) for n in re.findall(r": indicatori (\d+)", degrees)]
    assert sum(counts) == indicators


def test_the_trend_counts_published_years_only(world: World) -> None:
    earlier = f.CycleFactory(entity=world.entity, year=world.cycle.year - 1)
    assert public_charts.trend(world.cycle) is None  # the earlier year is not published
    Cycle.objects.filter(pk=earlier.pk).update(state=Cycle.State.PUBLISHED)
    chart = public_charts.trend(world.cycle)
    assert chart is not None
    title = html_lib.unescape(re.findall(r"<title>([^<]*)</title>", chart)[0])
    assert f"{earlier.year}: performance" in title and f"{world.cycle.year}: performance" in title
