"""Monitoring campaigns: the performance office opens a period with a deadline, closes it
(closing locks its values) and, only with a recorded reason, reopens it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.monitoring.models import Period, PeriodEvent
from traguardo.plans import versions
from traguardo.plans.models import Cycle

PERIOD_DATES = {Period.Code.INTERIM: (6, 30), Period.Code.FINAL: (12, 31)}


class CampaignRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CampaignForbidden(CampaignRefused):
    """The user may not manage this cycle's campaigns."""


def _check(user: Any, cycle: Cycle) -> None:
    if not permissions.can_manage_cycle(user, cycle):
        raise CampaignForbidden(
            _(
                "Solo la struttura tecnica permanente gestisce le campagne di monitoraggio "
                "(e non dopo la pubblicazione della Relazione)."
            )
        )


def _check_deadline(cycle: Cycle, deadline: datetime.date | None) -> None:
    if deadline is None:
        raise CampaignRefused(_("Indica la scadenza per l'inserimento dei valori."))
    if deadline.year < cycle.year:
        raise CampaignRefused(
            _("La scadenza %(deadline)s precede l'anno del ciclo (%(year)s).")
            % {"deadline": f"{deadline:%d/%m/%Y}", "year": cycle.year}
        )


@transaction.atomic
def open_period(user: Any, cycle: Cycle, code: str, deadline: datetime.date | None) -> Period:
    """Open the campaign of a period not opened yet (a closed one is reopened instead)."""
    _check(user, cycle)
    _check_deadline(cycle, deadline)
    if code not in PERIOD_DATES:
        raise CampaignRefused(
            _("Periodo «%(code)s» sconosciuto: scegli 30.06 oppure 31.12.") % {"code": code}
        )
    if Period.objects.filter(cycle=cycle, code=code).exists():
        raise CampaignRefused(
            _("Il periodo %(period)s esiste già: se è chiuso, riaprilo con una motivazione.")
            % {"period": f"{code}.{cycle.year}"}
        )
    month, day = PERIOD_DATES[Period.Code(code)]
    period = recorder.create(
        Period,
        cycle=cycle,
        code=code,
        date=datetime.date(cycle.year, month, day),
        deadline=deadline,
    )
    recorder.create(
        PeriodEvent, period=period, action=PeriodEvent.Action.OPENED, deadline=deadline, by=user
    )
    versions.bump([period.cycle_id])
    return period


@transaction.atomic
def close_period(user: Any, period: Period) -> Period:
    _check(user, period.cycle)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.closed:
        raise CampaignRefused(_("Il periodo %(period)s è già chiuso.") % {"period": period})
    period.closed = True
    recorder.save(period, update_fields=["closed"])
    recorder.create(PeriodEvent, period=period, action=PeriodEvent.Action.CLOSED, by=user)
    versions.bump([period.cycle_id])
    return period


@transaction.atomic
def reopen_period(user: Any, period: Period, reason: str, deadline: datetime.date | None) -> Period:
    """Reopen a closed campaign: only the office, only with a reason (kept in the record)."""
    _check(user, period.cycle)
    if not reason.strip():
        raise CampaignRefused(_("Per riaprire un periodo chiuso scrivi la motivazione."))
    _check_deadline(period.cycle, deadline)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.closed:
        raise CampaignRefused(_("Il periodo %(period)s è già aperto.") % {"period": period})
    period.closed = False
    period.deadline = deadline
    recorder.save(period, update_fields=["closed", "deadline"])
    recorder.create(
        PeriodEvent,
        period=period,
        action=PeriodEvent.Action.REOPENED,
        reason=reason.strip(),
        deadline=deadline,
        by=user,
    )
    versions.bump([period.cycle_id])
    return period


@transaction.atomic
def change_deadline(user: Any, period: Period, deadline: datetime.date | None) -> Period:
    _check(user, period.cycle)
    _check_deadline(period.cycle, deadline)
    if period.closed:
        raise CampaignRefused(
            _("Il periodo %(period)s è chiuso: riaprilo per cambiare scadenza.")
            % {"period": period}
        )
    period.deadline = deadline
    recorder.save(period, update_fields=["deadline"])
    recorder.create(
        PeriodEvent, period=period, action=PeriodEvent.Action.DEADLINE, deadline=deadline, by=user
    )
    versions.bump([period.cycle_id])
    return period
