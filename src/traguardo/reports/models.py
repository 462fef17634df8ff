"""What the Relazione sulla performance needs beyond the plan and its scores.

The plan, the values and the scores come from plans/monitoring/scoring. Stored here:
the narrative sections the performance office writes (rich text with placeholders for
every number), the headline indicators it chooses for section 1, the staff figures of the
gender budget, and the generated documents (jobs run by the task engine, traguardo.jobs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.jobs.models import Job, JobStatus
from traguardo.modelutils import choices_constraint
from traguardo.plans.models import Cycle, Indicator


class NarrativeSection(models.TextChoices):
    PRESENTAZIONE = "presentazione", _("Presentazione")
    RISULTATI = "risultati", _("1. I principali risultati raggiunti")
    CONTESTO = "contesto", _("2. Analisi del contesto e delle risorse")
    ALBERO = "albero", _("3.0 Albero della performance")
    STRATEGICI = "strategici", _("3.1 Obiettivi strategici triennali")
    OPERATIVI = "operativi", _("3.2 Obiettivi operativi annuali")
    VALUTAZIONE = "valutazione", _("3.3 Valutazione complessiva")
    GENERE = "genere", _("3.4 Bilancio di genere")
    INDIVIDUALI = "individuali", _("4. Obiettivi individuali")
    PROCESSO = "processo", _("5. Il processo di misurazione e valutazione")


class Narrative(models.Model):
    """One narrative section of a cycle's Relazione: sanitised HTML with placeholders."""

    Section = NarrativeSection

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="narratives", verbose_name=_("ciclo")
    )
    section = models.CharField(_("sezione"), max_length=24, choices=Section.choices)
    html = models.TextField(_("testo"), blank=True)
    updated_at = models.DateTimeField(_("modificato il"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modificato da"),
    )

    class Meta:
        verbose_name = _("testo della relazione")
        verbose_name_plural = _("testi della relazione")
        ordering = ["cycle_id", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "section"], name="reports_narrative_unique_section"
            ),
            choices_constraint("section", NarrativeSection),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} - {self.get_section_display()}"


class HeadlineIndicator(models.Model):
    """A row of "Alcuni indicatori di sintesi" in section 1, chosen by the office.

    Linked to a plan indicator when there is one (its value comes from the measurement);
    otherwise `value_text` is the figure as recorded by the office.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="headline_indicators", verbose_name=_("ciclo")
    )
    position = models.PositiveSmallIntegerField(_("posizione"))
    label = models.TextField(_("etichetta"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicatore del piano"),
    )
    value_text = models.CharField(_("valore (se non collegato)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicatore di sintesi")
        verbose_name_plural = _("indicatori di sintesi")
        ordering = ["cycle_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "position"], name="reports_headline_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class StaffFigures(models.Model):
    """Staff at 31.12 for the gender budget (3.4) and the context (2).

    `by_category` and `by_age` are lists of {"label", "women", "men"} when the staff
    registry provides them; the demo has only totals.
    """

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="staff_figures", verbose_name=_("ciclo")
    )
    women = models.PositiveIntegerField(_("donne"))
    men = models.PositiveIntegerField(_("uomini"))
    managers = models.PositiveIntegerField(_("dirigenti"), default=0)
    fte = models.DecimalField(
        _("unità equivalenti (FTE)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    leavers = models.PositiveIntegerField(_("cessazioni"), default=0)
    joiners = models.PositiveIntegerField(_("ingressi"), default=0)
    by_category = models.JSONField(_("per categoria"), default=list, blank=True)
    by_age = models.JSONField(_("per età"), default=list, blank=True)

    class Meta:
        verbose_name = _("dati del personale")
        verbose_name_plural = _("dati del personale")
        ordering = ["cycle_id"]

    def __str__(self) -> str:
        return f"{self.cycle.year}: {self.women + self.men}"

    @property
    def total(self) -> int:
        return self.women + self.men


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX (Word, LibreOffice)"
    XLSX = "xlsx", "XLSX (tabelle)"
    HTML = "html", "HTML"
    OPENDATA = "opendata", _("Open data (CSV e JSON, zip)")


class ReportJob(Job):
    """A request to generate one format of a cycle's Relazione, and its result file.

    State, progress, heartbeat and attempts come from jobs.models.Job; the work is the task
    reports.tasks.generate_relazione (reports.relazione.jobs.run_job).
    """

    Format = ReportFormat
    Status = JobStatus
    task_name = "traguardo.reports.generate_relazione"

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="report_jobs", verbose_name=_("ciclo")
    )
    format = models.CharField(_("formato"), max_length=10, choices=Format.choices)
    file = models.FileField(_("file"), upload_to="relazione/", blank=True, max_length=300)
    # Generated from the web (a background job) or by `traguardo report` (recorded when done).
    origin = models.CharField(
        _("origine"),
        max_length=8,
        choices=[("web", _("pagina web")), ("cli", _("riga di comando"))],
        default="web",
    )
    size = models.PositiveBigIntegerField(_("dimensione (byte)"), default=0)

    class Meta:
        verbose_name = _("generazione della relazione")
        verbose_name_plural = _("generazioni della relazione")
        ordering = ["-requested_at", "-id"]
        constraints = [
            choices_constraint("format", ReportFormat),
            choices_constraint("status", JobStatus),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_job_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.format} ({self.get_status_display()})"
