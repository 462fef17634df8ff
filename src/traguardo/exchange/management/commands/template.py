"""``traguardo template plan|values --year 2019 [--period 31.12] [--lang en] --out FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traguardo.exchange.workbooks import plan_workbook, values_workbook
from traguardo.monitoring.models import Period
from traguardo.plans.management.commands._common import add_entity_argument, cycle_of


class Command(BaseCommand):
    help = "Scrive il modello xlsx del piano o dei valori di un periodo, già compilato con i dati."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["plan", "values"], help="plan: piano; values: valori")
        parser.add_argument("--year", type=int, required=True, help="anno del ciclo")
        add_entity_argument(parser)
        parser.add_argument("--period", default="31.12", help="periodo dei valori (30.06 o 31.12)")
        parser.add_argument("--lang", choices=["it", "en"], default="it", help="lingua del modello")
        parser.add_argument("--out", required=True, help="file .xlsx da scrivere")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        if options["kind"] == "plan":
            data = plan_workbook(cycle, options["lang"])
        else:
            period = Period.objects.filter(cycle=cycle, code=options["period"]).first()
            if period is None:
                raise CommandError(f"il ciclo {cycle.year} non ha il periodo {options['period']}")
            data = values_workbook(cycle, period, options["lang"])
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"Scritto {options['out']}")
