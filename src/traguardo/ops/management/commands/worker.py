"""`traguardo worker`: a Celery worker for Traguardo's background tasks (docs/deploy.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Avvia un worker Celery che esegue le elaborazioni in background (Relazione, "
        "importazioni confermate, promemoria). Richiede TRAGUARDO_BROKER_URL; equivale a "
        "«celery -A traguardo.project worker»."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--concurrency",
            type=int,
            default=None,
            help="elaborazioni in parallelo (predefinito: una per processore)",
        )
        parser.add_argument(
            "--queues",
            default=None,
            help="code da servire, separate da virgole (predefinita: celery)",
        )
        parser.add_argument(
            "--loglevel", default="INFO", help="livello dei messaggi (INFO, DEBUG…)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TRAGUARDO_BROKER_URL:
            raise CommandError(
                "TRAGUARDO_BROKER_URL non è impostato: senza broker le elaborazioni vengono "
                "eseguite subito dal processo che le richiede e non serve un worker. Imposta "
                "ad esempio TRAGUARDO_BROKER_URL=redis://127.0.0.1:6379/1 (docs/deploy.md)."
            )
        # The Celery application of traguardo.project (created and made current when the
        # settings package is imported): named through Celery, not imported from the
        # project layer above this one.
        from celery import current_app as app

        argv = ["worker", f"--loglevel={options['loglevel']}"]
        if options["concurrency"]:
            argv.append(f"--concurrency={options['concurrency']}")
        if options["queues"]:
            argv.append(f"--queues={options['queues']}")
        app.worker_main(argv)
