"""A dirigente (or the SG) confirms the values of a unit of their area for a period."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.monitoring.models import Comment, Measurement, Period, UnitValidation
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


def may_undo(user: Any, validation: UnitValidation) -> bool:
    """Who validated (or another who may validate the unit) undoes it while the period is
    open; once the period is closed its values, and their confirmation, are frozen."""
    period = validation.period
    return not period.closed and permissions.can_validate_unit(user, validation.unit, period.cycle)


@transaction.atomic
def undo_validation(user: Any, validation: UnitValidation) -> int:
    """Take back a validation: the values it confirmed (and nothing confirmed by a later
    act) lose their confirmation; the act is deleted, its deletion audited. Returns how
    many values went back to "not validated"."""
    if not may_undo(user, validation):
        raise ValidationRefused(
            _("La validazione si annulla solo finché il periodo è aperto, da chi può validare.")
        )
    values = unit_measurements(validation.unit, validation.period).filter(
        validated_at=validation.at, validated_by_id=validation.by_id
    )
    count = values.update(validated_by=None, validated_at=None)
    recorder.delete(validation)
    versions.bump([validation.period.cycle_id])
    return count


def may_send_back(user: Any, measurement: Measurement) -> bool:
    """Whoever may validate one of the units that carry the value's objective."""
    objective = measurement.indicator.objective
    if objective is None:
        return False
    unit_ids = set(objective.assignments.values_list("unit_id", flat=True))
    unit_ids.add(objective.home_unit_id)
    cycle = measurement.period.cycle
    return any(
        permissions.can_validate_unit(user, unit, cycle)
        for unit in OrgUnit.objects.filter(pk__in=unit_ids)
    )


@transaction.atomic
def send_back(user: Any, measurement: Measurement, note: str) -> Measurement:
    """The dirigente sends a value back to whoever enters it, with a note saying what to
    check: the value loses its confirmation and shows the note to its owner until a new
    value is saved. The note is also kept as a comment of the indicator (its thread)."""
    period = measurement.period
    if not may_send_back(user, measurement):
        raise ValidationRefused(_("Non puoi rimandare questo valore: non è della tua area."))
    if period.closed:
        raise ValidationRefused(_("Il periodo è chiuso: i suoi valori non si rimandano più."))
    if not note.strip():
        raise ValidationRefused(_("Scrivi che cosa va controllato: la nota è per il responsabile."))
    old = recorder.values_of(measurement)
    measurement.returned_note = note.strip()
    measurement.returned_at = timezone.now()
    measurement.validated_by = None
    measurement.validated_at = None
    measurement.save(update_fields=["returned_note", "returned_at", "validated_by", "validated_at"])
    recorder.record_saved(measurement, old)
    recorder.create(
        Comment,
        indicator=measurement.indicator,
        period=period,
        text=_("Valore rimandato al responsabile: %(note)s") % {"note": note.strip()},
        author=user,
    )
    versions.bump([period.cycle_id])
    return measurement
