from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.ops.screenshots import SHOTS, take


class Command(BaseCommand):
    help = (
        "Fotografa le pagine principali (PNG) con il ciclo dimostrativo, entrando come gli "
        "utenti demo; le pagine che non rispondono 200 sono saltate."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
        parser.add_argument(
            "--only", nargs="*", choices=[s.name for s in SHOTS], help="solo queste pagine"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            saved = take(options["out"], self.stdout.write, set(options["only"] or []) or None)
        except (RuntimeError, OSError) as exc:
            raise CommandError(f"screenshot non riusciti: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"{len(saved)} immagini in {options['out']}"))
