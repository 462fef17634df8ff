"""Campaigns: the office opens a period with a deadline, closes it, reopens it with a reason."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.monitoring.models import Period, PeriodEvent

ClientAs = Callable[[str], Client]
URL = reverse("monitoring:periods")


def test_the_office_opens_a_period_with_a_deadline(sign_in: ClientAs, world: World) -> None:
    Period.objects.filter(cycle=world.cycle, code=Period.Code.INTERIM).delete()
    office = sign_in("ufficio")
    prefix = f"c{world.cycle.pk}"
    response = office.post(
        URL,
        {
            "action": "open",
            "cycle": str(world.cycle.pk),
            f"{prefix}-code": "30.06",
            f"{prefix}-deadline": "2019-07-31",
        },
    )
    assert response.status_code == 302
    period = Period.objects.get(cycle=world.cycle, code=Period.Code.INTERIM)
    assert (period.date, period.deadline, period.closed) == (
        datetime.date(2019, 6, 30),
        datetime.date(2019, 7, 31),
        False,
    )
    assert period.events.get().action == PeriodEvent.Action.OPENED


def test_opening_needs_a_deadline(sign_in: ClientAs, world: World) -> None:
    Period.objects.filter(cycle=world.cycle, code=Period.Code.INTERIM).delete()
    prefix = f"c{world.cycle.pk}"
    response = sign_in("ufficio").post(
        URL, {"action": "open", "cycle": str(world.cycle.pk), f"{prefix}-code": "30.06"}
    )
    assert response.status_code == 400
    assert not Period.objects.filter(cycle=world.cycle, code=Period.Code.INTERIM).exists()


def test_the_office_closes_a_period_and_its_values_lock(sign_in: ClientAs, final: Period) -> None:
    response = sign_in("ufficio").post(URL, {"action": "close", "period": str(final.pk)})
    assert response.status_code == 302
    final.refresh_from_db()
    assert final.closed
    assert final.events.last() is not None
    assert final.events.last().action == PeriodEvent.Action.CLOSED  # type: ignore[union-attr]


def test_reopening_requires_a_reason_that_is_recorded(sign_in: ClientAs, world: World) -> None:
    final = Period.objects.get(cycle=world.cycle, code=Period.Code.FINAL)
    office = sign_in("ufficio")
    prefix = f"p{final.pk}"
    refused = office.post(
        URL,
        {
            "action": "reopen",
            "period": str(final.pk),
            f"{prefix}-reason": " ",
            f"{prefix}-deadline": "2020-02-15",
        },
    )
    assert refused.status_code == 400
    final.refresh_from_db()
    assert final.closed
    done = office.post(
        URL,
        {
            "action": "reopen",
            "period": str(final.pk),
            f"{prefix}-reason": "Dato del settore 2.1 rettificato dalla fonte",
            f"{prefix}-deadline": "2020-02-15",
        },
    )
    assert done.status_code == 302
    final.refresh_from_db()
    assert not final.closed and final.deadline == datetime.date(2020, 2, 15)
    event = final.events.get(action=PeriodEvent.Action.REOPENED)
    assert event.reason == "Dato del settore 2.1 rettificato dalla fonte"
    assert event.by is not None and event.by.get_username() == "ufficio"
    page = office.get(URL).content.decode()
    assert "Dato del settore 2.1 rettificato dalla fonte" in page


def test_the_campaign_page_lists_the_periods(sign_in: ClientAs, final: Period) -> None:
    html = sign_in("ufficio").get(URL).content.decode()
    assert "Consuntivo (31.12)" in html and "Chiudi" in html and "Riapri" in html
