"""Score snapshots with two administrations of different SMVPs, and the next year's cycle:
each closed cycle keeps the figures of its own rules; an open cycle of the same
administration is computed live beside it."""

from __future__ import annotations

from decimal import Decimal

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import Role
from traguardo.monitoring.cycles import add_cycle
from traguardo.monitoring.models import Measurement
from traguardo.organisation.models import Entity
from traguardo.plans import versions
from traguardo.plans.models import Cycle, ScoringConfig
from traguardo.scoring import lifecycle, snapshots
from traguardo.scoring.services import score_cycle

# The second administration's SMVP leaves a missing value out of the mean (the demo's
# counts it as 0).
EXCLUDE_MISSING = {"missing_value": "exclude", "not_measurable": "exclude", "params": {}}


def _comune(year: int) -> f.SmallPlan:
    entity = f.EntityFactory(name="Comune di Prova", code="prova", kind=Entity.Kind.COMUNE)
    plan = f.small_plan(entity=entity, year=year, plan_period_start=2019)
    ScoringConfig.objects.filter(cycle=plan.cycle).update(options=EXCLUDE_MISSING)
    first, _second = plan.indicators  # weights 60 and 40; only the first has a value
    f.MeasurementFactory(indicator=first, period=plan.final, number=Decimal("50"), text="50")
    return plan


def test_each_administration_closes_with_its_own_rules_and_next_year_stays_live(
    world: World,
) -> None:
    b2019 = _comune(2019)
    office_b = f.user_with_role(Role.PERFORMANCE_OFFICE, b2019.cycle.entity, username="uff-b")
    live = score_cycle(b2019.cycle, explain=False)
    (objective,) = live.objectives.values()
    measured, missing = objective.indicators
    # Left out, not counted as 0: the objective is its one measured indicator's degree
    # (50%, where the demo's SMVP would give 60% × 50 = 30).
    assert measured.degree.value == Decimal("50"), measured.degree
    assert missing.degree.status == "missing", missing.degree
    assert objective.performance == Decimal("50")

    lifecycle.change_state(
        office_b, b2019.cycle, "closed", "consuntivo", override=True, reason="prova"
    )
    snapshot = snapshots.latest(b2019.cycle)
    assert snapshot is not None and snapshot.smvp["options"] == EXCLUDE_MISSING
    # The first administration is untouched: no snapshot, its own SMVP, computed live.
    assert snapshots.latest(world.cycle) is None
    assert ScoringConfig.objects.get(cycle=world.cycle).options != EXCLUDE_MISSING

    # Next year's cycle of the same administration, open beside the closed one.
    b2020, _preview = add_cycle("prova", 2020, "2019-2021", from_year=2019)
    assert b2020 is not None and b2020.entity_id == b2019.cycle.entity_id
    assert Cycle.objects.filter(entity=b2019.cycle.entity).count() == 2
    # The SMVP is carried with the plan.
    assert ScoringConfig.objects.get(cycle=b2020).options == EXCLUDE_MISSING
    # The closed year's data changed after closing: its figures stay those closed.
    Measurement.objects.filter(period=b2019.final).update(number=Decimal("1"), text="1")
    versions.bump([b2019.cycle.pk])
    b2019.cycle.refresh_from_db()
    kept = score_cycle(b2019.cycle, explain=False)
    assert kept.entity.performance == live.entity.performance
    assert next(iter(kept.objectives.values())).performance == objective.performance
    # The open year is computed from its own data (no value yet), never read from a snapshot.
    assert snapshots.latest(b2020) is None
    (next_objective,) = score_cycle(b2020, explain=False).objectives.values()
    assert next_objective.performance != objective.performance
