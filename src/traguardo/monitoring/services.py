"""Recording monitoring values: the one entry point for the web pages, the API and imports.

Every caller (form, REST endpoint, spreadsheet import) goes through `record_value`, so the
permission check, the parsing of the value as written and the rules on closed periods are
the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from traguardo.accounts import permissions
from traguardo.core.readings import ReadingKind, parse_reading
from traguardo.monitoring.models import Measurement, Period
from traguardo.plans.models import Indicator

READING_KINDS = {
    ReadingKind.NUMBER: Measurement.ReadingKind.NUMBER,
    ReadingKind.FROM_TEXT: Measurement.ReadingKind.FROM_TEXT,
    ReadingKind.YES: Measurement.ReadingKind.YES,
    ReadingKind.NO: Measurement.ReadingKind.NO,
    ReadingKind.NOT_MEASURABLE: Measurement.ReadingKind.NOT_MEASURABLE,
}


class ValueRefused(Exception):
    """The value cannot be recorded; `message` says why, in words for the user."""

    def __init__(self, message: str, *, field: str = "text", code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class ValueForbidden(ValueRefused):
    """The user may not record values for this indicator."""


@dataclass(frozen=True)
class Recorded:
    measurement: Measurement
    created: bool


def cycle_of(indicator: Indicator) -> Any:
    owner = indicator.objective or indicator.entity_block
    if owner is None:
        raise ValueRefused("L'indicatore non appartiene a un obiettivo né a un blocco.")
    return owner.cycle


@transaction.atomic
def record_value(
    user: Any,
    indicator: Indicator,
    period: Period,
    text: str,
    *,
    comment: str = "",
) -> Recorded:
    """Save the value of `indicator` at `period` as written by `user`.

    Raises ValueForbidden if the user may not enter it (not their unit, wrong role, cycle
    not in monitoring), ValueRefused if the period is closed or the text is empty.
    """
    cycle = cycle_of(indicator)
    if period.cycle_id != cycle.pk:
        raise ValueRefused("Il periodo non appartiene al ciclo dell'indicatore.", field="period")
    objective = indicator.objective
    allowed = (
        permissions.can_enter_value(user, objective, cycle)
        if objective is not None
        else permissions.can_manage_cycle(user, cycle) and cycle.state == "monitoring"
    )
    if not allowed:
        raise ValueForbidden(
            "Non puoi inserire valori per questo indicatore: non è di una tua unità "
            "o il ciclo non è in monitoraggio.",
            code="forbidden",
        )
    if period.closed:
        raise ValueRefused(
            f"Il periodo {period.get_code_display()} è chiuso: i valori non si modificano più.",
            field="period",
            code="closed",
        )
    reading = parse_reading(text)
    if reading.kind is ReadingKind.EMPTY:
        raise ValueRefused("Scrivi un valore (per esempio 54,47%, 1.250 oppure SI).")
    fields = {
        "text": text.strip(),
        "number": reading.number,
        "reading_kind": READING_KINDS[reading.kind],
        "not_measurable_reason": reading.reason
        if reading.kind is ReadingKind.NOT_MEASURABLE
        else "",
        "comment": comment,
        "entered_by": user if getattr(user, "is_authenticated", False) else None,
    }
    measurement, created = Measurement.objects.update_or_create(
        indicator=indicator, period=period, defaults=fields
    )
    return Recorded(measurement, created)
