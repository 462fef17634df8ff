"""The Piano della performance of one cycle: the tree, the indicators, their targets.

Read top-down: Cycle → StrategicObjective → AnnualObjective → OperationalObjective
(owned by a unit, shared with others through ObjectiveAssignment) → Indicator → Target.
Allegato B's entity table is EntityBlock, whose indicators hang off the block instead of an
operational objective. Revisions of the plan (Revision, RevisionChange) keep the history.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import Entity, OrgUnit

WEIGHT_MAX_DIGITS = 7
WEIGHT_DECIMAL_PLACES = 3


class Versioned(models.Model):
    """Optimistic locking: the editor saves a row only if `version` is the one it showed."""

    version = models.PositiveIntegerField(_("versione"), default=1, editable=False)

    class Meta:
        abstract = True


class CycleState(models.TextChoices):
    DRAFT = "draft", _("In preparazione")
    APPROVED = "approved", _("Piano approvato")
    MONITORING = "monitoring", _("In monitoraggio")
    CLOSED = "closed", _("Chiuso (consuntivo)")
    VALIDATED = "validated", _("Relazione validata dall'OIV")
    PUBLISHED = "published", _("Relazione pubblicata")


class Cycle(models.Model):
    """One yearly performance cycle of an entity, with the three-year plan it belongs to."""

    State = CycleState

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("ente")
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    plan_period_start = models.PositiveSmallIntegerField(_("primo anno del piano"))
    plan_period_end = models.PositiveSmallIntegerField(_("ultimo anno del piano"))
    state = models.CharField(_("stato"), max_length=16, choices=State.choices, default=State.DRAFT)
    # Bumped by every write service that changes what the cycle's scores are computed from
    # (plans.versions.bump): the scores and pages cached for a cycle are keyed by it.
    data_version = models.PositiveBigIntegerField(_("versione dei dati"), default=0, editable=False)

    class Meta:
        verbose_name = _("ciclo della performance")
        verbose_name_plural = _("cicli della performance")
        ordering = ["entity_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="plans_cycle_unique_year"),
            models.CheckConstraint(
                condition=models.Q(plan_period_start__lte=models.F("year"))
                & models.Q(plan_period_end__gte=models.F("year")),
                name="plans_cycle_year_in_plan_period",
            ),
            choices_constraint("state", CycleState),
        ]

    def __str__(self) -> str:
        return (
            f"{self.entity} - {self.year} (piano {self.plan_period_start}-{self.plan_period_end})"
        )

    @property
    def is_published(self) -> bool:
        """Published cycles are read-only: plan, state and bonuses are what the Relazione
        made public."""
        return self.state == CycleState.PUBLISHED


class ActKind(models.TextChoices):
    PLAN_APPROVAL = "plan_approval", _("Approvazione del piano")
    REPORT_APPROVAL = "report_approval", _("Approvazione della relazione")
    REVISION = "revision", _("Revisione del piano")
    SMVP = "smvp", _("Sistema di misurazione e valutazione")
    FUND = "fund", _("Fondo risorse decentrate")
    PROGRAMME = "programme", _("Programmazione")
    ORGANISATION = "organisation", _("Organizzazione")
    OTHER = "other", _("Altro")


class Act(models.Model):
    """A formal act of the cycle: plan or report approval, revision, SMVP, fund, …"""

    Kind = ActKind

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="acts", verbose_name=_("ciclo")
    )
    kind = models.CharField(_("tipo"), max_length=16, choices=Kind.choices)
    body = models.CharField(
        _("organo"), max_length=100, blank=True, help_text=_("Es. Giunta, Consiglio, OIV.")
    )
    act_type = models.CharField(
        _("tipo di atto"), max_length=100, blank=True, help_text=_("Es. Deliberazione.")
    )
    number = models.CharField(_("numero"), max_length=30, blank=True)
    date = models.DateField(_("data"), null=True, blank=True)
    subject = models.TextField(_("oggetto"), blank=True)

    class Meta:
        verbose_name = _("atto")
        verbose_name_plural = _("atti")
        ordering = ["cycle_id", "date", "number"]
        constraints = [choices_constraint("kind", ActKind)]

    def __str__(self) -> str:
        parts = [self.body, self.act_type, f"n. {self.number}" if self.number else ""]
        label = " ".join(part for part in parts if part) or self.get_kind_display()
        return f"{label} del {self.date:%d.%m.%Y}" if self.date else str(label)


class Revision(models.Model):
    """A formal revision of the plan during the year ("Revisione n. 1")."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("ciclo")
    )
    number = models.PositiveSmallIntegerField(_("numero"))
    act = models.ForeignKey(
        Act,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("atto di approvazione"),
    )
    reason = models.TextField(_("motivazione"), blank=True)
    variations_count = models.PositiveIntegerField(_("numero di variazioni"), null=True, blank=True)
    # A revision is open while the office records its changes in the editor; revisions
    # transcribed from documents (the importer) are closed from the start.
    is_open = models.BooleanField(_("aperta"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aperta da"),
    )
    opened_at = models.DateTimeField(_("aperta il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    class Meta:
        verbose_name = _("revisione del piano")
        verbose_name_plural = _("revisioni del piano")
        ordering = ["cycle_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"], name="plans_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="plans_revision_number_positive"
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(is_open=True),
                name="plans_revision_one_open_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"Revisione n. {self.number} - {self.cycle.year}"


class RevisionChangeKind(models.TextChoices):
    REPLACE_INDICATORS = "replace_indicators", _("Sostituzione di indicatori")
    REPLACE_OBJECTIVE = "replace_objective", _("Sostituzione dell'obiettivo")
    REMODEL_INDICATOR = "remodel_indicator", _("Rimodulazione di un indicatore")
    ADD = "add", _("Inserimento")
    EDIT = "edit", _("Modifica")
    MOVE = "move", _("Spostamento")
    REMOVE = "remove", _("Eliminazione")
    OTHER = "other", _("Altra variazione")


class RevisionChange(models.Model):
    """One of the variations a revision made, optionally tied to the objective it touched."""

    Kind = RevisionChangeKind

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="changes", verbose_name=_("revisione")
    )
    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices)
    text = models.TextField(_("descrizione"), blank=True)
    objective = models.ForeignKey(
        "OperationalObjective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revision_changes",
        verbose_name=_("obiettivo modificato"),
    )
    replaced_by = models.ForeignKey(
        "OperationalObjective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revision_replacements",
        verbose_name=_("obiettivo sostitutivo"),
    )
    # Item by item, as recorded by the editor while the revision is open.
    indicator = models.ForeignKey(
        "Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revision_changes",
        verbose_name=_("indicatore modificato"),
    )
    item_type = models.CharField(
        _("tipo di elemento"), max_length=40, blank=True, help_text=_("Es. plans.target.")
    )
    item_id = models.PositiveIntegerField(_("id dell'elemento"), null=True, blank=True)
    item_label = models.CharField(_("elemento"), max_length=300, blank=True)
    field = models.CharField(_("campo"), max_length=100, blank=True)
    old_value = models.TextField(_("valore precedente"), blank=True)
    new_value = models.TextField(_("nuovo valore"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da parte di"),
    )
    at = models.DateTimeField(_("il"), null=True, blank=True)

    class Meta:
        verbose_name = _("variazione")
        verbose_name_plural = _("variazioni")
        ordering = ["revision_id", "pk"]
        constraints = [choices_constraint("kind", RevisionChangeKind)]

    def __str__(self) -> str:
        return f"{self.revision}: {self.get_kind_display()}"


class StrategicObjectiveKind(models.TextChoices):
    STRATEGIC = "obiettivo_strategico", _("Obiettivo strategico")
    INSTRUMENT = "strumento", _("Strumento")


class StrategicObjective(Versioned):
    """A three-year goal (1..5) or an instrument (Strumento 6) of the tree."""

    Kind = StrategicObjectiveKind

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        related_name="strategic_objectives",
        verbose_name=_("ciclo"),
    )
    code = models.CharField(_("codice"), max_length=10)
    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices, default=Kind.STRATEGIC)
    title = models.TextField(_("titolo"))

    class Meta:
        verbose_name = _("obiettivo strategico")
        verbose_name_plural = _("obiettivi strategici")
        ordering = ["cycle_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="plans_strategic_unique_code"),
            choices_constraint("kind", StrategicObjectiveKind),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} - {self.title}"


