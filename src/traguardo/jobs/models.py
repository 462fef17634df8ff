"""The state every background job keeps in its own row (abstract: each kind of job is a
model of its app, e.g. reports.ReportJob, exchange.Upload, with these fields).

The row, not Celery, is the truth about a job: the page, the API and the command line read
it, a worker claims it with one conditional UPDATE, and a worker that dies is noticed from
its heartbeat (jobs.services).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("In coda")
    RUNNING = "running", _("In corso")
    DONE = "done", _("Completato")
    FAILED = "failed", _("Non riuscito")


class Job(models.Model):
    """Who asked, when, how far it got, when it last gave a sign of life, how it ended."""

    status = models.CharField(
        _("stato"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    step = models.CharField(_("fase"), max_length=200, blank=True)
    message = models.TextField(_("messaggio"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("richiesto da"),
    )
    requested_at = models.DateTimeField(_("richiesto il"), default=timezone.now)
    started_at = models.DateTimeField(_("iniziato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminato il"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("ultimo segnale"), null=True, blank=True)
    # Incremented by each claim: a retry is attempt 2, and a late write of an older attempt
    # (a worker thought dead) is recognised and ignored.
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)

    # The Celery task that runs a job of this kind, given the job's pk (retries send it again).
    task_name: ClassVar[str] = ""

    class Meta:
        abstract = True

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def can_retry(self) -> bool:
        """A job that ran and failed (an error, or its worker died) may be run again."""
        return self.status == JobStatus.FAILED and self.attempts > 0
