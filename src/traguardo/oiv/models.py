"""The OIV's validation of the Relazione sulla performance (LG 3/2018, Funzione Pubblica).

The OIV checks the Relazione against four criteria, for the Relazione as a whole and for
each objective (operational objective or Allegato B block): coherence with the Piano; the
deviation between planned and achieved and its reason; reliability of the data, supported
by sampled evidence; clarity and comprehensibility. It then records its decision, which
(when positive) moves the cycle to "validated".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.plans.models import Cycle, EntityBlock, Indicator, OperationalObjective


class Criterion(models.TextChoices):
    COHERENCE = "coherence", _("Coerenza con il Piano")
    DEVIATIONS = "deviations", _("Scostamenti e loro motivazione")
    RELIABILITY = "reliability", _("Affidabilità dei dati")
    CLARITY = "clarity", _("Chiarezza e comprensibilità")


CRITERION_HELP = {
    Criterion.COHERENCE: _(
        "Obiettivi, indicatori e target della Relazione sono quelli del Piano dello stesso "
        "anno, con le revisioni approvate."
    ),
    Criterion.DEVIATIONS: _(
        "Per ogni obiettivo e indicatore è indicato lo scostamento tra risultato programmato "
        "e raggiunto, con la sua motivazione."
    ),
    Criterion.RELIABILITY: _(
        "I dati sono attendibili: fonti verificabili, evidenze esaminate a campione."
    ),
    Criterion.CLARITY: _("La Relazione è chiara, sintetica e comprensibile ai cittadini."),
}


class Outcome(models.TextChoices):
    PENDING = "pending", _("Da verificare")
    OK = "ok", _("Conforme")
    REMARKS = "remarks", _("Conforme con osservazioni")
    NOT_OK = "not_ok", _("Non conforme")


class ValidationCheck(models.Model):
    """One criterion checked for the Relazione (no objective, no block) or one objective."""

    Criterion = Criterion
    Outcome = Outcome

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="oiv_checks", verbose_name=_("ciclo")
    )
    objective = models.ForeignKey(
        OperationalObjective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="oiv_checks",
        verbose_name=_("obiettivo operativo"),
    )
    entity_block = models.ForeignKey(
        EntityBlock,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="oiv_checks",
        verbose_name=_("blocco dell'Allegato B"),
    )
    criterion = models.CharField(_("criterio"), max_length=16, choices=Criterion.choices)
    outcome = models.CharField(
        _("esito"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aggiornato da"),
    )
    updated_at = models.DateTimeField(_("aggiornato il"), default=timezone.now)

    class Meta:
        verbose_name = _("verifica dell'OIV")
        verbose_name_plural = _("verifiche dell'OIV")
        ordering = ["cycle_id", "entity_block_id", "objective_id", "criterion"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=True) | models.Q(entity_block__isnull=True),
                name="oiv_check_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "objective", "criterion"],
                condition=models.Q(objective__isnull=False),
                name="oiv_check_unique_objective",
            ),
            models.UniqueConstraint(
                fields=["cycle", "entity_block", "criterion"],
                condition=models.Q(entity_block__isnull=False),
                name="oiv_check_unique_block",
            ),
            models.UniqueConstraint(
                fields=["cycle", "criterion"],
                condition=models.Q(objective__isnull=True, entity_block__isnull=True),
                name="oiv_check_unique_relazione",
            ),
            choices_constraint("criterion", Criterion),
            choices_constraint("outcome", Outcome),
        ]

    def __str__(self) -> str:
        subject = self.objective or self.entity_block or _("Relazione")
        return f"{subject} — {self.get_criterion_display()}: {self.get_outcome_display()}"


class EvidenceOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Dato confermato dall'evidenza")
    DISCREPANCY = "discrepancy", _("Dato difforme dall'evidenza")


class EvidenceSample(models.Model):
    """A value checked against its source document (a sample, for data reliability)."""

    Outcome = EvidenceOutcome

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="oiv_evidence", verbose_name=_("ciclo")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="oiv_evidence",
        verbose_name=_("indicatore"),
    )
    source = models.CharField(
        _("evidenza esaminata"),
        max_length=300,
        help_text=_("Es. verbale n. 12 del 03.12.2019, estratto del gestionale."),
    )
    document = models.FileField(
        _("documento"), upload_to="oiv/evidenze/%Y/", blank=True, max_length=300
    )
    outcome = models.CharField(_("esito"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verificato da"),
    )
    checked_at = models.DateTimeField(_("verificato il"), default=timezone.now)

    class Meta:
        verbose_name = _("evidenza a campione")
        verbose_name_plural = _("evidenze a campione")
        ordering = ["cycle_id", "checked_at", "id"]
        constraints = [choices_constraint("outcome", EvidenceOutcome)]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.source} ({self.get_outcome_display()})"


class DecisionOutcome(models.TextChoices):
    VALIDATED = "validated", _("Relazione validata")
    NOT_VALIDATED = "not_validated", _("Relazione non validata")


class ValidationDecision(models.Model):
    """The OIV's decision on the Relazione (documento di validazione), with its date."""

    Outcome = DecisionOutcome

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="oiv_decisions", verbose_name=_("ciclo")
    )
    # A "non validata" sends the Relazione back to the office; its next decision is a new
    # round, and the earlier ones stay listed with their reasons.
    round = models.PositiveSmallIntegerField(_("tornata"), default=1)
    outcome = models.CharField(_("decisione"), max_length=16, choices=Outcome.choices)
    date = models.DateField(_("data del documento di validazione"))
    reasons = models.TextField(_("motivazione e osservazioni"), blank=True)
    # The signed document itself (a PDF, signed PAdES): published with the
    # Relazione in "Amministrazione trasparente" once the cycle is published.
    document = models.FileField(
        _("documento di validazione firmato"),
        upload_to="oiv/validazione/",
        blank=True,
        max_length=300,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrata da"),
    )
    recorded_at = models.DateTimeField(_("registrata il"), default=timezone.now)

    class Meta:
        verbose_name = _("decisione di validazione")
        verbose_name_plural = _("decisioni di validazione")
        ordering = ["cycle_id", "round"]
        constraints = [
            choices_constraint("outcome", DecisionOutcome),
            models.UniqueConstraint(fields=["cycle", "round"], name="oiv_decision_unique_round"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.cycle.year} ({self.round}): {self.get_outcome_display()} ({self.date:%d/%m/%Y})"
        )
