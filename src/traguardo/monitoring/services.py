"""Recording monitoring values: the one entry point for the web pages, the API and imports.

Every caller (form, REST endpoint, spreadsheet import) goes through `record_value`, so the
permission check, the parsing of the value as written and the rules on closed periods are
the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.core.readings import ReadingKind, parse_reading, value_problem
from traguardo.core.rules import Degree
from traguardo.modelutils import TEXT_MAX_LENGTH
from traguardo.monitoring.degrees import Grader, misses_target
from traguardo.monitoring.models import Comment, Measurement, Period
from traguardo.plans import versions
from traguardo.plans.models import Cycle, Indicator, ObjectiveAssignment

# A value as written (the form's and the API's limit); comments and justifications:
# TEXT_MAX_LENGTH, as every free text.
VALUE_MAX_LENGTH = 500

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


class ValueConflict(ValueRefused):
    """Someone else saved the value after the form was loaded: nothing was overwritten.

    `current` is the value as it is now in the database, to show to the user.
    """

    def __init__(self, message: str, *, current: Measurement | None) -> None:
        super().__init__(message, field="text", code="conflict")
        self.current = current


@dataclass(frozen=True)
class Recorded:
    measurement: Measurement
    created: bool
    changed: bool = True  # False when the same value was posted again (nothing saved)
    degree: Degree | None = None  # the indicator's degree for the value (core's rules)


def cycle_of(indicator: Indicator) -> Any:
    owner = indicator.objective or indicator.entity_block
    if owner is None:
        raise ValueRefused("L'indicatore non appartiene a un obiettivo né a un blocco.")
    return owner.cycle


def conflict_message(current: Measurement | None) -> str:
    if current is None:
        return _(
            "Nel frattempo il valore è stato cancellato. Il tuo valore non è stato salvato: "
            "ricarica la pagina e inseriscilo di nuovo."
        )
    who = current.entered_by.get_username() if current.entered_by else _("un altro utente")
    when = timezone.localtime(current.entered_at)
    return _(
        "Nel frattempo %(who)s ha salvato il valore «%(value)s» il %(date)s alle %(time)s. "
        "Il tuo valore non è stato salvato, per non sovrascrivere il suo: controlla e, "
        "se serve, salva di nuovo."
    ) % {"who": who, "value": current.text, "date": f"{when:%d/%m/%Y}", "time": f"{when:%H:%M}"}


@transaction.atomic
def record_value(
    user: Any,
    indicator: Indicator,
    period: Period,
    text: str,
    *,
    comment: str | None = None,
    justification: str | None = None,
    expected_version: int | None = None,
    as_admin: bool = False,
) -> Recorded:
    """Save the value of `indicator` at `period` as written by `user`.

    Raises ValueForbidden if the user may not enter it (not their unit, wrong role, cycle
    not in monitoring), ValueRefused if the period is closed or the text is empty.

    `justification`: the reason for a deviation. When given (the entry form always gives
    it), it is required if the value misses its target (degree under 100% or not
    measurable, by the core's rules); None keeps the stored one and does not check it,
    for callers that do not collect it (such values show as "to justify" in the to-do list).

    `comment`: the comment on the value; None keeps the stored one (an API write or an
    import that does not send it never wipes it).

    A number that another program would read otherwise (``1,234.56``, ``2,5e3``) or too
    large or too precise for the stored figure is refused (core.readings.value_problem).

    `expected_version`: the version the caller's form was loaded with (0: there was no
    value). If the stored value has another version, ValueConflict is raised and nothing
    is written. None skips the check (the command-line import, an API write with
    "overwrite": true; a confirmed web import passes the versions its preview read).

    A change of value, comment or justification clears the unit's validation of it.

    `as_admin`: a superuser's correction from the admin (MeasurementAdmin): the role check is
    skipped, everything else (closed period, parsing, version, audit, data version) holds.
    """
    cycle = cycle_of(indicator)
    if period.cycle_id != cycle.pk:
        raise ValueRefused("Il periodo non appartiene al ciclo dell'indicatore.", field="period")
    allowed = may_enter(user, indicator, cycle)
    if as_admin and getattr(user, "is_superuser", False):
        allowed = True
    if not allowed:
        raise ValueForbidden(
            "Non puoi inserire valori per questo indicatore: non è di una tua unità "
            "o il ciclo non è in monitoraggio.",
            code="forbidden",
        )
    # Lock the period row so that closing a campaign and saving a value are serialised.
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.closed:
        raise ValueRefused(
            f"Il periodo {period.get_code_display()} è chiuso: i valori non si modificano più.",
            field="period",
            code="closed",
        )
    for name, given, limit in (
        ("text", text, VALUE_MAX_LENGTH),
        ("comment", comment, TEXT_MAX_LENGTH),
        ("justification", justification, TEXT_MAX_LENGTH),
    ):
        if given is not None and len(given.strip()) > limit:
            raise ValueRefused(
                _("Testo troppo lungo: al massimo %(limit)s caratteri (ne hai scritti %(n)s).")
                % {"limit": limit, "n": len(given.strip())},
                field=name,
            )
    with translation.override("it"):  # its reason is stored: data, in Italian
        reading = parse_reading(text)
    if reading.kind is ReadingKind.EMPTY:
        raise ValueRefused("Scrivi un valore (per esempio 54,47%, 1.250 oppure SI).")
    problem = value_problem(text)
    if problem:
        raise ValueRefused(problem[:1].upper() + problem[1:] + ".", code="invalid_number")
    degree = Grader.for_cycle(cycle).degree(indicator, text.strip())
    if justification is not None and not justification.strip() and misses_target(degree):
        raise ValueRefused(
            _(
                "Il valore non raggiunge il target: scrivi la motivazione dello scostamento "
                "(la Relazione sulla performance la riporta)."
            ),
            field="justification",
            code="justification_required",
        )
    current = (
        # No select_related here: PostgreSQL cannot lock the nullable side of an outer join.
        Measurement.objects.select_for_update().filter(indicator=indicator, period=period).first()
    )
    if expected_version is not None:
        found = current.version if current is not None else 0
        if found != expected_version:
            raise ValueConflict(conflict_message(current), current=current)
    fields: dict[str, Any] = {
        "text": text.strip(),
        "number": reading.number,
        "reading_kind": READING_KINDS[reading.kind],
        "not_measurable_reason": reading.reason
        if reading.kind is ReadingKind.NOT_MEASURABLE
        else "",
    }
    if comment is not None:
        fields["comment"] = comment
    if justification is not None:
        fields["justification"] = justification.strip()
    if current is not None and all(getattr(current, k) == v for k, v in fields.items()):
        return Recorded(current, created=False, changed=False, degree=degree)
    fields.update(
        entered_by=user if getattr(user, "is_authenticated", False) else None,
        entered_at=timezone.now(),
        validated_by=None,
        validated_at=None,
        returned_note="",
        returned_at=None,
    )
    if current is None:
        try:
            with transaction.atomic():
                measurement = recorder.create(
                    Measurement, indicator=indicator, period=period, version=1, **fields
                )
        except IntegrityError:
            # Another request created it between our read and our insert: never overwrite
            # a value nobody has seen, whatever the caller asked.
            raced = Measurement.objects.filter(indicator=indicator, period=period).first()
            raise ValueConflict(conflict_message(raced), current=raced) from None
        versions.bump([cycle.pk])
        return Recorded(measurement, created=True, degree=degree)
    old = recorder.values_of(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    recorder.record_saved(current, old)
    versions.bump([cycle.pk])
    return Recorded(current, created=False, degree=degree)


def may_enter(user: Any, indicator: Indicator, cycle: Cycle) -> bool:
    """Whether `user` enters (and so comments) the indicator's values: an objective's by
    its owners, Allegato B's by the office while the cycle is monitored."""
    objective = indicator.objective
    if objective is not None:
        return permissions.can_enter_value(user, objective, cycle)
    return permissions.can_manage_cycle(user, cycle) and cycle.state == "monitoring"


