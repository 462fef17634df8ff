"""`traguardo worker` starts a Celery worker only where there is a broker to serve."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command


def test_without_a_broker_the_worker_says_why_it_is_not_needed(settings: Any) -> None:
    settings.TRAGUARDO_BROKER_URL = ""
    with pytest.raises(CommandError, match="TRAGUARDO_BROKER_URL non è impostato"):
        call_command("worker")


def test_with_a_broker_it_starts_a_celery_worker_with_the_options(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traguardo.project.celery import app

    started: list[list[str]] = []
    monkeypatch.setattr(app, "worker_main", lambda argv: started.append(argv))
    settings.TRAGUARDO_BROKER_URL = "redis://127.0.0.1:6379/2"
    call_command("worker", concurrency=2, queues="relazione")
    assert started == [["worker", "--loglevel=INFO", "--concurrency=2", "--queues=relazione"]]


def test_a_broker_url_that_is_not_redis_or_amqp_stops_start_up() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TRAGUARDO_BROKER_URL": "http://example.org/"}
    env["DJANGO_SETTINGS_MODULE"] = "traguardo.project.settings"
    run = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "TRAGUARDO_BROKER_URL must be a redis:// or amqp:// address" in run.stderr


def _cycle() -> Any:
    from traguardo.organisation.models import Entity
    from traguardo.plans.models import Cycle

    entity = Entity.objects.create(name="Ente di prova", kind=Entity.Kind.values[0])
    return Cycle.objects.create(
        entity=entity, year=2030, plan_period_start=2030, plan_period_end=2032
    )


@pytest.mark.django_db
def test_jobs_lists_the_jobs_with_the_interrupted_ones_and_retries_one(
    settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime
    from io import StringIO

    from django.utils import timezone

    from traguardo.reports.models import ReportJob

    settings.TRAGUARDO_JOB_TIMEOUT = 60
    cycle = _cycle()
    then = timezone.now() - datetime.timedelta(minutes=10)
    dead = ReportJob.objects.create(
        cycle=cycle, format="html", status="running", attempts=1, started_at=then, heartbeat_at=then
    )
    queued = ReportJob.objects.create(cycle=cycle, format="pdf")
    out = StringIO()
    call_command("jobs", stdout=out)
    listing = out.getvalue()
    assert f"reports.reportjob:{dead.pk}" in listing and "Interrotto" in listing
    assert f"reports.reportjob:{queued.pk}" in listing and "In coda" in listing
    with pytest.raises(CommandError, match="non si può riprovare"):
        call_command("jobs", retry=f"reports.reportjob:{queued.pk}")
    with pytest.raises(CommandError, match="atteso TIPO:ID"):
        call_command("jobs", retry="boh:1")
    sent: list[int] = []
    from traguardo.reports import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("jobs", retry=f"reports.reportjob:{dead.pk}", stdout=StringIO())
    dead.refresh_from_db()
    assert dead.status == "queued" and len(callbacks) == 1
    monkeypatch.setattr(tasks.generate_relazione, "delay", sent.append)
    callbacks[0]()
    assert sent == [dead.pk]  # the task of its kind, sent again


@pytest.mark.django_db
def test_a_job_no_worker_takes_is_shown_failed_and_can_be_retried(settings: Any) -> None:
    import datetime

    from django.utils import timezone

    from traguardo.jobs import services
    from traguardo.reports.models import ReportJob

    settings.TRAGUARDO_JOB_TIMEOUT = 60  # the queue may wait three minutes
    cycle = _cycle()
    now = timezone.now()
    waiting = ReportJob.objects.create(cycle=cycle, format="pdf", requested_at=now)
    forgotten = ReportJob.objects.create(
        cycle=cycle, format="pdf", requested_at=now - datetime.timedelta(minutes=4)
    )
    assert services.interrupt_stale(ReportJob.objects.all()) == 1
    waiting.refresh_from_db()
    forgotten.refresh_from_db()
    assert waiting.status == "queued"  # inside the three minutes
    assert forgotten.status == "failed" and forgotten.step == "Non avviato"
    assert "traguardo worker" in forgotten.message and forgotten.can_retry
    # A late delivery of the old message does not run it.
    assert services.claim(ReportJob, forgotten.pk) is None
    # Queued again, it waits its full time again before being blamed on the workers.
    assert services.requeue(ReportJob, forgotten.pk)
    assert services.interrupt_stale(ReportJob.objects.filter(pk=forgotten.pk)) == 0
    forgotten.refresh_from_db()
    assert forgotten.status == "queued" and forgotten.attempts == 1
