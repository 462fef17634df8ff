from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from traguardo.reports.relazione.jobs import work


class Command(BaseCommand):
    help = "Esegue le generazioni della Relazione richieste dal web (PDF, DOCX, XLSX, HTML, open data). In produzione: TRAGUARDO_REPORT_WORKER=external e un processo «traguardo worker»."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="esegue le richieste in coda ed esce"
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="secondi tra due controlli della coda"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["once"]:
            self.stdout.write("In attesa di richieste di generazione (Ctrl+C per uscire)…")
        try:
            ran = work(once=options["once"], interval=options["interval"])
        except KeyboardInterrupt:
            return
        self.stdout.write(self.style.SUCCESS(f"Generazioni eseguite: {ran}."))
