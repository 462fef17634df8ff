"""Monitoring invariants: one value per indicator and period, numbers where they belong."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Cycle, Indicator


@pytest.fixture
def final(cycle: Cycle) -> Period:
    return Period.objects.create(
        cycle=cycle, code=Period.Code.FINAL, date=datetime.date(2019, 12, 31)
    )


def test_it_rejects_a_second_measurement_for_the_same_period(
    indicator: Indicator, final: Period
) -> None:
    Measurement.objects.create(
        indicator=indicator,
        period=final,
        text="5",
        number=Decimal("5"),
        reading_kind=Measurement.ReadingKind.NUMBER,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            indicator=indicator,
            period=final,
            text="6",
            number=Decimal("6"),
            reading_kind=Measurement.ReadingKind.NUMBER,
        )


def test_it_keeps_the_value_as_written_beside_the_number(
    indicator: Indicator, final: Period
) -> None:
    Measurement.objects.create(
        indicator=indicator,
        period=final,
        text="676.433,56 €",
        number=Decimal("676433.56"),
        reading_kind=Measurement.ReadingKind.FROM_TEXT,
    )
    measurement = Measurement.objects.get(indicator=indicator, period=final)
    assert (measurement.text, measurement.number) == ("676.433,56 €", Decimal("676433.56"))


def test_it_rejects_a_numeric_reading_without_a_number(indicator: Indicator, final: Period) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            indicator=indicator, period=final, text="cinque", reading_kind="number"
        )


def test_it_rejects_a_yes_reading_with_a_number(indicator: Indicator, final: Period) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            indicator=indicator, period=final, text="SI", number=Decimal("1"), reading_kind="yes"
        )


def test_it_records_an_unmeasurable_value_with_its_reason(
    indicator: Indicator, final: Period
) -> None:
    Measurement.objects.create(
        indicator=indicator,
        period=final,
        reading_kind=Measurement.ReadingKind.NOT_MEASURABLE,
        not_measurable_reason="Dato non disponibile alla data del monitoraggio",
    )
    assert Measurement.objects.get().number is None


def test_it_rejects_a_second_final_period_in_a_cycle(cycle: Cycle, final: Period) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(cycle=cycle, code="31.12", date=datetime.date(2019, 12, 31))