class AnnualObjectiveKind(models.TextChoices):
    ANNUAL = "obiettivo_annuale", _("Obiettivo annuale")
    INSTRUMENT = "strumento_annuale", _("Strumento annuale")


class AnnualObjective(Versioned):
    """The yearly declination of a strategic objective or instrument ("1.1", "6.4")."""

    Kind = AnnualObjectiveKind

    strategic = models.ForeignKey(
        StrategicObjective,
        on_delete=models.CASCADE,
        related_name="annual_objectives",
        verbose_name=_("obiettivo strategico"),
    )
    code = models.CharField(_("codice"), max_length=10)
    kind = models.CharField(_("tipo"), max_length=24, choices=Kind.choices, default=Kind.ANNUAL)
    title = models.TextField(_("titolo"))
    new_in_revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="new_annual_objectives",
        verbose_name=_("introdotto con la revisione"),
    )

    class Meta:
        verbose_name = _("obiettivo annuale")
        verbose_name_plural = _("obiettivi annuali")
        ordering = ["strategic_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["strategic", "code"], name="plans_annual_unique_code"),
            choices_constraint("kind", AnnualObjectiveKind),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} - {self.title}"


class OperationalObjectiveCategory(models.TextChoices):
    TRASVERSALE_DIRIGENZA = "trasversale_dirigenza", _("Obiettivo trasversale alla dirigenza")
    PERFORMANCE_INDIVIDUALE = "performance_individuale", _("Obiettivo di performance individuale")
    OPERATIVO_INDIVIDUALE = "operativo_individuale", _("Obiettivo operativo individuale")


