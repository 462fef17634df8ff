"""The year's incentive fund (fondo risorse decentrate), its art. 67 projects and the
people it is distributed to. Computation lives in traguardo.core.fund."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.plans.models import Cycle


class ReleaseRule(models.TextChoices):
    PROPORTIONAL = "proportional", _("In proporzione al raggiungimento")
    THRESHOLD = "threshold", _("Per intero al raggiungimento della soglia")


def _money(label: Any, **kwargs: Any) -> Any:
    """An amount in euro, to the cent."""
    return models.DecimalField(label, max_digits=12, decimal_places=2, **kwargs)


class Fund(models.Model):
    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="fund", verbose_name=_("ciclo")
    )
    base_amount = _money(
        _("parte del fondo non legata ad obiettivi (€)"),
        help_text=_("Risorse per la produttività distribuite in base alla valutazione."),
    )
    release_rule = models.CharField(
        _("regola di liberazione art. 67"),
        max_length=16,
        choices=ReleaseRule.choices,
        default=ReleaseRule.PROPORTIONAL,
    )
    release_threshold = models.DecimalField(
        _("soglia di raggiungimento (%)"), max_digits=6, decimal_places=2, default=100
    )
    threshold = models.DecimalField(
        _("punteggio minimo per il premio (%)"), max_digits=6, decimal_places=2, default=60
    )
    top_share = models.DecimalField(
        _("quota di personale con premio differenziato (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
    )
    top_bonus = models.DecimalField(
        _("maggiorazione del premio differenziato (%)"),
        max_digits=5,
        decimal_places=2,
        default=30,
        help_text=_("Art. 69 CCNL Funzioni Locali 21/05/2018: non inferiore al 30%."),
    )
    cap = _money(_("tetto individuale (€)"), null=True, blank=True)
    coefficients = models.JSONField(
        _("coefficienti per categoria"), default=dict, help_text=_('Es. {"B": "1", "C": "1.1"}')
    )
    is_example = models.BooleanField(_("importi di esempio"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fondo risorse decentrate")
        verbose_name_plural = _("fondi risorse decentrate")
        constraints = [
            choices_constraint("release_rule", ReleaseRule),
            models.CheckConstraint(
                condition=models.Q(base_amount__gte=0), name="rewards_fund_base_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}"


class Art67Project(models.Model):
    """A "scheda progetto" (art. 67 c. 5 lett. b CCNL): its value; its objectives are the
    operational objectives of the cycle that carry its number."""

    fund = models.ForeignKey(
        Fund, on_delete=models.CASCADE, related_name="projects", verbose_name=_("fondo")
    )
    scheda = models.PositiveSmallIntegerField(_("scheda progetto n."))
    title = models.CharField(_("titolo"), max_length=300, blank=True)
    value = _money(_("valore economico (€)"))

    class Meta:
        verbose_name = _("scheda progetto art. 67")
        verbose_name_plural = _("schede progetto art. 67")
        ordering = ["fund_id", "scheda"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "scheda"], name="rewards_project_unique"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="rewards_project_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Scheda {self.scheda}"


class Beneficiary(models.Model):
    """A person the fund is distributed to, with their evaluation score."""

    fund = models.ForeignKey(
        Fund, on_delete=models.CASCADE, related_name="beneficiaries", verbose_name=_("fondo")
    )
    code = models.CharField(_("matricola"), max_length=40)
    category = models.CharField(_("categoria"), max_length=20)
    score = models.DecimalField(
        _("punteggio (%)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    presence = models.DecimalField(
        _("coefficiente di presenza"), max_digits=7, decimal_places=6, default=1
    )
    # The person's report card, when they have one (PO holders, or staff cards): the office
    # copies its evaluated score here (rewards.services.copy_card_scores).
    card = models.ForeignKey(
        "individual.ReportCard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beneficiaries",
        verbose_name=_("scheda di valutazione"),
    )

    class Meta:
        verbose_name = _("beneficiario")
        verbose_name_plural = _("beneficiari")
        ordering = ["fund_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="rewards_beneficiary_unique"),
            models.CheckConstraint(
                condition=models.Q(presence__gte=0, presence__lte=1),
                name="rewards_beneficiary_presence_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.code
