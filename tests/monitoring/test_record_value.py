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


# Values entered as numerator and denominator (issue 14) ----------------------------------
def _percent_target(item: Indicator) -> None:
    from traguardo.plans.models import Target

    cycle = (item.objective or item.entity_block).cycle  # type: ignore[union-attr]
    Target.objects.filter(indicator=item, year=cycle.year).update(text="= 100%")


def test_a_ratio_keeps_both_terms_and_is_scored_as_their_percentage(
    final: Period, indicator: Find
) -> None:
    target = indicator("2.1/2", 1)
    _percent_target(target)
    recorded = record_value(
        user("po"),
        target,
        final,
        "",
        numerator="12,21",
        denominator="13,06",
        justification="sotto target",
    )
    value = stored(target, final)
    assert (value.numerator, value.denominator) == (Decimal("12.21"), Decimal("13.06"))
    assert value.text == "93,491577%" and value.number == Decimal("93.491577")
    assert value.ratio_label == "12,21 / 13,06 = 93,49%"
    assert recorded.degree is not None and recorded.degree.value == Decimal("93.491577")


def test_a_ratio_against_a_plain_number_is_not_a_percentage(final: Period, indicator: Find) -> None:
    target = indicator("2.1/2", 1)  # "= 150"
    record_value(user("po"), target, final, "", numerator="1.551", denominator="10")
    value = stored(target, final)
    assert value.text == "155,1" and value.ratio_label == "1.551 / 10 = 155,10"
    # A value written plainly afterwards clears the terms.
    record_value(user("po"), target, final, "160")
    value = stored(target, final)
    assert value.numerator is None and value.denominator is None and value.ratio_label == ""


@pytest.mark.parametrize(
    ("numerator", "denominator", "field", "says"),
    [
        ("12", "0", "denominator", "denominatore è zero"),
        ("12", "0,00", "denominator", "denominatore è zero"),
        ("12", "", "denominator", "scrivi anche il denominatore"),
        ("", "13", "numerator", "scrivi anche il numeratore"),
        ("1,234.5", "13", "numerator", "all'inglese"),
        ("12/13", "13", "numerator", "non è un numero"),
        ("12", "1e3", "denominator", "esponenziale"),
    ],
)
def test_a_bad_ratio_is_refused_naming_its_field(
    final: Period, indicator: Find, numerator: str, denominator: str, field: str, says: str
) -> None:
    target = indicator("2.1/2", 1)
    with pytest.raises(ValueRefused) as refused:
        record_value(user("po"), target, final, "", numerator=numerator, denominator=denominator)
    assert refused.value.field == field and says in refused.value.message
    assert stored(target, final).text == "150"  # nothing saved


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("12,21/13,06", "numeratore e il denominatore"),
        ("complessivamente 22 di cui n. 2", "più numeri"),
        ("1,234.56", "all'inglese"),
        ("\u20135", "segno meno"),
        ("1e308", "esponenziale"),
        ("123456789012345678901", "troppo grande"),
    ],
)
def test_ambiguous_text_is_refused_never_read_as_something_else(
    final: Period, indicator: Find, text: str, says: str
) -> None:
    target = indicator("2.1/2", 1)
    with pytest.raises(ValueRefused) as refused:
        record_value(user("po"), target, final, text)
    assert refused.value.code == "invalid_number" and says in refused.value.message
    assert stored(target, final).text == "150"


def test_the_unicode_minus_is_recorded_as_minus(final: Period, indicator: Find) -> None:
    target = indicator("2.1/2", 1)
    record_value(user("po"), target, final, "\u22125")
    assert stored(target, final).number == Decimal(-5)


def test_a_stored_text_is_not_checked_again_when_only_the_comment_changes(
    final: Period, indicator: Find
) -> None:
    """The seed has values such as "complessivamente 22 di cui n. 2 …", recorded before
    the check: a comment on them must not be refused; a new such text is."""
    target = indicator("2.1/2", 1)
    legacy = "complessivamente 22 di cui n. 2 attinenti i servizi digitali"
    Measurement.objects.filter(indicator=target, period=final).update(text=legacy)
    record_value(user("po"), target, final, legacy, comment="verificato")
    assert stored(target, final).comment == "verificato"
    with pytest.raises(ValueRefused, match="più numeri"):
        record_value(user("po"), target, final, "complessivamente 23 di cui n. 2")


def test_the_entry_form_reads_a_bare_target_by_the_indicator_direction(
    final: Period, indicator: Find
) -> None:
    """Issue 14: "5 gg" with direction "lower is better" and value 4 scored 80%."""
    from traguardo.plans.models import Target

    target = indicator("2.1/2", 1)
    Target.objects.filter(indicator=target).update(text="5 gg")
    Indicator.objects.filter(pk=target.pk).update(direction=Indicator.Direction.LOWER)
    target.refresh_from_db()
    recorded = record_value(user("po"), target, final, "4", justification="")
    assert recorded.degree is not None and recorded.degree.value == Decimal(100)
    with pytest.raises(ValueRefused, match="non raggiunge il target"):
        record_value(user("po"), target, final, "6", justification="")
    Indicator.objects.filter(pk=target.pk).update(direction=Indicator.Direction.HIGHER)
    target.refresh_from_db()
    recorded = record_value(user("po"), target, final, "4", justification="sotto")
    assert recorded.degree is not None and recorded.degree.value == Decimal(80)
