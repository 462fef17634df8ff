"""Reminder e-mails to the owners of missing values, before and after the deadline.

Run daily (cron, see docs/monitoring.md). For each open campaign with a deadline, in a
cycle being monitored: from TRAGUARDO_REMINDER_DAYS_BEFORE days before the deadline up to
the deadline an owner with missing values gets the "before" reminder, and once the
deadline has passed the "after" one. Each (period, user, kind) is sent at most once: the
record is written in the same transaction as the sending, so a failed send is retried
the next day and a sent one is never repeated.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from traguardo.accounts import current
from traguardo.accounts.models import Membership, Role
from traguardo.accounts.preferences import preferred_language
from traguardo.audit import recorder
from traguardo.monitoring.models import Period, ReminderKind, ReminderSent
from traguardo.monitoring.selectors import todo
from traguardo.plans.models import Cycle

DEFAULT_DAYS_BEFORE = 7
OWNER_ROLES = (Role.PO, Role.DIRIGENTE, Role.SEGRETARIO)


def days_before() -> int:
    return int(getattr(settings, "TRAGUARDO_REMINDER_DAYS_BEFORE", DEFAULT_DAYS_BEFORE))


def due_kind(period: Period, today: datetime.date, days: int) -> ReminderKind | None:
    if period.deadline is None:
        return None
    if today > period.deadline:
        return ReminderKind.AFTER
    if (period.deadline - today).days <= days:
        return ReminderKind.BEFORE
    return None


def owners(cycle: Cycle) -> list[Any]:
    """Users holding a post (PO, dirigente, SG) in the cycle's entity."""
    user_ids = Membership.objects.filter(
        entity_id=cycle.entity_id, role__in=[r.value for r in OWNER_ROLES]
    ).values_list("user_id", flat=True)
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .select_related("preference")
        .order_by("pk")
    )


@dataclass
class Report:
    sent: list[ReminderSent] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)  # usernames with missing values


def send_reminders(
    today: datetime.date, days: int | None = None, entity_code: str | None = None
) -> Report:
    """The reminders due on `today`, for every administration or only `entity_code`'s."""
    days = days_before() if days is None else days
    report = Report()
    periods = Period.objects.filter(
        closed=False, deadline__isnull=False, cycle__state=Cycle.State.MONITORING
    ).select_related("cycle__entity")
    if entity_code:
        periods = periods.filter(cycle__entity__code=entity_code)
    for period in periods:
        kind = due_kind(period, today, days)
        if kind is None:
            continue
        for user in owners(period.cycle):
            if ReminderSent.objects.filter(period=period, user=user, kind=kind).exists():
                continue
            rows = [
                r
                for r in todo(user, period, today=today, with_entity=False).rows
                if r.missing and r.can_enter
            ]
            if not rows:
                continue
            if not user.email:
                report.no_address.append(user.get_username())
                continue
            sent = _send(user, period, kind, rows, today)
            if sent is not None:
                report.sent.append(sent)
    return report


def _send(
    user: Any, period: Period, kind: ReminderKind, rows: list[Any], today: datetime.date
) -> ReminderSent | None:
    context = {
        "user": user,
        "period": period,
        "kind": kind.value,
        "rows": rows,
        "today": today,
        "days_left": (period.deadline - today).days if period.deadline else None,
        # Under the period's administration when there are several: the reader may work
        # for others too (docs/web.md, "Administrations").
        "todo_url": current.absolute_url("monitoring:todo", period.cycle.entity),
    }
    # Each recipient reads the e-mail in the language they chose (Italian by default).
    with translation.override(preferred_language(user)):
        subject = (
            ngettext(
                "Traguardo: %(n)s valore da inserire per il %(period)s",
                "Traguardo: %(n)s valori da inserire per il %(period)s",
                len(rows),
            )
            % {"n": len(rows), "period": period}
            + " "
            + (
                _("(scadenza %(date)s)") % {"date": f"{period.deadline:%d/%m/%Y}"}
                if kind is ReminderKind.BEFORE
                else _("(scadenza superata)")
            )
        )
        body = render_to_string("monitoring/emails/reminder.txt", context)
    try:
        with transaction.atomic():
            record = recorder.create(
                ReminderSent,
                period=period,
                user=user,
                kind=kind,
                email=user.email,
                missing=len(rows),
            )
            send_mail(subject, body, None, [user.email])
    except IntegrityError:
        return None  # another run sent it meanwhile
    return record
