"""The daily reminder e-mails as a background task (queued by `traguardo send-reminders`
from cron, or by Celery beat: see docs/monitoring.md and docs/deploy.md)."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.utils import timezone

from traguardo.monitoring.reminders import send_reminders


@shared_task(name="traguardo.monitoring.send_reminders")
def send_reminders_task(
    day: str | None = None, days: int | None = None, entity: str | None = None
) -> dict[str, Any]:
    """Send the reminders due on `day` (ISO date; today if None), of every administration
    or only of the one coded `entity`; what was sent, as data."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = send_reminders(today, days, entity)
    return {
        "sent": [
            {
                "email": r.email,
                "missing": r.missing,
                "period": str(r.period),
                "kind": str(r.get_kind_display()).lower(),
            }
            for r in report.sent
        ],
        "no_address": list(report.no_address),
    }
