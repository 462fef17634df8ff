"""``traguardo import FILE --year 2019 [--dry-run]``: plan, values (XLSX/CSV) or a full export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from traguardo.exchange.report import text_report
from traguardo.exchange.safety import Refused, size_problem
from traguardo.exchange.services import import_file
from traguardo.plans.management.commands._common import add_entity_argument, cycle_of, entity_of


class Command(BaseCommand):
    help = "Importa un file: piano o valori (xlsx, csv) oppure un'esportazione completa (zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="il file da importare (.xlsx, .csv o .zip)")
        parser.add_argument(
            "--year", type=int, help="anno del ciclo (non serve per un archivio .zip)"
        )
        add_entity_argument(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="solo anteprima: non salva nulla"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"il file «{path}» non esiste")
        problem = size_problem(path.stat().st_size)
        if problem:
            raise CommandError(problem)
        data = path.read_bytes()
        cycle = None
        if options["year"] is not None:
            cycle = cycle_of(options)
        # A full export goes into the administration of --entity, if given (an archive of
        # another one is refused); without it, into its own (moving it to this installation).
        entity = entity_of(options) if options.get("entity") else None
        last = [-1]

        def progress(done: int, total: int, label: str) -> None:
            percent = int(done * 100 / total) if total else 100
            if percent != last[0]:
                last[0] = percent
                self.stderr.write(f"\r{percent:3d}% {done}/{total} {label[:50]:<50}", ending="")
                sys.stderr.flush()

        try:
            result = import_file(
                path.name,
                data,
                cycle,
                dry_run=options["dry_run"],
                progress=progress,
                entity=entity,
            )
        except Refused as exc:
            raise CommandError(f"{path.name}: {exc.message}") from None
        self.stderr.write("")
        report = text_report(result)
        if result.issues:
            raise CommandError(report)
        self.stdout.write(report)
