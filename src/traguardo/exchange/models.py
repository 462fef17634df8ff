"""An uploaded file kept between its preview and the confirmation, with the outcome."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from traguardo.modelutils import choices_constraint
from traguardo.plans.models import Cycle


class UploadStatus(models.TextChoices):
    PREVIEW = "preview", _("Anteprima")
    RUNNING = "running", _("In corso")
    DONE = "done", _("Importato")
    FAILED = "failed", _("Non importato")


class Upload(models.Model):
    """A file uploaded for import: previewed first (dry run), saved on confirmation."""

    Status = UploadStatus

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
    name = models.CharField(_("nome del file"), max_length=255)
    data = models.BinaryField(_("contenuto"))
    created_at = models.DateTimeField(_("caricato il"), default=timezone.now)
    status = models.CharField(
        _("stato"), max_length=16, choices=Status.choices, default=Status.PREVIEW
    )
    preview = models.JSONField(_("anteprima"), default=dict, blank=True)
    result = models.JSONField(_("esito"), default=dict, blank=True)

    class Meta:
        verbose_name = _("file caricato")
        verbose_name_plural = _("file caricati")
        ordering = ["-created_at"]
        constraints = [choices_constraint("status", UploadStatus)]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%d/%m/%Y %H:%M})"
