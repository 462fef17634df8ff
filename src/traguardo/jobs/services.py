"""How a job is run, watched and retried; the same for every kind of job (the model is a
subclass of jobs.models.Job).

- `enqueue` sends a task once the current transaction commits (the row must exist for the
  worker to find it); without a broker the task then runs at once, in this process.
- `claim` moves a job from queued to running with one conditional UPDATE and returns the
  attempt number: a message delivered twice (Celery redelivers when a worker dies) runs once.
- `Heartbeat` is the job's progress callback: each step writes progress, step text and the
  time to the row, so that a job that stops beating is known to be dead.
- `interrupt_stale` shows as failed ("interrotto") a running job whose heartbeat is older
  than TRAGUARDO_JOB_TIMEOUT, and ("non avviato") a queued one that no worker took in three
  times that (no worker running); `retry` puts a failed job back in the queue and sends its
  task (the model's `task_name`) again.
- `finish` / `fail` write the outcome of one attempt, and only of the latest one.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from traguardo.jobs.models import Job, JobStatus

DEFAULT_TIMEOUT_SECONDS = 300
ROW_WRITE_EVERY = 1.0  # seconds: a job reporting progress row by row writes its row less often


def timeout() -> datetime.timedelta:
    seconds = getattr(settings, "TRAGUARDO_JOB_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
    return datetime.timedelta(seconds=int(seconds))


def queue_timeout() -> datetime.timedelta:
    """How long a job may wait in the queue before it is shown as not taken by any worker:
    three times the heartbeat time-out, so a busy worker finishing a long job is not blamed."""
    return 3 * timeout()


def enqueue(task: Any, *args: Any) -> None:
    """Run `task` with `args` in the background once the current transaction commits."""
    transaction.on_commit(lambda: task.delay(*args))


def claim(model: type[Job], pk: int) -> int | None:
    """Take a queued job for this worker; its attempt number, or None if it was not queued
    (already taken, finished, or gone)."""
    now = timezone.now()
    taken = model._default_manager.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        progress=1,
        message="",
        attempts=F("attempts") + 1,
    )
    if not taken:
        return None
    return int(model._default_manager.filter(pk=pk).values_list("attempts", flat=True).get())


def _beat_key(model: type[Job], pk: int, attempt: int, started: datetime.datetime | None) -> str:
    # The start time too: a row number may be used again (a deleted job, a test database).
    stamp = started.timestamp() if started else 0
    return f"traguardo-job-{model._meta.label_lower}-{pk}-{attempt}-{stamp}"


class Heartbeat:
    """The progress callback of one attempt: `beat(percent, step)`.

    The row is written at most every ROW_WRITE_EVERY seconds. While the job is inside a
    transaction of its own (an import saves all or nothing) its row writes would not be seen
    by others until the end, so there the sign of life goes to the cache only (shared by all
    machines when TRAGUARDO_CACHE_URL is a Redis); `interrupt_stale` reads both.
    """

    def __init__(self, model: type[Job], pk: int, attempt: int) -> None:
        self.model = model
        self.pk = pk
        self.attempt = attempt
        self.outer_atomic = connection.in_atomic_block
        self.written = 0.0
        started = model._default_manager.filter(pk=pk).values_list("started_at", flat=True).get()
        self.key = _beat_key(model, pk, attempt, started)

    def __call__(self, percent: int, step: str, extra: dict[str, Any] | None = None) -> None:
        percent = max(0, min(100, int(percent)))
        now = timezone.now()
        live = {"at": now.timestamp(), "progress": percent, "step": step, **(extra or {})}
        cache.set(self.key, live, _cache_seconds())
        if connection.in_atomic_block != self.outer_atomic:
            return
        clock = time.monotonic()
        if clock - self.written < ROW_WRITE_EVERY and percent < 100:
            return
        self.written = clock
        self.model._default_manager.filter(
            pk=self.pk, attempts=self.attempt, status=JobStatus.RUNNING
        ).update(progress=percent, step=step[:200], heartbeat_at=now)


def _cache_seconds() -> int:
    return int(timeout().total_seconds()) * 2


def live_progress(job: Job) -> dict[str, Any]:
    """The latest progress of a running job: from its last beat if it is newer than the row."""
    if job.status != JobStatus.RUNNING:
        return {}
    beat = cache.get(_beat_key(type(job), job.pk, job.attempts, job.started_at))
    return beat if isinstance(beat, dict) else {"progress": job.progress, "step": job.step}


def finish(model: type[Job], pk: int, attempt: int, **fields: Any) -> bool:
    now = timezone.now()
    return bool(
        model._default_manager.filter(pk=pk, attempts=attempt).update(
            status=JobStatus.DONE, progress=100, finished_at=now, heartbeat_at=now, **fields
        )
    )


def fail(model: type[Job], pk: int, attempt: int, message: str, **fields: Any) -> bool:
    now = timezone.now()
    fields.setdefault("step", _("Non riuscito"))
    return bool(
        model._default_manager.filter(pk=pk, attempts=attempt).update(
            status=JobStatus.FAILED, message=message, finished_at=now, heartbeat_at=now, **fields
        )
    )


def interrupt_stale(jobs: QuerySet[Any]) -> int:
    """Mark failed the running jobs among `jobs` whose worker stopped beating, and the
    queued ones no worker took in time; how many."""
    now = timezone.now()
    cutoff = now - timeout()
    stale = jobs.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff)
        # rows left running before heartbeats existed
        | Q(heartbeat_at__isnull=True) & (Q(started_at__lt=cutoff) | Q(started_at__isnull=True))
    )
    count = 0
    for job in stale:
        beat = cache.get(_beat_key(type(job), job.pk, job.attempts, job.started_at))
        if isinstance(beat, dict) and beat.get("at", 0) >= cutoff.timestamp():
            continue  # alive, inside its own transaction
        count += (
            type(job)
            ._default_manager.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.RUNNING)
            .update(
                status=JobStatus.FAILED,
                step=_("Interrotto"),
                message=_(
                    "Elaborazione interrotta: il processo che la eseguiva non dà segni di vita "
                    "da oltre %(minutes)s minuti (riavviato o terminato). Puoi riprovare."
                )
                % {"minutes": max(1, round(timeout().total_seconds() / 60))},
                finished_at=now,
            )
        )
    return count + _fail_unclaimed(jobs, now)


def _fail_unclaimed(jobs: QuerySet[Any], now: datetime.datetime) -> int:
    """Queued jobs that no worker took for too long (no worker running, a broker that lost
    the message): failed, with a message saying to check the workers, and retryable (the
    attempt counts as made; a late claim of the old message finds it no longer queued)."""
    minutes = max(1, round(queue_timeout().total_seconds() / 60))
    count = 0
    for job in jobs.filter(status=JobStatus.QUEUED, requested_at__lt=now - queue_timeout()):
        count += (
            type(job)
            ._default_manager.filter(pk=job.pk, attempts=job.attempts, status=JobStatus.QUEUED)
            .update(
                status=JobStatus.FAILED,
                attempts=job.attempts + 1,
                step=_("Non avviato"),
                message=_(
                    "Nessun processo di elaborazione (worker) l'ha presa in carico in %(minutes)s "
                    "minuti: controlla che «traguardo worker» sia in esecuzione. Puoi riprovare."
                )
                % {"minutes": minutes},
                finished_at=now,
            )
        )
    return count


def job_models() -> list[type[Job]]:
    """Every kind of job of the installed apps (the concrete subclasses of Job)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Job)]


def retry(job: Job) -> bool:
    """Queue again a job that may be retried, with the task of its kind; False if not."""
    from celery import current_app

    if not job.can_retry or not requeue(type(job), job.pk):
        return False
    enqueue(current_app.tasks[job.task_name], job.pk)
    return True


def requeue(model: type[Job], pk: int, **fields: Any) -> bool:
    """Put a failed job that had run back in the queue; False if it may not be retried."""
    return bool(
        model._default_manager.filter(pk=pk, status=JobStatus.FAILED, attempts__gt=0).update(
            status=JobStatus.QUEUED,
            # queued anew: the wait for a worker (queue_timeout) counts from now
            requested_at=timezone.now(),
            progress=0,
            step=_("In attesa di elaborazione"),
            message="",
            finished_at=None,
            **fields,
        )
    )
