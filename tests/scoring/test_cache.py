"""Scores are cached per cycle data version: every write service that can move a figure
bumps it (plans.versions), so the next read sees the change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from traguardo.core.engine import score_plan
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import record_value
from traguardo.plans import editing, revisions, versions
from traguardo.plans.models import Cycle, EntityBlock, Indicator, Target
from traguardo.scoring.fetch import fetch_plan
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db


def _fresh(cycle: Cycle) -> Decimal:
    """The entity result computed from the database now, bypassing the cache."""
    return score_plan(fetch_plan(cycle), explain=False).entity.performance


def _b14(cycle: Cycle) -> Indicator:
    return Indicator.objects.get(entity_block__cycle=cycle, number=14)


def _final_value(cycle: Cycle, indicator: Indicator) -> Measurement:
    return Measurement.objects.get(
        indicator=indicator, period__cycle=cycle, period__code=Period.Code.FINAL
    )


def _office() -> Any:
    return get_user_model().objects.get(username="ufficio")


def _enter(cycle: Cycle, text: str) -> None:
    """B14's final value through the value service, its period opened first."""
    Period.objects.filter(cycle=cycle).update(closed=False)
    period = Period.objects.get(cycle=cycle, code=Period.Code.FINAL)
    record_value(_office(), _b14(cycle), period, text)


def _revision(cycle: Cycle) -> None:
    revisions.open_revision(_office(), cycle, reason="Prova")


def test_it_computes_once_per_state_of_the_data(demo: Cycle) -> None:
    first = score_cycle(demo)
    assert score_cycle(demo, explain=False) is first
    assert first.entity.performance == _fresh(demo)


def test_it_sees_a_value_entered_through_the_service(demo: Cycle) -> None:
    before = score_cycle(demo).entity.performance
    _enter(demo, "0")
    after = score_cycle(demo).entity.performance
    assert after != before
    assert after == _fresh(demo)


def test_it_sees_a_changed_target_a_weight_and_a_removed_target(demo: Cycle) -> None:
    _revision(demo)  # the demo's plan is approved: edits belong to a revision
    indicator = _b14(demo)
    score_cycle(demo)
    editing.set_targets(_office(), indicator, {demo.year: "1000000"}, None)
    assert score_cycle(demo).entity.performance == _fresh(demo)
    block = EntityBlock.objects.filter(cycle=demo).order_by("number").first()
    assert block is not None
    before = score_cycle(demo).entity.performance
    editing.save_fields(_office(), block, {"weight_b": block.weight_b + 50}, None)
    assert score_cycle(demo).entity.performance == _fresh(demo) != before
    editing.set_targets(_office(), indicator, {demo.year: ""}, None)
    assert not Target.objects.filter(indicator=indicator, year=demo.year).exists()
    assert score_cycle(demo).entity.performance == _fresh(demo)


def test_a_write_that_skips_the_services_is_not_seen(demo: Cycle) -> None:
    # What makes the services' explicit bump necessary: no signal invalidates the cache.
    before = score_cycle(demo).entity.performance
    Target.objects.filter(indicator=_b14(demo), year=demo.year).update(text="1000000")
    assert score_cycle(demo).entity.performance == before != _fresh(demo)
    versions.bump([demo.pk])
    assert score_cycle(demo).entity.performance == _fresh(demo)


def test_a_rolled_back_change_is_never_served_for_later_data(demo: Cycle) -> None:
    # A what-if preview or a failed import scores data that is then rolled back; a bump
    # of +1 would give the next change the same version and serve that score.
    original = score_cycle(demo).entity.performance
    try:
        with transaction.atomic():
            _enter(demo, "0")
            inside = score_cycle(demo).entity.performance
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    assert inside != original
    assert score_cycle(demo).entity.performance == original
    _revision(demo)
    editing.set_targets(_office(), _b14(demo), {demo.year: "1"}, None)
    assert score_cycle(demo).entity.performance == _fresh(demo)


def test_a_period_other_than_the_final_is_cached_apart(demo: Cycle) -> None:
    final = score_cycle(demo)
    mid = score_cycle(demo, period=Period.Code.INTERIM)
    assert mid is not final
    assert (
        mid.entity.performance
        == score_plan(fetch_plan(demo, Period.Code.INTERIM), explain=False).entity.performance
    )
