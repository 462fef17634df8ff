"""record_value: the one entry point for values — justification, locking, validation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tests.world import World
from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.services import (
    ValueConflict,
    ValueForbidden,
    ValueRefused,
    record_value,
)
from traguardo.plans.models import Indicator

Find = Callable[[str, int], Indicator]


def user(name: str) -> object:
    return get_user_model().objects.get(username=name)


def stored(indicator: Indicator, period: Period) -> Measurement:
    return Measurement.objects.get(indicator=indicator, period=period)


def test_it_reads_italian_formats(final: Period, indicator: Find) -> None:
    target = indicator("2.1/2", 1)  # target "= 150"
    record_value(user("po"), target, final, "676.433,56", justification="")
    assert stored(target, final).number == Decimal("676433.56")
    record_value(user("po"), target, final, "54,47%", justification="sotto target")
    assert stored(target, final).number == Decimal("54.47")


def test_it_requires_a_justification_when_the_value_misses_its_target(
    final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)  # "= 150": 120 is 80%
    with pytest.raises(ValueRefused) as refused:
        record_value(user("po"), target, final, "120", justification="  ")
    assert refused.value.code == "justification_required"
    assert refused.value.field == "justification"
    assert stored(target, final).text == "150"  # nothing saved
    recorded = record_value(
        user("po"), target, final, "120", justification="Personale ridotto nel secondo semestre"
    )
    assert recorded.degree is not None and recorded.degree.value == Decimal(80)
    assert stored(target, final).justification == "Personale ridotto nel secondo semestre"


def test_it_requires_no_justification_at_target(final: Period, indicator: Find) -> None:
    target = indicator("2.1/2", 1)
    recorded = record_value(user("po"), target, final, "160", justification="")
    assert recorded.degree is not None and recorded.degree.value == Decimal(100)


def test_it_requires_a_justification_for_an_unmeasurable_value(
    final: Period, indicator: Find
) -> None:
    with pytest.raises(ValueRefused, match="motivazione"):
        record_value(user("po"), indicator("2.1/2", 1), final, "in corso", justification="")


def test_it_refuses_a_closed_period(world: World, indicator: Find) -> None:
    interim = Period.objects.get(cycle=world.cycle, code=Period.Code.INTERIM)
    assert interim.closed
    with pytest.raises(ValueRefused) as refused:
        record_value(user("po"), indicator("2.1/2", 1), interim, "150")
    assert refused.value.code == "closed"
    assert not Measurement.objects.filter(period=interim).exists()


def test_it_refuses_a_po_outside_their_units(final: Period, indicator: Find) -> None:
    with pytest.raises(ValueForbidden):
        record_value(user("po"), indicator("3.1/1", 1), final, "1")
    with pytest.raises(ValueForbidden):
        record_value(user("po2"), indicator("2.1/2", 1), final, "1")
    with pytest.raises(ValueForbidden):
        record_value(user("oiv"), indicator("2.1/2", 1), final, "150")
    record_value(user("po2"), indicator("3.1/1", 1), final, "7")
    assert stored(indicator("3.1/1", 1), final).text == "7"


def test_it_refuses_a_stale_version_and_keeps_the_other_value(
    final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 2)  # "> 100", value 141
    loaded = stored(target, final).version
    record_value(user("dirigente"), target, final, "180", expected_version=loaded)
    with pytest.raises(ValueConflict) as conflict:
        record_value(user("po"), target, final, "150", expected_version=loaded)
    assert "dirigente" in conflict.value.message and "«180»" in conflict.value.message
    assert conflict.value.current is not None and conflict.value.current.text == "180"
    assert stored(target, final).text == "180"
    assert stored(target, final).version == loaded + 1


def test_it_treats_a_value_created_meanwhile_as_a_conflict(world: World, indicator: Find) -> None:
    period = Period.objects.get(cycle=world.cycle, code=Period.Code.INTERIM)
    Period.objects.filter(pk=period.pk).update(closed=False)
    target = indicator("2.1/2", 2)
    record_value(user("po"), target, period, "70", expected_version=0)
    with pytest.raises(ValueConflict):
        record_value(user("dirigente"), target, period, "80", expected_version=0)
    assert stored(target, period).text == "70"


def test_it_does_not_bump_the_version_for_the_same_value(final: Period, indicator: Find) -> None:
    target = indicator("2.1/2", 2)
    before = stored(target, final)
    recorded = record_value(
        user("po"), target, final, before.text, comment=before.comment, justification=""
    )
    assert not recorded.changed
    assert stored(target, final).version == before.version


def test_a_change_clears_the_validation(final: Period, indicator: Find) -> None:
    target = indicator("2.1/2", 2)
    Measurement.objects.filter(indicator=target, period=final).update(
        validated_by=user("dirigente"),
        validated_at=datetime.datetime(2020, 1, 10, tzinfo=datetime.UTC),
    )
    record_value(user("po"), target, final, "150")
    assert stored(target, final).validated_at is None
    assert stored(target, final).validated_by is None