def entry_check(user: Any, cycle: Cycle) -> Callable[[Indicator], bool]:
    """`may_enter` for many indicators of `cycle` at once (an import): the user's units and
    the units of every objective are read in two queries, then each indicator is a lookup."""
    scope = permissions.value_entry_scope(user, cycle)
    manages = permissions.can_manage_cycle(user, cycle) and cycle.state == "monitoring"
    units: dict[int, set[int]] = {}
    if not scope.every_unit and scope.units:
        for objective_id, unit_id in ObjectiveAssignment.objects.filter(cycle=cycle).values_list(
            "objective_id", "unit_id"
        ):
            units.setdefault(objective_id, set()).add(unit_id)

    def allowed(indicator: Indicator) -> bool:
        objective = indicator.objective
        if objective is None:
            return manages
        if scope.every_unit or not scope.units:
            return scope.every_unit
        return scope.allows(units.get(objective.pk, set()) | {objective.home_unit_id})

    return allowed


@transaction.atomic  # the period is locked (select_for_update) while the comment is written
def add_comment(user: Any, indicator: Indicator, period: Period, text: str) -> Comment:
    """A comment on the indicator's value at `period` (recorded in its history).

    Only those who may enter that value comment on it (the OIV never writes a value, so it
    does not comment: its notes are the validation checks), and only while the cycle is in
    monitoring and the period is open: ValueForbidden / ValueRefused otherwise."""
    cycle = cycle_of(indicator)
    if period.cycle_id != cycle.pk:
        raise ValueRefused("Il periodo non appartiene al ciclo dell'indicatore.", field="period")
    allowed = may_enter(user, indicator, cycle)
    if not allowed:
        raise ValueForbidden(
            _(
                "Non puoi commentare questo indicatore: commenta chi può inserirne i valori, "
                "mentre il ciclo è in monitoraggio."
            ),
            field="text",
            code="forbidden",
        )
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.closed:
        raise ValueRefused(
            _("Il periodo %(period)s è chiuso: non si aggiungono commenti.")
            % {"period": period.get_code_display()},
            field="period",
            code="closed",
        )
    return recorder.create(Comment, indicator=indicator, period=period, text=text, author=user)
