"""`traguardo jobs`: the background jobs (Relazione generations, confirmed imports), with
the interrupted ones detected, and `--retry` to queue one again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from traguardo.jobs import services
from traguardo.jobs.models import JobStatus


class Command(BaseCommand):
    help = (
        "Elenca le elaborazioni in background (generazioni della Relazione, importazioni "
        "confermate) con stato, avanzamento e tentativi; segna come interrotte quelle il cui "
        "worker non dà più segni di vita. --retry TIPO:ID le rimette in coda."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=20, help="righe per tipo (predefinite: 20)"
        )
        parser.add_argument(
            "--retry",
            metavar="TIPO:ID",
            help="rimette in coda un'elaborazione non riuscita, es. reports.reportjob:12",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        models = {m._meta.label_lower: m for m in services.job_models()}
        for model in models.values():
            services.interrupt_stale(model._default_manager.all())
        if options["retry"]:
            label, _, pk = options["retry"].partition(":")
            found = models.get(label.lower())
            if found is None or not pk.isdigit():
                raise CommandError(
                    f"--retry {options['retry']!r}: atteso TIPO:ID con TIPO tra {', '.join(sorted(models))}"
                )
            job = found._default_manager.filter(pk=int(pk)).first()
            if job is None:
                raise CommandError(f"{label}:{pk}: elaborazione inesistente")
            if not services.retry(job):
                raise CommandError(
                    f"{label}:{pk}: non si può riprovare (stato «{job.get_status_display()}»)"
                )
            self.stdout.write(f"{label}:{pk} rimessa in coda")
            return
        for label, model in models.items():
            rows = model._default_manager.filter(status__in=JobStatus.values).order_by(
                "-requested_at", "-pk"
            )[: options["limit"]]
            for job in rows:
                when = timezone.localtime(job.requested_at).strftime("%d/%m/%Y %H:%M")
                who = job.requested_by.get_username() if job.requested_by else "—"
                line = f"{label}:{job.pk}  {when}  {who}  {job.get_status_display()}  {job.progress}%  {job.step}  tentativi {job.attempts}"
                if job.message:
                    line += f"  — {job.message}"
                self.stdout.write(line)
