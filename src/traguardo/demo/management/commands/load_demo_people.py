from argparse import ArgumentParser
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.importer import DEMO_CODE
from traguardo.demo.people import load_people_demo
from traguardo.plans.lookup import CycleNotFound, get_cycle


class Command(BaseCommand):
    help = "Carica nel ciclo dimostrativo gli schemi delle schede, il fondo e l'anagrafica del personale (dati di esempio dove la Relazione non li riporta)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, default=2019)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cycle = get_cycle(options["year"], DEMO_CODE)
            load_people_demo(cycle)
        except CycleNotFound as exc:
            raise CommandError(str(exc)) from None
        except (OSError, KeyError, ValueError, yaml.YAMLError) as exc:
            raise CommandError(f"dati dimostrativi non validi: {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Caricati schemi delle schede, fondo e personale del ciclo {cycle.year}."
            )
        )
