"""`python manage.py send_reminders`: daily reminder e-mails of missing monitoring values."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from traguardo.monitoring.reminders import days_before, send_reminders


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

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options["date"]
        try:
            today = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {raw!r}: attesa una data AAAA-MM-GG") from None
        days = options["days_before"]
        if days is not None and days < 0:
            raise CommandError("--days-before non può essere negativo")
        report = send_reminders(today, days)
        for record in report.sent:
            self.stdout.write(
                f"inviato a {record.email}: {record.missing} valori mancanti, "
                f"{record.period} ({record.get_kind_display().lower()})"
            )
        for username in report.no_address:
            self.stderr.write(f"{username}: valori mancanti ma nessun indirizzo e-mail")
        self.stdout.write(f"{len(report.sent)} promemoria inviati")
