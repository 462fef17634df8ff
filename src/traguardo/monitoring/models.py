"""Monitoring: the values of the indicators recorded at each period (30.06, 31.12)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
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
    number = models.DecimalField(
        _("valore numerico"), max_digits=20, decimal_places=6, null=True, blank=True
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
        ]

    def __str__(self) -> str:
        return f"{self.indicator} @ {self.period}: {self.text or self.number}"

    def clean(self) -> None:
        if self.indicator_id is not None and self.period_id is not None:
            owner = self.indicator.objective or self.indicator.entity_block
            if owner is not None and owner.cycle_id != self.period.cycle_id:
                raise ValidationError(
                    {"period": _("Il periodo deve appartenere al ciclo dell'indicatore.")}
                )
