"""``traguardo export --year 2019 --out FILE``: the whole cycle in one zip (JSON and XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traguardo.exchange.archive import export_cycle
from traguardo.scoring.services import CycleNotFound, get_cycle


class Command(BaseCommand):
    help = "Esporta un ciclo completo (organizzazione, piano, valori, schede) in un archivio zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="anno del ciclo")
        parser.add_argument("--out", required=True, help="file .zip da scrivere")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cycle = get_cycle(options["year"])
        except CycleNotFound as exc:
            raise CommandError(str(exc)) from None
        data = export_cycle(cycle)
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(f"Esportato il ciclo {cycle.year} in {out} ({len(data) // 1024} KB)")
