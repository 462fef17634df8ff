"""The Relazione's generation as a background job: the web page only queues it, the task
engine (eager here, no broker) runs it to a file; a job whose worker stopped beating is
shown interrupted and the office's retry runs it to the end."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from traguardo.plans.models import Cycle
from traguardo.reports.models import ReportJob
from traguardo.reports.relazione.jobs import interrupt_stale, run_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRAGUARDO_JOB_TIMEOUT = 60


def test_the_page_queues_and_the_task_runs_after_the_commit(
    demo: Cycle,
    client_as: Callable[[str], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    office = client_as("ufficio")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        office.post("/relazione/2019/genera/", {"format": "html"})
    job = ReportJob.objects.get()
    assert queued  # nothing runs before the request's data is committed
    assert job.status == "queued" and job.attempts == 0 and job.started_at is None
    for callback in queued:  # the commit: the task runs (eagerly, no broker configured)
        callback()
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and job.attempts == 1
    assert job.started_at and job.finished_at and job.heartbeat_at
    assert job.started_at <= job.heartbeat_at <= job.finished_at
    assert b"98,61%" in job.file.read() and job.size == job.file.size
    download = office.get(f"/relazione/file/{job.pk}/scarica/")
    assert download.status_code == 200 and b"98,61%" in download.content


def test_a_message_delivered_twice_generates_once(demo: Cycle) -> None:
    job = ReportJob.objects.create(cycle=demo, format="html")
    assert run_job(job.pk) is not None
    assert run_job(job.pk) is None  # claimed already: the redelivery does nothing
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1


def test_progress_is_a_heartbeat_written_while_generating(
    demo: Cycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traguardo.reports.relazione import jobs

    seen: list[tuple[str, int, str]] = []
    real = jobs.generate

    def watched(cycle: Cycle, fmt: str, progress: Any) -> Any:
        def spy(percent: int, step: str) -> None:
            progress(percent, step)
            row = ReportJob.objects.get(cycle=cycle)
            seen.append((row.status, row.progress, row.step))

        return real(cycle, fmt, spy)

    monkeypatch.setattr(jobs, "generate", watched)
    monkeypatch.setattr("traguardo.jobs.services.ROW_WRITE_EVERY", 0.0)
    job = ReportJob.objects.create(cycle=demo, format="html")
    run_job(job.pk)
    assert seen and all(status == "running" for status, _, _ in seen)
    assert seen[0][1] < 100 and seen[0][2]  # the row saw the steps as they happened


def _stale_running(cycle: Cycle, minutes: int) -> ReportJob:
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    return ReportJob.objects.create(
        cycle=cycle,
        format="html",
        status="running",
        attempts=1,
        requested_at=then,
        started_at=then,
        heartbeat_at=then,
    )


def test_a_job_whose_worker_stopped_beating_is_interrupted_not_a_live_one(demo: Cycle) -> None:
    dead = _stale_running(demo, minutes=5)
    alive = ReportJob.objects.create(
        cycle=demo,
        format="pdf",
        status="running",
        attempts=1,
        started_at=timezone.now() - datetime.timedelta(hours=3),  # long, but beating
        heartbeat_at=timezone.now(),
    )
    assert interrupt_stale() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "failed" and dead.step == "Interrotto"
    assert "interrotta" in dead.message and dead.can_retry
    assert alive.status == "running"


def test_the_office_sees_the_interruption_and_retries_to_the_end(
    demo: Cycle,
    client_as: Callable[[str], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = _stale_running(demo, minutes=5)
    office = client_as("ufficio")
    status = office.get(f"/relazione/file/{job.pk}/stato/").json()
    assert status["status"] == "failed" and status["can_retry"]
    page = office.get("/relazione/").content.decode()
    assert "Non riuscito" in page and "Elaborazione interrotta" in page
    assert f"/relazione/file/{job.pk}/riprova/" in page
    # a member who is not the office sees it but may not retry
    po = client_as("po")
    assert f"/relazione/file/{job.pk}/riprova/" not in po.get("/relazione/").content.decode()
    assert po.post(f"/relazione/file/{job.pk}/riprova/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/relazione/file/{job.pk}/riprova/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and job.message == ""
    assert b"98,61%" in job.file.read()
    # a finished job is not retried again
    with django_capture_on_commit_callbacks(execute=True) as again:
        office.post(f"/relazione/file/{job.pk}/riprova/")
    assert again == [] and ReportJob.objects.get(pk=job.pk).attempts == 2


def test_a_late_write_of_an_interrupted_attempt_does_not_overwrite_the_retry(
    demo: Cycle,
) -> None:
    from traguardo.jobs import services

    job = ReportJob.objects.create(cycle=demo, format="html")
    first = services.claim(ReportJob, job.pk)
    ReportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert interrupt_stale() == 1
    assert services.requeue(ReportJob, job.pk)
    second = services.claim(ReportJob, job.pk)
    assert (first, second) == (1, 2)
    assert not services.finish(ReportJob, job.pk, 1)  # the old worker wakes up: ignored
    assert ReportJob.objects.get(pk=job.pk).status == "running"
    assert services.finish(ReportJob, job.pk, 2)
    assert ReportJob.objects.get(pk=job.pk).status == "done"
