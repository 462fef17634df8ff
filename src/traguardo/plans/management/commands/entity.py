"""`traguardo entity add CODE --name NAME --kind KIND`; `traguardo entity list`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import OnboardingRefused, add_entity


class Command(BaseCommand):
    help = (
        "Crea un ente (add CODICE --name NOME --kind TIPO) o elenca gli enti con i loro "
        f"cicli (list). Tipi: {', '.join(Entity.Kind.values)}."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["add", "list"])
        parser.add_argument(
            "code", nargs="?", default="", help="codice breve e stabile dell'ente (es. tvbl)"
        )
        parser.add_argument("--name", default="", help="denominazione")
        parser.add_argument("--kind", default="", help=f"tipo: {', '.join(Entity.Kind.values)}")
        parser.add_argument("--short-name", default="", help="sigla")
        parser.add_argument("--website", default="", help="sito web")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            entities = list(Entity.objects.order_by("code"))
            if not entities:
                self.stdout.write("Nessun ente: crealo con «traguardo entity add».")
            for entity in entities:
                years = Cycle.objects.filter(entity=entity).order_by("year")
                listed = ", ".join(f"{c.year} ({c.get_state_display()})" for c in years)
                self.stdout.write(f"{entity.code:<20} {entity.name} — cicli: {listed or 'nessuno'}")
            return
        if not options["code"]:
            raise CommandError("indica il codice del nuovo ente: traguardo entity add CODICE …")
        try:
            entity = add_entity(
                options["code"],
                options["name"],
                options["kind"],
                short_name=options["short_name"],
                website=options["website"],
            )
        except OnboardingRefused as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(f"Creato l'ente «{entity.code}» ({entity.name}).")
            + f"\nPasso successivo: traguardo cycle add --entity {entity.code} --year ANNO "
            "--plan PRIMO-ULTIMO"
        )
