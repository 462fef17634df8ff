"""Recording monitoring values: the one entry point for the web pages, the API and imports.

Every caller (form, REST endpoint, spreadsheet import) goes through `record_value`, so the
permission check, the parsing of the value as written and the rules on closed periods are
the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _lazy

from traguardo.accounts import permissions
from traguardo.audit import recorder
from traguardo.core.numbers import VALUE_LIMITS, NumberFormatError, limits_problem, parse_number
from traguardo.core.readings import (
    RatioError,
    ReadingKind,
    parse_reading,
    ratio_text,
    target_or_none,
    value_problem,
)
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


@dataclass(frozen=True)
class RatioValue:
    """A value entered as numerator and denominator: both terms and the text they make."""

    text: str
    numerator: Decimal
    denominator: Decimal


_TERMS = {"numerator": _lazy("numeratore"), "denominator": _lazy("denominatore")}


def _term(name: str, given: str | Decimal) -> Decimal:
    if isinstance(given, Decimal):
        problem = limits_problem(given, VALUE_LIMITS, str(given))
        if problem:
            raise ValueRefused(f"{_(_TERMS[name]).capitalize()}: {problem}.", field=name)
        return given
    try:
        return parse_number(given, VALUE_LIMITS)
    except NumberFormatError as exc:
        raise ValueRefused(
            f"{_(_TERMS[name]).capitalize()}: {exc}.", field=name, code="invalid_number"
        ) from None


def ratio_of(
    target: str, numerator: str | Decimal | None, denominator: str | Decimal | None
) -> RatioValue | None:
    """The value of a numerator and a denominator, for an indicator whose target is
    `target` (as written), or None when neither is given.

    The value is numerator / denominator, times 100 and with "%" when the target is a
    percentage ("= 100%", "80%"), to six decimals (the stored figure's), halves up:
    12,21 / 13,06 against "100%" is 93,491577%. One term without the other, a term that
    is not a number, and a denominator of zero are refused (ValueRefused naming the field).
    """
    given = {
        "numerator": numerator.strip() if isinstance(numerator, str) else numerator,
        "denominator": denominator.strip() if isinstance(denominator, str) else denominator,
    }
    if all(v is None or v == "" for v in given.values()):
        return None
    for name, value in given.items():
        if value is None or value == "":
            other = "denominator" if name == "numerator" else "numerator"
            raise ValueRefused(
                _("Hai scritto il %(other)s: scrivi anche il %(name)s (o nessuno dei due).")
                % {"other": _(_TERMS[other]), "name": _(_TERMS[name])},
                field=name,
                code="ratio_incomplete",
            )
    assert given["numerator"] is not None and given["denominator"] is not None
    top = _term("numerator", given["numerator"])
    bottom = _term("denominator", given["denominator"])
    parsed = target_or_none(target) if target else None
    try:
        text = ratio_text(top, bottom, percent=parsed is not None and parsed.is_percent)
    except RatioError:
        raise ValueRefused(
            _("Il denominatore è zero: il rapporto non ha un valore. Controlla i dati."),
            field="denominator",
            code="zero_denominator",
        ) from None
    return RatioValue(text, top, bottom)


@transaction.atomic
def record_value(
    user: Any,
    indicator: Indicator,
    period: Period,
    text: str,
    *,
    numerator: str | Decimal | None = None,
    denominator: str | Decimal | None = None,
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

    `numerator`, `denominator`: a value entered as a ratio (Italian text, or Decimal from
    the API): both kept, and `text` is replaced by their ratio (see `ratio_of`). A value
    without them clears the ones stored.

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
    grader = Grader.for_cycle(cycle)
    target = grader.target_text(indicator)
    ratio = ratio_of(target, numerator, denominator)
    if ratio is not None:
        text = ratio.text
    with translation.override("it"):  # its reason is stored: data, in Italian
        reading = parse_reading(text)
    if reading.kind is ReadingKind.EMPTY:
        raise ValueRefused("Scrivi un valore (per esempio 54,47%, 1.250 oppure SI).")
    # A value kept as it is stored (a comment or a justification changed) is not checked
    # again: texts recorded before a check existed (the seed's "22 di cui n. 2") stay.
    kept = ratio is None and text.strip() == (
        Measurement.objects.filter(indicator=indicator, period=period)
        .values_list("text", flat=True)
        .first()
    )
    problem = None if kept else value_problem(text)
    if problem:
        raise ValueRefused(problem[:1].upper() + problem[1:] + ".", code="invalid_number")
    degree = grader.degree(indicator, text.strip(), target)
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
        "numerator": ratio.numerator if ratio else None,
        "denominator": ratio.denominator if ratio else None,
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
