"""Write the API's OpenAPI schema to docs/openapi.yaml, or --check that it is up to date."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.api.schema import SCHEMA_FILE, render_schema


class Command(BaseCommand):
    help = "Scrive lo schema OpenAPI in docs/openapi.yaml (--check: verifica che sia aggiornato)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Non scrive: esce con errore se il file differisce.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rendered = render_schema()
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
        if options["check"]:
            if current != rendered:
                raise CommandError(
                    f"{SCHEMA_FILE} non corrisponde al codice: rigeneralo con "
                    "«python manage.py api_schema»."
                )
            self.stdout.write(f"{SCHEMA_FILE}: aggiornato.")
            return
        SCHEMA_FILE.write_text(rendered, encoding="utf-8")
        self.stdout.write(f"Scritto {SCHEMA_FILE}.")
