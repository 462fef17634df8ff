"""An uploaded file kept between its preview and the confirmation, with the outcome.

Once confirmed, the upload is a background job (jobs.models.Job): queued, running with a
heartbeat, done or failed; a run whose worker died is shown as interrupted and may be retried.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.jobs.models import Job
from traguardo.modelutils import choices_constraint
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle


class UploadStatus(models.TextChoices):
    PREVIEW = "preview", _("Anteprima")
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In corso")
    DONE = "done", _("Importato")
    FAILED = "failed", _("Non importato")


class Upload(Job):
    """A file uploaded for import: previewed first (dry run), saved on confirmation."""

    Status = UploadStatus
    task_name = "traguardo.exchange.run_import"

    status = models.CharField(
        _("stato"), max_length=16, choices=Status.choices, default=Status.PREVIEW
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("caricato da"),
    )
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="uploads",
        verbose_name=_("ciclo"),
    )
    # The administration the file is imported into (a full export has no cycle yet: its
    # archive must be of this administration, exchange.archive.restore_archive).
    entity = models.ForeignKey(
        Entity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ente"),
    )
    name = models.CharField(_("nome del file"), max_length=255)
    # Kept until the import is saved, so that an interrupted or failed run can be retried.
    data = models.BinaryField(_("contenuto"))
    created_at = models.DateTimeField(_("caricato il"), default=timezone.now)
    preview = models.JSONField(_("anteprima"), default=dict, blank=True)
    result = models.JSONField(_("esito"), default=dict, blank=True)
    # The language of the confirming request: the background run writes its messages in it.
    language = models.CharField(_("lingua"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("file caricato")
        verbose_name_plural = _("file caricati")
        ordering = ["-created_at"]
        constraints = [choices_constraint("status", UploadStatus)]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def can_retry(self) -> bool:
        """Interrupted or failed unexpectedly; a file with problems needs correcting instead."""
        return super().can_retry and not (self.result or {}).get("issues")
