"""The Relazione's background task, and how a generation is asked for and retried."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext as _

from traguardo.jobs import services as jobs
from traguardo.plans.models import Cycle
from traguardo.reports.models import ReportJob
from traguardo.reports.relazione.jobs import run_job


@shared_task(name="traguardo.reports.generate_relazione")
def generate_relazione(job_pk: int) -> None:
    run_job(job_pk)


def request_job(cycle: Cycle, fmt: str, user: object) -> ReportJob:
    """Queue the generation of `fmt` for `cycle`; it runs once the request's data is saved."""
    job = ReportJob.objects.create(
        cycle=cycle,
        format=fmt,
        requested_by=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
        step=_("In attesa di elaborazione"),
    )
    jobs.enqueue(generate_relazione, job.pk)
    return job


def retry_job(job: ReportJob) -> bool:
    """Queue again a generation that failed or was interrupted; False if it cannot be."""
    return jobs.retry(job)