class OperationalObjective(Versioned):
    """An objective owned by one unit ("<unit code>/<number>", e.g. "2.1/1").

    A transversal objective is defined once, in its home unit, and appears in other units
    through ObjectiveAssignment under their own numbers. An objective replaced by a revision
    keeps its row and points to its successor through `replaced_by`.
    """

    Category = OperationalObjectiveCategory

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        related_name="operational_objectives",
        verbose_name=_("ciclo"),
    )
    home_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="home_objectives",
        verbose_name=_("unità di appartenenza"),
    )
    number = models.PositiveSmallIntegerField(_("numero"))
    title = models.TextField(_("titolo"))
    category = models.CharField(
        _("categoria"),
        max_length=32,
        choices=Category.choices,
        default=Category.OPERATIVO_INDIVIDUALE,
    )
    transversal_text = models.TextField(_("trasversalità (come stampata)"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    work_programme = models.TextField(_("programma di lavoro e ulteriori indicazioni"), blank=True)
    results = models.TextField(_("risultati raggiunti"), blank=True)
    art67_scheda = models.PositiveSmallIntegerField(
        _("scheda progetto art. 67"), null=True, blank=True
    )
    biennial_year = models.PositiveSmallIntegerField(_("annualità"), null=True, blank=True)
    biennial_of = models.PositiveSmallIntegerField(_("di annualità"), null=True, blank=True)
    revised_by = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revised_objectives",
        verbose_name=_("modificato con la revisione"),
    )
    annual_objectives = models.ManyToManyField(
        AnnualObjective,
        blank=True,
        related_name="operational_objectives",
        verbose_name=_("obiettivi annuali"),
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("sostituito da"),
    )

    class Meta:
        verbose_name = _("obiettivo operativo")
        verbose_name_plural = _("obiettivi operativi")
        ordering = ["cycle_id", "home_unit__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "home_unit", "number"], name="plans_operational_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(biennial_year__isnull=True, biennial_of__isnull=True)
                | models.Q(
                    biennial_year__isnull=False,
                    biennial_of__isnull=False,
                    biennial_year__gte=1,
                    biennial_of__gte=2,
                    biennial_year__lte=models.F("biennial_of"),
                ),
                name="plans_operational_biennial_consistent",
            ),
            choices_constraint("category", OperationalObjectiveCategory),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        """The objective's identity in the seed and the fixture: "<unit code>/<number>"."""
        return f"{self.home_unit.code}/{self.number}"


class ObjectiveAssignment(Versioned):
    """An operational objective as it appears in one unit, under that unit's own number.

    Every unit where the objective is printed gets a row, the home unit included (with
    local_number = objective.number), so "the objectives of unit U" is one query.
    `cycle` repeats objective.cycle so that the database can keep local numbers unique per
    unit and cycle; clean() checks that the two agree.
    """

    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        related_name="objective_assignments",
        verbose_name=_("ciclo"),
    )
    objective = models.ForeignKey(
        OperationalObjective,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("obiettivo"),
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="objective_assignments",
        verbose_name=_("unità"),
    )
    local_number = models.PositiveSmallIntegerField(_("numero nell'unità"))

    class Meta:
        verbose_name = _("assegnazione di obiettivo")
        verbose_name_plural = _("assegnazioni di obiettivi")
        ordering = ["cycle_id", "unit__code", "local_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "unit"], name="plans_objassignment_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit", "local_number"],
                name="plans_objassignment_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code}/{self.local_number} → {self.objective.code}"

    def clean(self) -> None:
        if (
            self.cycle_id is not None
            and self.objective_id is not None
            and self.cycle_id != self.objective.cycle_id
        ):
            raise ValidationError(
                {"cycle": _("Il ciclo deve essere quello dell'obiettivo assegnato.")}
            )


class EntityBlock(Versioned):
    """A row block of Allegato B (the entity's performance): weight B and its indicators."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="entity_blocks", verbose_name=_("ciclo")
    )
    number = models.PositiveSmallIntegerField(_("numero"))
    annual_objective = models.ForeignKey(
        AnnualObjective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entity_blocks",
        verbose_name=_("obiettivo annuale"),
    )
    heading = models.TextField(_("intestazione"))
    weight_b = models.DecimalField(
        _("performance complessiva (B)"),
        max_digits=WEIGHT_MAX_DIGITS,
        decimal_places=WEIGHT_DECIMAL_PLACES,
        help_text=_("Peso del blocco nella performance dell'ente, come stampato."),
    )

    class Meta:
        verbose_name = _("blocco della performance dell'ente")
        verbose_name_plural = _("blocchi della performance dell'ente")
        ordering = ["cycle_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"], name="plans_entityblock_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(weight_b__gte=0), name="plans_entityblock_weight_b_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"


class IndicatorKind(models.TextChoices):
    NUMERIC = "numeric", _("Numerico")
    PERCENTAGE = "percentage", _("Percentuale")
    YES_NO = "yes_no", _("Sì/no")
    MONETARY = "monetary", _("Economico")
    DATE = "date", _("Data")


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", _("Più alto è meglio")
    LOWER = "lower", _("Più basso è meglio")
    RANGE = "range", _("Entro un intervallo")
    EXACT = "exact", _("Valore esatto")
    YES_NO = "yes_no", _("Sì/no")
    DERIVED = "derived", _("Derivato da altri indicatori")

    @classmethod
    def of_target(cls, target: str) -> "IndicatorDirection":
        """The direction a target's wording implies, for loaders whose rows do not say it."""
        text = target.strip().lower()
        if text.startswith(("<", "≤")):
            return cls.LOWER
        if "compres" in text:
            return cls.RANGE
        if text in ("si", "sì", "no"):
            return cls.YES_NO
        return cls.HIGHER


class Indicator(Versioned):
    """A measure of one operational objective, or of one Allegato B block (exactly one)."""

    Kind = IndicatorKind

    Direction = IndicatorDirection

    objective = models.ForeignKey(
        OperationalObjective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("obiettivo operativo"),
    )
    entity_block = models.ForeignKey(
        EntityBlock,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("blocco della performance dell'ente"),
    )
    number = models.PositiveSmallIntegerField(_("numero"))
    name = models.TextField(_("indicatore"))
    method = models.TextField(_("metodo di calcolo"), blank=True)
    source = models.CharField(_("fonte"), max_length=255, blank=True)
    kind = models.CharField(
        _("tipo"),
        max_length=16,
        choices=Kind.choices,
        blank=True,
        help_text=_("Vuoto se il piano non lo indica."),
    )
    unit_label = models.CharField(_("unità di misura"), max_length=50, blank=True)
    direction = models.CharField(_("verso"), max_length=16, choices=Direction.choices)
    # Empty when the cycle's SMVP does not weigh indicators (plain means): "no weight" is
    # not a weight of 0 (plans.checks.indicator_weights_used).
    weight = models.DecimalField(
        _("peso"),
        max_digits=WEIGHT_MAX_DIGITS,
        decimal_places=WEIGHT_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_(
            "Peso percentuale dell'indicatore nell'obiettivo (0-100); vuoto se l'SMVP "
            "non usa i pesi."
        ),
    )
    art67 = models.BooleanField(_("indicatore art. 67"), default=False)
    phase = models.TextField(_("fase"), blank=True)
    annual_objective = models.ForeignKey(
        AnnualObjective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("obiettivo annuale (se diverso da quello dell'obiettivo)"),
    )
    scoring_rule = models.SlugField(
        _("regola di calcolo"),
        max_length=64,
        blank=True,
        help_text=_("Vuoto: la regola predefinita dello SMVP dell'ente."),
    )
    rule_params = models.JSONField(_("parametri della regola"), default=dict, blank=True)
    derived_spec = models.JSONField(_("definizione del calcolo derivato"), default=dict, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("sostituito da"),
    )
    # The indicator's identity across cycles: the yearly carry-forward gives the new
    # cycle's indicator the lineage of the one it continues (plans.carry_forward).
    lineage = models.UUIDField(
        _("identità nei cicli"), default=uuid.uuid4, editable=False, db_index=True
    )

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["objective_id", "entity_block_id", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=False, entity_block__isnull=True)
                | models.Q(objective__isnull=True, entity_block__isnull=False),
                name="plans_indicator_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__isnull=True) | models.Q(weight__gte=0, weight__lte=100),
                name="plans_indicator_weight_0_100",
            ),
            choices_constraint("kind", IndicatorKind, allow_blank=True),
            choices_constraint("direction", IndicatorDirection),
        ]

    def __str__(self) -> str:
        return f"{self.number}) {self.name}"


