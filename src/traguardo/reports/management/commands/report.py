from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.plans.management.commands._common import add_entity_argument, cycle_of
from traguardo.reports.relazione.generate import FORMATS, GenerationError, generate
from traguardo.reports.relazione.jobs import generation_open, record_generated


class Command(BaseCommand):
    help = "Genera la Relazione sulla performance di un anno: traguardo report --year 2019 --format pdf --out DIR (formati: pdf, docx, xlsx, html, opendata, all)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="anno del ciclo, es. 2019")
        add_entity_argument(parser)
        parser.add_argument(
            "--format", default="pdf", help=f"uno tra {', '.join(FORMATS)} oppure all (tutti)"
        )
        parser.add_argument(
            "--out", default=".", help="cartella in cui scrivere i file (creata se manca)"
        )
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="non elencare i file nella pagina Relazione (solo scritti nella cartella)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fmt = str(options["format"]).lower()
        formats = list(FORMATS) if fmt == "all" else [fmt]
        if any(f not in FORMATS for f in formats):
            raise CommandError(
                f"formato «{options['format']}» non valido: usa uno tra {', '.join(FORMATS)} oppure all"
            )
        cycle = cycle_of(options)
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"impossibile creare la cartella «{out}»: {exc.strerror}") from None
        for each in formats:
            try:
                result = generate(cycle, each)
            except GenerationError as exc:
                raise CommandError(exc.message) from None
            target = out / result.filename
            try:
                target.write_bytes(result.content)
            except OSError as exc:
                raise CommandError(f"impossibile scrivere «{target}»: {exc.strerror}") from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scritto {target} ({len(result.content):,} byte)".replace(",", ".")
                )
            )
            if not options["no_record"]:
                record_generated(cycle, each, result)
        if not options["no_record"] and not generation_open(cycle):
            self.stdout.write(
                "La Relazione è pubblicata: i file sono scritti nella cartella ma non elencati "
                "nella pagina Relazione, dove restano quelli pubblicati."
            )
