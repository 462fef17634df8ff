"""Changes the page-part tests make to the 2019 demo, and how they watch the rendering."""

from __future__ import annotations

from typing import Any

import pytest

from traguardo.core.numbers import format_it
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator, OperationalObjective
from traguardo.scoring.services import score_cycle
from traguardo.web import fragments


def objective_2_1_1(demo: Cycle) -> tuple[OperationalObjective, Indicator]:
    """Objective 2.1/1 and its first indicator that is entered, not computed."""
    objective = OperationalObjective.objects.get(cycle=demo, home_unit__code="2.1", number=1)
    return objective, objective.indicators.exclude(direction="derived").order_by("number")[0]


def final_value_of(indicator: Indicator) -> Measurement:
    return Measurement.objects.get(indicator=indicator, period__code=Period.Code.FINAL)


def lower_a_value(demo: Cycle) -> str:
    """Save 0 as the 31.12 value of 2.1/1's first indicator; the objective's new figure."""
    _objective, indicator = objective_2_1_1(demo)
    value = final_value_of(indicator)
    before = score_cycle(demo).objectives["2.1/1"].performance
    value.text = "0"
    value.save()
    versions.bump([demo.pk])  # raw write: bump as the services do
    after = score_cycle(demo).objectives["2.1/1"].performance
    assert after != before
    return format_it(after)


def rows_rendered(monkeypatch: pytest.MonkeyPatch, template: str) -> list[str]:
    """The codes of the rows `template` renders from now on (web.fragments.rendered_each)."""
    rendered: list[str] = []
    real = fragments.render_to_string

    def counting(name: str, context: dict[str, Any]) -> str:
        if name == template:
            rendered.append(context["row"].code)
        return real(name, context)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    return rendered


def tree_row(html: str, code: str) -> str:
    return html.split(f'data-objective="{code}"', 1)[1].split("</div>", 1)[0]
