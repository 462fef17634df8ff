"""Generation jobs: a small DB-backed queue (reports.ReportJob) and its worker.

The web page only creates a job; the work runs in a background thread started by the
web process (development default) or in `traguardo worker` (production: set
TRAGUARDO_REPORT_WORKER=external so the web process never generates documents itself).
A job is claimed with one conditional UPDATE, so several workers never run the same job.
"""

from __future__ import annotations

import datetime
import os
import threading
import time
import traceback

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection
from django.utils import timezone

from traguardo.plans.models import Cycle
from traguardo.reports.models import ReportJob
from traguardo.reports.relazione.generate import GenerationError, generate

KEEP_PER_FORMAT = 5  # files kept per cycle and format; older ones are deleted
STALE_AFTER = datetime.timedelta(hours=1)  # a running job older than this was interrupted


def worker_mode() -> str:
    mode = getattr(settings, "TRAGUARDO_REPORT_WORKER", None) or os.environ.get(
        "TRAGUARDO_REPORT_WORKER", "thread"
    )
    return str(mode)


def request_job(cycle: Cycle, fmt: str, user: object) -> ReportJob:
    job = ReportJob.objects.create(
        cycle=cycle,
        format=fmt,
        requested_by=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
        step="In attesa di elaborazione",
    )
    if worker_mode() == "thread":
        threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True).start()
    return job


def _run_in_thread(pk: int) -> None:
    try:
        run_job(pk)
    finally:
        connection.close()


def _update(pk: int, **fields: object) -> None:
    ReportJob.objects.filter(pk=pk).update(**fields)


def claim(pk: int) -> bool:
    return bool(
        ReportJob.objects.filter(pk=pk, status=ReportJob.Status.QUEUED).update(
            status=ReportJob.Status.RUNNING, started_at=timezone.now(), progress=1
        )
    )


def run_job(pk: int) -> ReportJob | None:
    """Claim and run one job; None if another worker already took it."""
    if not claim(pk):
        return None
    job = ReportJob.objects.select_related("cycle__entity").get(pk=pk)
    try:
        result = generate(job.cycle, job.format, lambda p, s: _update(pk, progress=p, step=s))
        job.refresh_from_db()
        job.file.save(
            f"{job.cycle.year}/{job.pk}-{result.filename}", ContentFile(result.content), save=False
        )
        job.size = len(result.content)
        job.status = ReportJob.Status.DONE
        job.progress = 100
        job.step = "Completato"
        job.finished_at = timezone.now()
        job.save()
        _prune(job)
    except GenerationError as exc:
        _update(
            pk,
            status=ReportJob.Status.FAILED,
            message=exc.message,
            step="Non riuscito",
            finished_at=timezone.now(),
        )
    except Exception as exc:
        traceback.print_exc()
        _update(
            pk,
            status=ReportJob.Status.FAILED,
            message=f"Errore imprevisto durante la generazione ({type(exc).__name__}): {exc}",
            step="Non riuscito",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def _prune(job: ReportJob) -> None:
    older = ReportJob.objects.filter(
        cycle=job.cycle, format=job.format, status=ReportJob.Status.DONE
    ).order_by("-finished_at", "-id")[KEEP_PER_FORMAT:]
    for old in older:
        if old.file:
            old.file.delete(save=False)
        old.delete()


def fail_stale() -> int:
    """Jobs left "running" by a process that stopped (restart, crash) are marked failed,
    so that the page does not show them in progress for ever."""
    return ReportJob.objects.filter(
        status__in=(ReportJob.Status.RUNNING, ReportJob.Status.QUEUED),
        requested_at__lt=timezone.now() - STALE_AFTER,
        started_at__isnull=False,
    ).update(
        status=ReportJob.Status.FAILED,
        step="Interrotta",
        message="Generazione interrotta (il processo che la eseguiva si è fermato): "
        "richiedila di nuovo.",
        finished_at=timezone.now(),
    )


def next_queued() -> int | None:
    pk = (
        ReportJob.objects.filter(status=ReportJob.Status.QUEUED)
        .order_by("requested_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    return int(pk) if pk is not None else None


def work(*, once: bool = False, interval: float = 2.0) -> int:
    """The worker loop: run queued jobs oldest first; returns how many ran."""
    ran = 0
    while True:
        if not connection.in_atomic_block:  # a long-lived worker drops stale connections
            close_old_connections()
        fail_stale()
        pk = next_queued()
        if pk is not None:
            if run_job(pk) is not None:
                ran += 1
            continue
        if once:
            return ran
        time.sleep(interval)
