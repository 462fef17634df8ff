"""Monitoring: the values of the indicators recorded at each period (30.06, 31.12)."""

import decimal
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from traguardo.core.numbers import VALUE_LIMITS, format_exact, format_it
from traguardo.core.readings import value_problem
from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import OrgUnit
from traguardo.plans.models import Cycle, Indicator


class PeriodCode(models.TextChoices):
    INTERIM = "30.06", _("Monitoraggio intermedio (30.06)")
    FINAL = "31.12", _("Consuntivo (31.12)")


class Period(models.Model):
    """A monitoring date of a cycle: the interim (30.06) or the final one (31.12)."""

    Code = PeriodCode

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="periods", verbose_name=_("ciclo")
    )
    code = models.CharField(_("periodo"), max_length=8, choices=Code.choices)
    date = models.DateField(_("data di riferimento"))
    deadline = models.DateField(_("scadenza per l'inserimento"), null=True, blank=True)
    closed = models.BooleanField(_("chiuso"), default=False)

    class Meta:
        verbose_name = _("periodo di monitoraggio")
        verbose_name_plural = _("periodi di monitoraggio")
        ordering = ["cycle_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="monitoring_period_unique_code"),
            choices_constraint("code", PeriodCode),
        ]

    def __str__(self) -> str:
        return f"{self.code}.{self.cycle.year}"


class ReadableDecimalField(models.DecimalField):
    """A DecimalField whose stored values can always be read back.

    Every way in refuses a number beyond `max_digits` (core.numbers.VALUE_LIMITS), but a
    value stored before that check, or written around it, must not make every page that
    reads it fail: SQLite returns it as a float that Django quantizes within `max_digits`
    (InvalidOperation on 15 integer digits). Reading uses a context wide enough for any
    stored figure; the column and its migrations are those of a plain DecimalField.
    """

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=400)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, float):
            value = decimal.Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class MeasurementReadingKind(models.TextChoices):
    NUMBER = "number", _("Numero")
    FROM_TEXT = "from_text", _("Numero ricavato dal testo")
    YES = "yes", _("Sì")
    NO = "no", _("No")
    NOT_MEASURABLE = "not_measurable", _("Non misurabile")


# Readings that carry a number for scoring; the others (yes, no, not measurable) carry none.
NUMERIC_READINGS = (MeasurementReadingKind.NUMBER, MeasurementReadingKind.FROM_TEXT)


