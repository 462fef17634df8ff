"""`python manage.py send_reminders`: daily reminder e-mails of missing monitoring values.

Runs the reminder task (monitoring.tasks): at once and with a report of what was sent when
no broker is configured, otherwise queued for a worker."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from traguardo.monitoring.reminders import days_before
from traguardo.monitoring.tasks import send_reminders_task
from traguardo.plans.management.commands._common import entity_of


class Command(BaseCommand):
    help = (
        "Invia i promemoria dei valori di monitoraggio mancanti (da eseguire ogni giorno): "
        "N giorni prima della scadenza e dopo la scadenza, mai due volte lo stesso."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="Data di riferimento AAAA-MM-GG (predefinita: oggi)", default=None
        )
        parser.add_argument(
            "--days-before",
            type=int,
            default=None,
            help=f"Giorni prima della scadenza (predefiniti: {days_before()})",
        )
        parser.add_argument(
            "--entity",
            default=None,
            metavar="CODICE",
            help="solo i promemoria di questo ente (predefinito: tutti gli enti)",
        )
        parser.add_argument(
            "--here",
            action="store_true",
            help="invia subito da questo processo anche se è configurato un broker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["date"]
        try:
            today = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {raw!r}: attesa una data AAAA-MM-GG") from None
        days = options["days_before"]
        if days is not None and days < 0:
            raise CommandError("--days-before non può essere negativo")
        task_args: tuple[Any, ...] = (today.isoformat(), days)
        if options["entity"]:
            task_args += (entity_of(options).code,)
        if settings.TRAGUARDO_BROKER_URL and not options["here"]:
            queued = send_reminders_task.delay(*task_args)
            self.stdout.write(f"promemoria accodati per un worker (task {queued.id})")
            return
        report = send_reminders_task.apply(args=task_args).get()
        for record in report["sent"]:
            self.stdout.write(
                f"inviato a {record['email']}: {record['missing']} valori mancanti, "
                f"{record['period']} ({record['kind']})"
            )
        for username in report["no_address"]:
            self.stderr.write(f"{username}: valori mancanti ma nessun indirizzo e-mail")
        self.stdout.write(f"{len(report['sent'])} promemoria inviati")
