"""The large-plan generator: a copy `factor` times the demo's tree, scored like it."""

from __future__ import annotations

from decimal import Decimal

from traguardo.core.engine import score_plan
from traguardo.monitoring.models import Measurement
from traguardo.ops.multiply import multiply_cycle
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, Indicator, OperationalObjective, StrategicObjective
from traguardo.scoring.fetch import fetch_plan


def test_three_copies_of_the_demo_score_like_it(demo: Cycle) -> None:
    big = multiply_cycle(demo, "x3", 3)
    assert (
        OrgUnit.objects.filter(entity=big.entity).count()
        == 3 * OrgUnit.objects.filter(entity=demo.entity).count()
    )
    assert OperationalObjective.objects.filter(cycle=big).count() == 3 * (
        OperationalObjective.objects.filter(cycle=demo).count()
    )
    own = Indicator.objects.filter(objective__cycle=demo).count()
    blocks = Indicator.objects.filter(entity_block__cycle=demo).count()
    assert Indicator.objects.filter(objective__cycle=big).count() == 3 * own
    assert Indicator.objects.filter(entity_block__cycle=big).count() == blocks
    assert Measurement.objects.filter(period__cycle=big).count() == (
        Measurement.objects.filter(period__cycle=demo, indicator__objective__isnull=False).count()
        * 3
        + Measurement.objects.filter(
            period__cycle=demo, indicator__entity_block__isnull=False
        ).count()
    )
    assert StrategicObjective.objects.filter(cycle=big).count() == (
        StrategicObjective.objects.filter(cycle=demo).count()
    )
    source = score_plan(fetch_plan(demo))
    copied = score_plan(fetch_plan(big))
    # The entity table is the same; every copy of a unit scores as its original.
    assert copied.entity.performance == source.entity.performance
    assert round(copied.entity.performance, 2) == Decimal("98.61")
    for unit in source.units:
        for k in (2, 3):
            assert copied.unit(f"X{k}.{unit.code}").performance == unit.performance
    # The copies' codes are codes a person can write in a values file.
    from traguardo.core.tabular import parse_indicator_code
    from traguardo.exchange.codes import indicators_by_code

    codes = list(indicators_by_code(big))
    assert len(codes) == own * 3 + blocks
    parsed = [parse_indicator_code(code) for code in codes]  # raises CodeError on a bad one
    assert sum(objective is not None for objective, _row in parsed) == own * 3
