"""Report cards (schede di valutazione): which objectives a manager or PO holder answers
for, and how the card summarises them (Allegati D and E of the Relazione).

Only the results part is modelled here; behaviours, the evaluation process and bonuses
build on it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import AssignmentRole, OrgUnit, Person
from traguardo.plans.models import Cycle, OperationalObjective


class ReportCard(models.Model):
    Role = AssignmentRole

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="report_cards", verbose_name=_("ciclo")
    )
    key = models.CharField(_("codice"), max_length=40)
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    title = models.CharField(_("intestazione"), max_length=500)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_cards",
        verbose_name=_("persona"),
    )
    units = models.ManyToManyField(OrgUnit, related_name="report_cards", verbose_name=_("unità"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("scheda di valutazione")
        verbose_name_plural = _("schede di valutazione")
        ordering = ["cycle_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "key"], name="individual_reportcard_unique_key"
            ),
            choices_constraint("role", AssignmentRole),
        ]

    def __str__(self) -> str:
        return f"{self.key} — {self.title}"


class ReportCardObjective(models.Model):
    card = models.ForeignKey(
        ReportCard, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("scheda")
    )
    number = models.PositiveSmallIntegerField(_("numero nella scheda"))
    objective = models.ForeignKey(
        OperationalObjective,
        on_delete=models.PROTECT,
        related_name="card_entries",
        verbose_name=_("obiettivo"),
    )
    kind_label = models.CharField(_("tipo (come stampato)"), max_length=200, blank=True)
    results = models.TextField(_("risultati raggiunti"), blank=True)

    class Meta:
        verbose_name = _("obiettivo della scheda")
        verbose_name_plural = _("obiettivi della scheda")
        ordering = ["card_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "number"], name="individual_cardobjective_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card.key} obiettivo {self.number}"


class SynthesisRow(models.Model):
    """A row of the card's synthesis table: the plain mean of some of its objectives."""

    card = models.ForeignKey(
        ReportCard,
        on_delete=models.CASCADE,
        related_name="synthesis_rows",
        verbose_name=_("scheda"),
    )
    position = models.PositiveSmallIntegerField(_("posizione"))
    label = models.TextField(_("etichetta"))
    objective_numbers = models.JSONField(_("obiettivi (numeri nella scheda)"), default=list)

    class Meta:
        verbose_name = _("riga di sintesi")
        verbose_name_plural = _("righe di sintesi")
        ordering = ["card_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "position"], name="individual_synthesis_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.label
