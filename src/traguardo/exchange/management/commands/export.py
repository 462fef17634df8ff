"""``traguardo export --year 2019 --out FILE``: the whole cycle in one zip (JSON and XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from traguardo.exchange.archive import export_cycle
from traguardo.plans.management.commands._common import add_entity_argument, cycle_of


class Command(BaseCommand):
    help = "Esporta un ciclo completo (organizzazione, piano, valori, schede) in un archivio zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="anno del ciclo")
        add_entity_argument(parser)
        parser.add_argument("--out", required=True, help="file .zip da scrivere")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        data = export_cycle(cycle)
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(f"Esportato il ciclo {cycle.year} in {out} ({len(data) // 1024} KB)")
