from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from traguardo.ops.backup import BackupError, database_is_empty, manifest_of, restore_backup


class Command(BaseCommand):
    help = "Ripristina un backup di «traguardo backup» in un database migrato e vuoto."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="archivio .zip scritto da «traguardo backup»")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="svuota prima il database (tutti i dati presenti vanno persi)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"{source}: file inesistente")
        try:
            manifest = manifest_of(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        one = manifest.get("entity")
        if one and not database_is_empty():
            raise CommandError(
                f"{source} è il backup del solo ente «{one.get('code')}»: si ripristina "
                "soltanto in un database vuoto (--replace cancellerebbe anche gli altri enti)"
            )
        if not database_is_empty() and not options["replace"]:
            raise CommandError(
                "il database contiene già dati: ripristina in un database vuoto "
                "oppure usa --replace per cancellarli prima"
            )
        try:
            # One transaction: if the archive cannot be loaded, the data in place stays.
            with transaction.atomic():
                if options["replace"]:
                    call_command("flush", interactive=False, verbosity=0)
                manifest = restore_backup(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Ripristinato {source} del {manifest['created']}: {rows} righe, "
                f"{len(manifest['media'])} file caricati."
            )
        )
