"""Report cards (schede di valutazione): which objectives a manager or PO holder answers
for, and how the card summarises them (Allegati D and E of the Relazione).

Below the results part: the SMVP's configuration per cycle and role (weights, scale,
competences, bands), behaviour ratings, and the evaluation process with its dated steps.
"""

from django.conf import settings
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


# --- the SMVP's configuration of the cards, per cycle -----------------------------------


class EvaluationConfig(models.Model):
    """Process rules of the cycle's individual evaluation (one per cycle)."""

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="evaluation_config", verbose_name=_("ciclo")
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("giorni per chiedere la conciliazione"), default=15
    )
    decision_days = models.PositiveSmallIntegerField(
        _("giorni per concludere la conciliazione"), default=30
    )
    split_by_days = models.BooleanField(
        _("schede ripartite per giorni in caso di avvicendamento"),
        default=False,
        help_text=_(
            "Se no, chi ruota a metà anno conserva gli obiettivi originari (come nel 2019)."
        ),
    )
    absences_pro_rata = models.BooleanField(_("assenze pro rata"), default=False)
    absence_allowance_days = models.PositiveSmallIntegerField(
        _("franchigia di assenze (giorni)"), default=0
    )
    part_time_pro_rata = models.BooleanField(_("part time pro rata"), default=True)
    is_example = models.BooleanField(
        _("configurazione di esempio"),
        default=False,
        help_text=_("Dati dimostrativi non tratti dal documento dell'ente."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("regole della valutazione individuale")
        verbose_name_plural = _("regole della valutazione individuale")

    def __str__(self) -> str:
        return f"{self.cycle}"


class CardScheme(models.Model):
    """For one role (or staff category): weights of results and behaviours, the rating
    scale, the weights of the synthesis rows and the evaluation bands."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="card_schemes", verbose_name=_("ciclo")
    )
    role = models.CharField(
        _("ruolo o categoria"),
        max_length=32,
        help_text=_("segretario_generale, dirigente, po, oppure una categoria (B, C, D)."),
    )
    results_weight = models.DecimalField(
        _("peso dei risultati (%)"), max_digits=5, decimal_places=2
    )
    behaviours_weight = models.DecimalField(
        _("peso dei comportamenti (%)"), max_digits=5, decimal_places=2
    )
    scale_min = models.DecimalField(
        _("minimo della scala"), max_digits=5, decimal_places=2, default=1
    )
    scale_max = models.DecimalField(
        _("massimo della scala"), max_digits=5, decimal_places=2, default=5
    )
    synthesis_weights = models.JSONField(
        _("pesi delle righe di sintesi"),
        default=list,
        blank=True,
        help_text=_("Un peso per riga, nell'ordine della scheda; vuoto: righe di pari peso."),
    )
    bands = models.JSONField(
        _("fasce di valutazione"),
        default=list,
        help_text=_('Es. [{"name": "Eccellente", "minimum": "90"}, …]'),
    )

    class Meta:
        verbose_name = _("schema della scheda")
        verbose_name_plural = _("schemi delle schede")
        ordering = ["cycle_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "role"], name="individual_scheme_unique_role"),
            models.CheckConstraint(
                condition=models.Q(results_weight__gte=0, behaviours_weight__gte=0),
                name="individual_scheme_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.role}"


class Competence(models.Model):
    scheme = models.ForeignKey(
        CardScheme, on_delete=models.CASCADE, related_name="competences", verbose_name=_("schema")
    )
    code = models.CharField(_("codice"), max_length=20)
    name = models.CharField(_("competenza"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    weight = models.DecimalField(_("peso"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("posizione"), default=0)

    class Meta:
        verbose_name = _("competenza")
        verbose_name_plural = _("competenze")
        ordering = ["scheme_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="individual_competence_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="individual_competence_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BehaviourRating(models.Model):
    card = models.ForeignKey(
        ReportCard, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("scheda")
    )
    competence = models.ForeignKey(
        Competence, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("competenza")
    )
    rating = models.DecimalField(_("valutazione"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("valutazione di una competenza")
        verbose_name_plural = _("valutazioni delle competenze")
        constraints = [
            models.UniqueConstraint(fields=["card", "competence"], name="individual_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.card.key} {self.competence.code} = {self.rating}"


class CardState(models.TextChoices):
    DRAFT = "draft", _("In preparazione")
    ASSIGNED = "assigned", _("Obiettivi assegnati")
    OBJECTIVES_ACKNOWLEDGED = "objectives_acknowledged", _("Obiettivi presi in visione")
    MIDYEAR_DONE = "midyear_done", _("Colloquio intermedio svolto")
    EVALUATED = "evaluated", _("Valutata")
    EVALUATION_ACKNOWLEDGED = "evaluation_acknowledged", _("Valutazione presa in visione")
    APPEALED = "appealed", _("In conciliazione")
    APPEAL_DECIDED = "appeal_decided", _("Conciliazione conclusa")
    CLOSED = "closed", _("Chiusa")


class CardStep(models.TextChoices):
    ASSIGN = "assign", _("Assegnazione degli obiettivi")
    ACKNOWLEDGE_OBJECTIVES = "acknowledge_objectives", _("Presa visione degli obiettivi")
    MIDYEAR_INTERVIEW = "midyear_interview", _("Colloquio intermedio")
    EVALUATE = "evaluate", _("Valutazione finale")
    ACKNOWLEDGE_EVALUATION = "acknowledge_evaluation", _("Presa visione della valutazione")
    APPEAL = "appeal", _("Richiesta di conciliazione")
    DECIDE_APPEAL = "decide_appeal", _("Esito della conciliazione")
    CLOSE = "close", _("Chiusura della scheda")


class CardProcess(models.Model):
    """Where a card is in its evaluation process (one per card)."""

    card = models.OneToOneField(
        ReportCard, on_delete=models.CASCADE, related_name="process", verbose_name=_("scheda")
    )
    state = models.CharField(
        _("stato"), max_length=32, choices=CardState.choices, default=CardState.DRAFT
    )

    class Meta:
        verbose_name = _("stato della scheda")
        verbose_name_plural = _("stati delle schede")
        constraints = [choices_constraint("state", CardState)]

    def __str__(self) -> str:
        return f"{self.card.key}: {self.get_state_display()}"


class CardEvent(models.Model):
    """A dated step of the card's process, with who took it (the audit trail)."""

    card = models.ForeignKey(
        ReportCard, on_delete=models.CASCADE, related_name="events", verbose_name=_("scheda")
    )
    step = models.CharField(_("passo"), max_length=32, choices=CardStep.choices)
    from_state = models.CharField(_("da"), max_length=32, choices=CardState.choices)
    to_state = models.CharField(_("a"), max_length=32, choices=CardState.choices)
    on = models.DateField(_("data"))
    recorded_at = models.DateTimeField(_("registrato il"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="card_events",
        verbose_name=_("utente"),
    )
    actor = models.CharField(_("in qualità di"), max_length=16)
    note = models.TextField(_("note"), blank=True)
    final_score = models.DecimalField(
        _("punteggio finale"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("passo della scheda")
        verbose_name_plural = _("passi della scheda")
        ordering = ["card_id", "on", "id"]
        constraints = [choices_constraint("step", CardStep)]

    def __str__(self) -> str:
        return f"{self.card.key} {self.get_step_display()} {self.on}"
