"""A dirigente (or the SG) confirms the values of a unit of their area for a period."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.monitoring.models import Period, UnitValidation
from traguardo.monitoring.selectors import unit_measurements
from traguardo.organisation.models import OrgUnit
from traguardo.plans import versions


class ValidationRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def validate_unit(user: Any, unit: OrgUnit, period: Period) -> UnitValidation:
    """Mark every value of the unit's objectives at `period` as confirmed by `user`.

    A value changed later loses its confirmation (record_value clears it).
    """
    cycle = period.cycle
    if not permissions.can_validate_unit(user, unit, cycle):
        raise ValidationRefused(
            _("Non puoi validare i valori dell'unità %(unit)s: non è della tua area.")
            % {"unit": unit.code}
        )
    values = unit_measurements(unit, period)
    if not values.exists():
        raise ValidationRefused(
            _(
                "L'unità %(unit)s non ha ancora valori per il periodo %(period)s: "
                "non c'è nulla da validare."
            )
            % {"unit": unit.code, "period": period}
        )
    now = timezone.now()
    count = values.filter(validated_at__isnull=True).update(validated_by=user, validated_at=now)
    # One entry for the act (the values' confirmation is its count), and a new data
    # version: the pages show which values are validated.
    validation = recorder.create(
        UnitValidation, period=period, unit=unit, by=user, at=now, count=count
    )
    versions.bump([cycle.pk])
    return validation