class Measurement(models.Model):
    """The value of one indicator at one period, as written, and the number read from it.

    `text` keeps the value as entered or printed ("70 ispezioni", "SI", "676.433,56 €");
    `number` is what scoring reads, set when `reading_kind` is number or from_text.
    """

    ReadingKind = MeasurementReadingKind

    NUMERIC_KINDS = NUMERIC_READINGS

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicatore"),
    )
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("periodo")
    )
    text = models.TextField(_("valore (come scritto)"), blank=True)
    number = ReadableDecimalField(
        _("valore numerico"),
        max_digits=VALUE_LIMITS.max_digits,
        decimal_places=VALUE_LIMITS.decimal_places,
        null=True,
        blank=True,
    )
    # A value entered as a ratio keeps both terms; `text` is then their ratio as the core
    # reads it (times 100 with "%" when the target is a percentage; see docs/monitoring.md).
    numerator = ReadableDecimalField(
        _("numeratore"),
        max_digits=VALUE_LIMITS.max_digits,
        decimal_places=VALUE_LIMITS.decimal_places,
        null=True,
        blank=True,
    )
    denominator = ReadableDecimalField(
        _("denominatore"),
        max_digits=VALUE_LIMITS.max_digits,
        decimal_places=VALUE_LIMITS.decimal_places,
        null=True,
        blank=True,
    )
    reading_kind = models.CharField(_("lettura"), max_length=16, choices=ReadingKind.choices)
    not_measurable_reason = models.TextField(_("motivo della non misurabilità"), blank=True)
    comment = models.TextField(_("commenti e note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inserito da"),
    )
    entered_at = models.DateTimeField(_("inserito il"), default=timezone.now)
    # Why the value misses its target: required by the entry form when the degree of
    # achievement is under 100%, printed by the Relazione as the reason for the deviation.
    justification = models.TextField(_("motivazione dello scostamento"), blank=True)
    # Sent back to its owner by the dirigente with a note ("controlla la fonte"): shown to the
    # owner until a new value is saved (record_value clears it).
    returned_note = models.TextField(_("rimandato al responsabile: nota"), blank=True)
    returned_at = models.DateTimeField(_("rimandato il"), null=True, blank=True)
    # Optimistic locking: every save adds one; a form posts the version it was loaded with
    # and is refused if someone saved in between (no lost update).
    version = models.PositiveIntegerField(_("versione"), default=1)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validato da"),
    )
    validated_at = models.DateTimeField(_("validato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("misurazione")
        verbose_name_plural = _("misurazioni")
        ordering = ["period_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="monitoring_measurement_unique_period"
            ),
            # A numeric reading has a number; a yes/no or unmeasurable one has none.
            models.CheckConstraint(
                condition=models.Q(reading_kind__in=NUMERIC_READINGS, number__isnull=False)
                | (~models.Q(reading_kind__in=NUMERIC_READINGS) & models.Q(number__isnull=True)),
                name="monitoring_measurement_number_matches_kind",
            ),
            choices_constraint("reading_kind", MeasurementReadingKind),
            # A ratio has both terms and a denominator other than zero, or neither term.
            models.CheckConstraint(
                condition=(
                    models.Q(numerator__isnull=True, denominator__isnull=True)
                    | (
                        models.Q(numerator__isnull=False, denominator__isnull=False)
                        & ~models.Q(denominator=0)
                    )
                ),
                name="monitoring_measurement_ratio_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} @ {self.period}: {self.text or self.number}"

    @property
    def is_ratio(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    @property
    def ratio_label(self) -> str:
        """``12,21 / 13,06 = 93,49%`` for a value entered as a ratio, else ""."""
        if self.numerator is None or self.denominator is None or self.number is None:
            return ""
        percent = "%" if self.text.rstrip().endswith("%") else ""
        return (
            f"{format_exact(self.numerator)} / {format_exact(self.denominator)} = "
            f"{format_it(self.number, 2)}{percent}"
        )

    def clean(self) -> None:
        # The admin's form: the same check of numbers as every other way in.
        problem = value_problem(self.text) if self.text else None
        if problem:
            raise ValidationError({"text": problem})
        if self.indicator_id is not None and self.period_id is not None:
            owner = self.indicator.objective or self.indicator.entity_block
            if owner is not None and owner.cycle_id != self.period.cycle_id:
                raise ValidationError(
                    {"period": _("Il periodo deve appartenere al ciclo dell'indicatore.")}
                )


class PeriodAction(models.TextChoices):
    OPENED = "opened", _("Aperto")
    CLOSED = "closed", _("Chiuso")
    REOPENED = "reopened", _("Riaperto")
    DEADLINE = "deadline", _("Scadenza modificata")


class PeriodEvent(models.Model):
    """Who opened, closed or reopened a monitoring campaign, when, and why (reopening)."""

    Action = PeriodAction

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="events", verbose_name=_("periodo")
    )
    action = models.CharField(_("azione"), max_length=16, choices=Action.choices)
    reason = models.TextField(_("motivazione"), blank=True)
    deadline = models.DateField(_("scadenza"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("da parte di"),
    )
    at = models.DateTimeField(_("il"), default=timezone.now)

    class Meta:
        verbose_name = _("evento della campagna di monitoraggio")
        verbose_name_plural = _("eventi delle campagne di monitoraggio")
        ordering = ["period_id", "at", "id"]
        constraints = [
            choices_constraint("action", PeriodAction),
            # Reopening a closed campaign must say why.
            models.CheckConstraint(
                condition=~models.Q(action="reopened") | ~models.Q(reason=""),
                name="monitoring_periodevent_reopen_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.get_action_display()} ({self.at:%d/%m/%Y})"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is ours (no user-chosen path); the original name is kept in a field.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    stamp = timezone.now()
    return f"evidence/{stamp:%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Evidence(models.Model):
    """A file that documents a monitoring value (a report, a spreadsheet, a screenshot)."""

    measurement = models.ForeignKey(
        Measurement,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("misurazione"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("nome originale"), max_length=255)
    content_type = models.CharField(_("tipo di contenuto"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    uploaded_at = models.DateTimeField(_("caricato il"), default=timezone.now)

    class Meta:
        verbose_name = _("documento a supporto")
        verbose_name_plural = _("documenti a supporto")
        ordering = ["measurement_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """A note on an indicator's monitoring (questions, clarifications), for one period."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="comments", verbose_name=_("indicatore")
    )
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="comments", verbose_name=_("periodo")
    )
    text = models.TextField(_("commento"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    at = models.DateTimeField(_("il"), default=timezone.now)

    class Meta:
        verbose_name = _("commento")
        verbose_name_plural = _("commenti")
        ordering = ["indicator_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.indicator_id} @ {self.period}: {self.text[:40]}"


class UnitValidation(models.Model):
    """A dirigente (or the SG) confirmed the values of a unit for a period.

    The record stays as history; whether a value is still validated is on the measurement
    itself (`validated_at`), which a later change clears.
    """

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="validations", verbose_name=_("periodo")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unità")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("validato da"),
    )
    at = models.DateTimeField(_("il"), default=timezone.now)
    count = models.PositiveIntegerField(_("valori confermati"), default=0)

    class Meta:
        verbose_name = _("validazione dei valori di un'unità")
        verbose_name_plural = _("validazioni dei valori delle unità")
        ordering = ["period_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.unit.code} @ {self.period}"


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Prima della scadenza")
    AFTER = "after", _("Dopo la scadenza")


class ReminderSent(models.Model):
    """One reminder e-mail sent to one user for one period: never sent twice."""

    Kind = ReminderKind

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("periodo")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("destinatario"),
    )
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices)
    email = models.EmailField(_("indirizzo"))
    missing = models.PositiveIntegerField(_("valori mancanti"))
    sent_at = models.DateTimeField(_("inviato il"), default=timezone.now)

    class Meta:
        verbose_name = _("promemoria inviato")
        verbose_name_plural = _("promemoria inviati")
        ordering = ["period_id", "sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user", "kind"], name="monitoring_reminder_once"
            ),
            choices_constraint("kind", ReminderKind),
        ]

    def __str__(self) -> str:
        return f"{self.period} → {self.email} ({self.kind})"
