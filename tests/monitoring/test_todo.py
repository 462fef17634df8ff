"""The to-do list's states: to enter, entered, late, to justify, validated."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.utils import timezone

from traguardo.monitoring.models import Measurement, Period
from traguardo.monitoring.selectors import todo
from traguardo.plans.models import Indicator

Find = Callable[[str, int], Indicator]


def rows_by_indicator(username: str, period: Period) -> dict[int, object]:
    user = get_user_model().objects.get(username=username)
    return {
        row.indicator.pk: row for row in todo(user, period, today=datetime.date(2020, 2, 1)).rows
    }


def test_it_marks_missing_late_and_to_justify(final: Period, indicator: Find) -> None:
    Period.objects.filter(pk=final.pk).update(deadline=datetime.date(2020, 1, 31))
    final.refresh_from_db()
    missing, short, late = indicator("2.1/2", 1), indicator("2.1/2", 2), indicator("2.1/1", 2)
    Measurement.objects.filter(indicator=missing, period=final).delete()
    Measurement.objects.filter(indicator=short, period=final).update(
        text="50", number=50, entered_at=timezone.make_aware(datetime.datetime(2020, 1, 15, 9))
    )
    Measurement.objects.filter(indicator=late, period=final).update(
        entered_at=timezone.make_aware(datetime.datetime(2020, 2, 1, 10, 0))
    )
    rows = rows_by_indicator("po", final)
    assert rows[missing.pk].missing and rows[missing.pk].late  # type: ignore[attr-defined]
    assert rows[short.pk].to_justify and not rows[short.pk].late  # type: ignore[attr-defined]
    assert rows[late.pk].late and rows[late.pk].entered  # type: ignore[attr-defined]
    assert not rows[late.pk].to_justify  # type: ignore[attr-defined]


def test_a_justified_shortfall_is_not_to_justify(final: Period, indicator: Find) -> None:
    short = indicator("2.1/2", 2)
    Measurement.objects.filter(indicator=short, period=final).update(
        text="50", number=50, justification="Procedimenti sospesi per la normativa"
    )
    assert not rows_by_indicator("po", final)[short.pk].to_justify  # type: ignore[attr-defined]


def test_scope_follows_the_role(final: Period, indicator: Find) -> None:
    po = rows_by_indicator("po", final)
    dirigente = rows_by_indicator("dirigente", final)
    office = rows_by_indicator("ufficio", final)
    assert indicator("2.1/2", 1).pk in po and indicator("3.1/1", 1).pk not in po
    assert indicator("2.2/4", 1).pk in dirigente and indicator("3.1/1", 1).pk not in dirigente
    assert set(po) < set(dirigente) < set(office)
