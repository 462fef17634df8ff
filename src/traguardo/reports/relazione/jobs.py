"""Generating one format of the Relazione as a background job (reports.ReportJob).

The web page asks for a job (reports.tasks.request_job); the task engine runs `run_job` in a
worker (or at once, in the asking process, when no broker is configured). The job is
claimed with one conditional UPDATE, so a message delivered twice generates once, and it
beats at every step of the generation, so a worker that dies is noticed (jobs.services).
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.jobs import services as jobs
from traguardo.plans.models import Cycle
from traguardo.reports import published
from traguardo.reports.models import ReportJob
from traguardo.reports.relazione.generate import Generated, GenerationError, generate
from traguardo.scoring import lifecycle

KEEP_PER_FORMAT = 5  # files kept per cycle and format; older ones are deleted

log = logging.getLogger(__name__)


def run_job(pk: int) -> ReportJob | None:
    """Claim and run one job; None if it was not queued (another worker took it)."""
    attempt = jobs.claim(ReportJob, pk)
    if attempt is None:
        return None
    job = ReportJob.objects.select_related("cycle__entity").get(pk=pk)
    beat = jobs.Heartbeat(ReportJob, pk, attempt)
    try:
        result = generate(job.cycle, job.format, beat)
        job.file.save(
            f"{job.cycle.year}/{job.pk}-{result.filename}", ContentFile(result.content), save=False
        )
        jobs.finish(
            ReportJob,
            pk,
            attempt,
            file=job.file.name,
            size=len(result.content),
            step=_("Completato"),
        )
        _prune(job)
    except GenerationError as exc:
        jobs.fail(ReportJob, pk, attempt, exc.message)
    except Exception as exc:
        log.exception("Relazione job %s failed", pk)
        jobs.fail(
            ReportJob,
            pk,
            attempt,
            _("Errore imprevisto durante la generazione (%(name)s): %(error)s")
            % {"name": type(exc).__name__, "error": exc},
        )
    job.refresh_from_db()
    return job


def _prune(job: ReportJob) -> None:
    # A file of a published version is never pruned: it is what citizens read (and, once
    # superseded by a correction, what they read before).
    kept = {f.pk for v in published.relazione_versions(job.cycle) for f in v.files}
    older = ReportJob.objects.filter(
        cycle=job.cycle, format=job.format, status=ReportJob.Status.DONE
    ).order_by("-finished_at", "-id")[KEEP_PER_FORMAT:]
    for old in older:
        if old.pk in kept:
            continue
        if old.file:
            old.file.delete(save=False)
        old.delete()


def interrupt_stale(jobs_: QuerySet[ReportJob] | None = None) -> int:
    """Generations whose worker stopped (restart, crash) are shown failed and retryable."""
    return jobs.interrupt_stale(ReportJob.objects.all() if jobs_ is None else jobs_)


def generation_open(cycle: Cycle) -> bool:
    """Files may be generated (and listed as the cycle's) before publication, or while a
    formal correction is being prepared; a published Relazione keeps its files."""
    return not cycle.is_published or lifecycle.correction_in_progress(cycle) is not None


def record_generated(cycle: Cycle, fmt: str, result: Generated) -> ReportJob | None:
    """A file made by `traguardo report`, listed on the Relazione page beside the web's
    (origin "riga di comando"); None, and nothing stored, when generation is closed."""
    if not generation_open(cycle):
        return None
    now = timezone.now()
    job = ReportJob(
        cycle=cycle,
        format=fmt,
        origin="cli",
        status=ReportJob.Status.DONE,
        progress=100,
        step=_("Completato"),
        requested_at=now,
        started_at=now,
        finished_at=now,
        size=len(result.content),
    )
    job.save()
    job.file.save(
        f"{cycle.year}/{job.pk}-{result.filename}", ContentFile(result.content), save=False
    )
    ReportJob.objects.filter(pk=job.pk).update(file=job.file.name)
    _prune(job)
    return job
