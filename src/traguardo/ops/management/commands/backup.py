from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.ops.backup import BackupError, write_backup
from traguardo.organisation.lookup import EntityNotFound, get_entity


class Command(BaseCommand):
    help = "Salva database e file caricati in un archivio zip portabile (JSON + media)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="file .zip da scrivere")
        parser.add_argument(
            "--entity",
            default=None,
            metavar="CODICE",
            help="solo questo ente (es. tvbl); senza, l'intera installazione (tutti gli enti)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        # Without --entity: the whole installation, whatever the number of administrations
        # (the provider's nightly backup); with it, one administration (docs/deploy.md).
        entity = None
        if options["entity"]:
            try:
                entity = get_entity(options["entity"])
            except EntityNotFound as exc:
                raise CommandError(str(exc)) from None
        try:
            manifest = write_backup(out, entity)
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup non riuscito: {exc}") from None
        rows = sum(manifest["rows"].values())
        whose = f"dell'ente {entity.code} " if entity else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {whose}scritto in {out}: {rows} righe di {len(manifest['rows'])} tabelle, "
                f"{len(manifest['media'])} file caricati."
            )
        )
