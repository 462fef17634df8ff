"""send_reminders: owners with missing values, before and after the deadline, never twice."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from traguardo.accounts.models import Preference
from traguardo.monitoring.models import Measurement, Period, ReminderSent
from traguardo.plans.models import Cycle

DEADLINE = datetime.date(2020, 1, 31)


@pytest.fixture
def campaign(demo: Cycle) -> Period:
    """31.12 open with a deadline; sector 2.1's and 3.1's values cleared (missing)."""
    period = Period.objects.get(cycle=demo, code=Period.Code.FINAL)
    Period.objects.filter(pk=period.pk).update(closed=False, deadline=DEADLINE)
    Measurement.objects.filter(
        period=period, indicator__objective__home_unit__code__in=["2.1", "3.1"]
    ).delete()
    users = get_user_model().objects
    for name in ("po", "po2", "dirigente", "segretario", "ufficio", "oiv"):
        users.filter(username=name).update(email=f"{name}@cciaa.example")
    period.refresh_from_db()
    return period


def run(day: datetime.date) -> str:
    out = StringIO()
    call_command("send_reminders", date=day.isoformat(), days_before=7, stdout=out, stderr=out)
    return out.getvalue()


def recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def test_nothing_is_sent_before_the_window(campaign: Period) -> None:
    run(DEADLINE - datetime.timedelta(days=8))
    assert mail.outbox == []


def test_owners_with_missing_values_are_reminded_before_the_deadline(campaign: Period) -> None:
    output = run(DEADLINE - datetime.timedelta(days=7))
    # po (2.1), po2 (3.1), dirigente (area 2); the office and the OIV own no unit.
    assert {"po@cciaa.example", "po2@cciaa.example", "dirigente@cciaa.example"} <= recipients()
    assert "ufficio@cciaa.example" not in recipients()
    assert "oiv@cciaa.example" not in recipients()
    to_po = next(m for m in mail.outbox if m.to == ["po@cciaa.example"])
    assert "31/01/2020" in to_po.subject
    assert "2.1/2" in to_po.body and "3.1/1" not in to_po.body
    assert "inviato a po@cciaa.example" in output


def test_the_same_reminder_is_never_sent_twice(campaign: Period) -> None:
    run(DEADLINE - datetime.timedelta(days=5))
    first = len(mail.outbox)
    assert first > 0
    run(DEADLINE - datetime.timedelta(days=4))
    run(DEADLINE)
    assert len(mail.outbox) == first
    assert ReminderSent.objects.filter(kind="before").count() == first


def test_after_the_deadline_a_second_reminder_goes_once(campaign: Period) -> None:
    run(DEADLINE - datetime.timedelta(days=1))
    before = len(mail.outbox)
    run(DEADLINE + datetime.timedelta(days=1))
    after = mail.outbox[before:]
    assert after and all("scadenza superata" in m.subject for m in after)
    run(DEADLINE + datetime.timedelta(days=2))
    assert len(mail.outbox) == before + len(after)


def test_an_owner_without_missing_values_gets_nothing(campaign: Period) -> None:
    Measurement.objects.bulk_create(
        Measurement(indicator=i, period=campaign, text="10", number=10, reading_kind="number")
        for i in campaign.cycle.operational_objectives.get(
            home_unit__code="3.1", number=1
        ).indicators.all()
    )
    # po2 still misses the other 3.1 objectives; remove them from scope by filling all.
    missing_31 = [
        i
        for o in campaign.cycle.operational_objectives.filter(home_unit__code="3.1")
        for i in o.indicators.all()
        if not Measurement.objects.filter(indicator=i, period=campaign).exists()
    ]
    Measurement.objects.bulk_create(
        Measurement(indicator=i, period=campaign, text="10", number=10, reading_kind="number")
        for i in missing_31
    )
    from traguardo.monitoring.selectors import todo

    po2 = get_user_model().objects.get(username="po2")
    still = [r for r in todo(po2, campaign).rows if r.missing]
    Measurement.objects.bulk_create(
        Measurement(
            indicator=r.indicator, period=campaign, text="10", number=10, reading_kind="number"
        )
        for r in still
    )
    run(DEADLINE)
    assert "po2@cciaa.example" not in recipients()
    assert "po@cciaa.example" in recipients()


def test_closed_periods_send_nothing(campaign: Period) -> None:
    Period.objects.filter(pk=campaign.pk).update(closed=True)
    run(DEADLINE)
    assert mail.outbox == []


def test_a_bad_date_is_a_clear_error(campaign: Period) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-GG"):
        call_command("send_reminders", date="31/01/2020")


def test_each_recipient_reads_the_reminder_in_their_language(
    campaign: Period, client_as: Callable[[str], Client]
) -> None:
    """po chose English with the language switch; po2 never chose: Italian."""
    client = client_as("po")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert Preference.objects.get(user__username="po").language == "en"

    run(DEADLINE - datetime.timedelta(days=7))
    to_po = next(m for m in mail.outbox if m.to == ["po@cciaa.example"])
    assert to_po.subject.startswith("Traguardo: ")
    assert "values to enter for 31.12.2019" in to_po.subject
    assert "(deadline 31/01/2020)" in to_po.subject
    assert "Good morning" in to_po.body and "Enter them here: " in to_po.body
    assert "2.1/2, indicator " in to_po.body
    assert "Buongiorno" not in to_po.body and "scadenza" not in to_po.body
    to_po2 = next(m for m in mail.outbox if m.to == ["po2@cciaa.example"])
    assert "valori da inserire per il 31.12.2019" in to_po2.subject
    assert "Buongiorno" in to_po2.body and "Inseriscili da qui" in to_po2.body
    assert translation.get_language() == "it"  # the command's own language is left as it was


def test_with_a_broker_the_command_queues_the_task_for_a_worker(
    campaign: Period, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traguardo.monitoring import tasks

    queued: list[tuple[Any, ...]] = []

    class Sent:
        id = "t-1"

    def delay(*args: Any) -> Sent:
        queued.append(args)
        return Sent()

    settings.TRAGUARDO_BROKER_URL = "redis://127.0.0.1:6379/2"
    monkeypatch.setattr(tasks.send_reminders_task, "delay", delay)
    output = run(DEADLINE - datetime.timedelta(days=7))
    assert queued == [((DEADLINE - datetime.timedelta(days=7)).isoformat(), 7)]
    assert "accodati" in output and mail.outbox == []  # sent by the worker, not here
    out = StringIO()
    call_command("send_reminders", date=DEADLINE.isoformat(), days_before=7, here=True, stdout=out)
    assert "po@cciaa.example" in recipients() and len(queued) == 1  # --here: sent at once


def test_the_task_reports_what_it_sent_and_beat_knows_it(campaign: Period) -> None:
    from traguardo.monitoring.tasks import send_reminders_task
    from traguardo.project.celery import app

    report = send_reminders_task.delay(DEADLINE.isoformat(), 7).get()
    assert {r["email"] for r in report["sent"]} == recipients() != set()
    assert all(r["missing"] > 0 and r["period"] for r in report["sent"])
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled <= set(app.tasks) and "traguardo.monitoring.send_reminders" in scheduled
