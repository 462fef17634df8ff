"""Pages read from the one cache (scoring.score_cache) and show a committed change at once.

The demo is committed here (transactional_db), as in production: the shared cache is used
only for committed data, so the tests in a rolled-back transaction never reach it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from tests.conftest import load_demo_cycle
from traguardo.core.numbers import format_percent
from traguardo.demo.users import DEMO_PASSWORD
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import record_value
from traguardo.plans import versions
from traguardo.plans.models import Cycle, OperationalObjective
from traguardo.scoring import score_cache
from traguardo.scoring.services import score_cycle


def _row(html: str, code: str) -> str:
    return html.split(f'data-objective="{code}"', 1)[1].split("</div>", 1)[0]


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The page parts rendered from now on (not read from the cache)."""
    names: list[str] = []
    real = score_cache.render_to_string

    def counting(template: str, context: dict[str, Any]) -> str:
        names.append(template)
        return real(template, context)

    monkeypatch.setattr(score_cache, "render_to_string", counting)
    return names


def test_a_saved_value_bumps_the_version_and_the_next_pages_show_it(
    transactional_db: None, rendered: list[str]
) -> None:
    cache.clear()
    cycle = load_demo_cycle()
    final = Period.objects.get(cycle=cycle, code=Period.Code.FINAL)
    final.closed = False  # the demo's campaign is over: reopened to enter a value
    final.save()
    reader = Client()
    assert reader.login(username="dirigente", password=DEMO_PASSWORD)
    first = reader.get("/albero/").content.decode()
    second = reader.get("/albero/").content.decode()
    assert _row(second, "2.1/1") == _row(first, "2.1/1")
    assert rendered.count("web/_tree_body.html") == 1  # once per version, for every reader
    reader.get("/cruscotto/")
    reader.get("/cruscotto/")
    assert rendered.count("web/_dashboard_body.html") == 1

    objective = OperationalObjective.objects.get(cycle=cycle, home_unit__code="2.1", number=1)
    indicator = objective.indicators.exclude(direction="derived").order_by("number")[0]
    assert Measurement.objects.get(indicator=indicator, period=final).text != "0"
    before = versions.version_of(cycle.pk)
    record_value(get_user_model().objects.get(username="po"), indicator, final, "0")
    assert versions.version_of(cycle.pk) > before

    now = score_cycle(Cycle.objects.get(pk=cycle.pk)).objectives["2.1/1"].performance
    assert format_percent(now) not in _row(first, "2.1/1")
    after = reader.get("/albero/").content.decode()
    assert format_percent(now) in _row(after, "2.1/1")
    assert rendered.count("web/_tree_body.html") == 2
    dashboard = reader.get("/cruscotto/").content.decode()
    entity = score_cycle(Cycle.objects.get(pk=cycle.pk)).entity.performance
    assert f'id="entity-performance">{format_percent(entity)}<' in dashboard
    assert rendered.count("web/_dashboard_body.html") == 2
