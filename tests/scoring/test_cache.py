"""Scores are cached per state of the data: every write that can move a figure is seen."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from traguardo.core.engine import score_plan
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, EntityBlock, Indicator, Target
from traguardo.scoring import cache
from traguardo.scoring.fetch import fetch_plan
from traguardo.scoring.models import ScoreStamp
from traguardo.scoring.services import score_cycle

pytestmark = pytest.mark.django_db


def _fresh(cycle: Cycle) -> Decimal:
    """The entity result computed from the database now, bypassing the cache."""
    return score_plan(fetch_plan(cycle), explain=False).entity.performance


def _latest_stamp() -> str | None:
    return ScoreStamp.objects.order_by("-id").values_list("token", flat=True).first()


def _b14(cycle: Cycle) -> Indicator:
    return Indicator.objects.get(entity_block__cycle=cycle, number=14)


def _final_value(cycle: Cycle, indicator: Indicator) -> Measurement:
    return Measurement.objects.get(
        indicator=indicator, period__cycle=cycle, period__code=Period.Code.FINAL
    )


def test_it_computes_once_per_state_of_the_data(demo: Cycle) -> None:
    first = score_cycle(demo)
    assert score_cycle(demo, explain=False) is first
    assert first.entity.performance == _fresh(demo)


def test_it_sees_a_saved_value(demo: Cycle) -> None:
    before = score_cycle(demo).entity.performance
    value = _final_value(demo, _b14(demo))
    value.text = "0"
    value.save()
    after = score_cycle(demo).entity.performance
    assert after != before
    assert after == _fresh(demo)


def test_it_sees_a_changed_target_a_weight_and_a_deleted_value(demo: Cycle) -> None:
    indicator = _b14(demo)
    target = Target.objects.get(indicator=indicator, year=demo.year)
    target.text = "1000000"
    target.save()
    assert score_cycle(demo).entity.performance == _fresh(demo)
    block = EntityBlock.objects.filter(cycle=demo).order_by("number").first()
    assert block is not None
    block.weight_b = block.weight_b + 1
    block.save()
    assert score_cycle(demo).entity.performance == _fresh(demo)
    _final_value(demo, indicator).delete()
    assert score_cycle(demo).entity.performance == _fresh(demo)


def test_a_rolled_back_change_is_never_served_for_later_data(demo: Cycle) -> None:
    # A what-if preview or a failed import scores data that is then rolled back; a
    # counter would reuse its number for the next change and serve that score.
    indicator = _b14(demo)
    original = score_cycle(demo).entity.performance
    try:
        with transaction.atomic():
            value = _final_value(demo, indicator)
            value.text = "0"
            value.save()
            inside = score_cycle(demo).entity.performance
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    assert inside != original
    assert score_cycle(demo).entity.performance == original
    other = Target.objects.get(indicator=indicator, year=demo.year)
    other.text = "1"
    other.save()
    assert score_cycle(demo).entity.performance == _fresh(demo)


def test_a_period_other_than_the_final_is_cached_apart(demo: Cycle) -> None:
    final = score_cycle(demo)
    mid = score_cycle(demo, period=Period.Code.INTERIM)
    assert mid is not final
    assert (
        mid.entity.performance
        == score_plan(fetch_plan(demo, Period.Code.INTERIM), explain=False).entity.performance
    )


def test_a_batch_writes_one_stamp(demo: Cycle) -> None:
    count = ScoreStamp.objects.count()
    with cache.batched():
        for value in Measurement.objects.filter(period__cycle=demo)[:5]:
            value.save()
    assert ScoreStamp.objects.count() == count + 1


def test_old_stamps_are_pruned(demo: Cycle) -> None:
    for _ in range(2 * cache.KEEP_STAMPS + 1):
        cache.scores_changed()
    assert ScoreStamp.objects.count() <= 2 * cache.KEEP_STAMPS


def test_inside_a_batch_the_changed_data_are_scored_but_not_cached(demo: Cycle) -> None:
    original = _fresh(demo)
    try:
        with transaction.atomic(), cache.batched():
            value = _final_value(demo, _b14(demo))
            value.text = "0"
            value.save()  # no stamp yet: it is written when the batch ends
            inside = score_cycle(demo).entity.performance
            assert inside == _fresh(demo)
            raise RuntimeError("rollback")
    except RuntimeError:
        pass
    assert inside != original
    # The batch's data were not filed under the stamp that names the original data.
    assert score_cycle(demo).entity.performance == original


def test_a_change_committed_after_a_newer_stamp_still_names_a_new_state(
    demo: Cycle, django_capture_on_commit_callbacks: Any
) -> None:
    """On PostgreSQL transaction T1 can take stamp n, T2 stamp n+1 and commit first: a
    score computed between the two commits is filed under n+1 without T1's change. Once T1
    commits, the newest stamp must name a state that includes it."""
    value = _final_value(demo, _b14(demo))
    with django_capture_on_commit_callbacks(execute=True) as after_commit, transaction.atomic():
        value.text = "0"
        value.save()
        value.save()  # one stamp after commit per transaction, however many changes
        # T2's stamp, numbered after T1's and seen by readers before T1 commits:
        seen_before = ScoreStamp.objects.create(token="t2-committed-first").token
    assert len(after_commit) == 1
    assert _latest_stamp() != seen_before


def test_a_rolled_back_change_writes_no_stamp_after_it(
    demo: Cycle, django_capture_on_commit_callbacks: Any
) -> None:
    value = _final_value(demo, _b14(demo))
    with (
        django_capture_on_commit_callbacks(execute=True) as after_commit,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        value.save()
        raise RuntimeError("preview only")
    assert after_commit == []


def test_a_transaction_whose_stamp_is_still_the_newest_writes_no_other(
    demo: Cycle, django_capture_on_commit_callbacks: Any
) -> None:
    value = _final_value(demo, _b14(demo))
    with django_capture_on_commit_callbacks(execute=True) as after_commit, transaction.atomic():
        value.save()
        value.save()
        inside = _latest_stamp()
    assert len(after_commit) == 1  # it ran, and found nothing to do
    assert _latest_stamp() == inside