class Target(Versioned):
    """The target of an indicator for one year, as written (">= 100", "SI", "===")."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicatore")
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    text = models.CharField(_("target"), max_length=500)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("target")
        ordering = ["indicator_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="plans_target_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.text}"


class ScoringConfig(models.Model):
    """The entity's SMVP for one cycle: default scoring rule and its options."""

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="scoring_config", verbose_name=_("ciclo")
    )
    default_rule = models.SlugField(_("regola predefinita"), max_length=64)
    options = models.JSONField(_("opzioni"), default=dict, blank=True)

    class Meta:
        verbose_name = _("configurazione SMVP")
        verbose_name_plural = _("configurazioni SMVP")
        ordering = ["cycle_id"]

    def __str__(self) -> str:
        return f"SMVP {self.cycle.year}: {self.default_rule}"


class CycleTransition(models.Model):
    """A change of state of a cycle: who moved it, from which state to which, and when."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("ciclo")
    )
    source = models.CharField(_("da"), max_length=16, choices=CycleState.choices)
    target = models.CharField(_("a"), max_length=16, choices=CycleState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("da parte di"),
    )
    at = models.DateTimeField(_("il"), default=timezone.now)
    note = models.TextField(_("nota"), blank=True)
    # What blocked the change when it was made anyway (plans.blockers), and why.
    blockers = models.JSONField(_("impedimenti superati"), default=list, blank=True)
    override_reason = models.TextField(_("motivo della forzatura"), blank=True)

    class Meta:
        verbose_name = _("cambio di stato del ciclo")
        verbose_name_plural = _("cambi di stato del ciclo")
        ordering = ["cycle_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.source} → {self.target} ({self.at:%d/%m/%Y})"


class PlanSnapshot(models.Model):
    """The plan frozen as JSON at one version: 0 as approved, N after revision N.

    Kept so that two versions can be compared side by side after the rows have changed.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("ciclo")
    )
    version = models.PositiveSmallIntegerField(_("versione"))
    label = models.CharField(_("descrizione"), max_length=200)
    taken_at = models.DateTimeField(_("acquisita il"), default=timezone.now)
    data = models.JSONField(_("contenuto"), default=dict)

    class Meta:
        verbose_name = _("versione del piano")
        verbose_name_plural = _("versioni del piano")
        ordering = ["cycle_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "version"], name="plans_snapshot_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} v{self.version}: {self.label}"


class Publication(models.Model):
    """A published version of the cycle's Relazione and results: 1 at publication, N+1
    after each formal correction (with its reason), opened first (published_at empty) and
    then published. The older ones stay listed, superseded."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="publications", verbose_name=_("ciclo")
    )
    number = models.PositiveSmallIntegerField(_("versione"))
    # None while a formal correction is being prepared (texts changed, documents regenerated).
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da parte di"),
    )
    reason = models.TextField(_("motivo della rettifica"), blank=True)
    superseded_at = models.DateTimeField(_("sostituita il"), null=True, blank=True)

    class Meta:
        verbose_name = _("versione pubblicata")
        verbose_name_plural = _("versioni pubblicate")
        ordering = ["cycle_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"], name="plans_publication_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} v{self.number}"
