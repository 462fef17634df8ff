from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.ops.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Salva database e file caricati in un archivio zip portabile (JSON + media)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="file .zip da scrivere")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        try:
            manifest = write_backup(out)
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup non riuscito: {exc}") from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup scritto in {out}: {rows} righe di {len(manifest['rows'])} tabelle, "
                f"{len(manifest['media'])} file caricati."
            )
        )
