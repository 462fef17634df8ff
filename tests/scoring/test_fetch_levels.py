"""The plan read from the database carries the tree above the operational objectives, and
the demo scored under another SMVP gives that SMVP's figures (worked out from the demo's
own objective results, independently of the level code under test)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from traguardo.core.engine import score_plan
from traguardo.core.smvp import preset
from traguardo.plans.models import AnnualObjective, Cycle, StrategicObjective
from traguardo.scoring.fetch import fetch_plan


def test_the_demo_plan_carries_its_strategic_and_annual_objectives(demo: Cycle) -> None:
    plan = fetch_plan(demo)
    assert [g.code for g in plan.strategic] == sorted(
        StrategicObjective.objects.filter(cycle=demo).values_list("code", flat=True),
        key=lambda c: [int(p) if p.isdigit() else p for p in c.split(".")],
    )
    annual = {a.code: a for g in plan.strategic for a in g.annual}
    assert len(annual) == AnnualObjective.objects.filter(strategic__cycle=demo).count()
    some = AnnualObjective.objects.filter(
        strategic__cycle=demo, operational_objectives__isnull=False
    )
    row = some.first()
    assert row is not None
    expected = sorted(f"{o.home_unit.code}/{o.number}" for o in row.operational_objectives.all())
    assert sorted(annual[row.code].objectives) == expected


def test_the_demo_under_plain_means_scores_its_goals(demo: Cycle) -> None:
    plan = replace(fetch_plan(demo), smvp=preset("medie-semplici"))
    score = score_plan(plan)
    objectives = score.objectives
    for goal in plan.strategic:
        annual_figures = []
        for annual in goal.annual:
            figures = [objectives[k].performance for k in annual.objectives]
            defined = [f for f in figures if f is not None]
            expected = sum(defined, Decimal(0)) / len(defined) if defined else None
            assert score.levels["annual"][annual.code].performance == expected
            if expected is not None:
                annual_figures.append(expected)
        expected_goal = sum(annual_figures, Decimal(0)) / len(annual_figures)
        assert score.levels["strategic"][goal.code].performance == expected_goal
    goals = [s.performance for s in score.levels["strategic"].values()]
    assert score.entity.performance == sum(goals, Decimal(0)) / len(goals)
    # The seed's own figure is untouched under its own preset.
    assert round(
        score_plan(replace(plan, smvp=preset("treviso-belluno-2019"))).entity.performance, 2
    ) == Decimal("98.61")
