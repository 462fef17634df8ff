from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.fixture import FixtureError, load_cycle
from traguardo.demo.importer import DEMO_CODE, import_cycle
from traguardo.demo.people import load_people_demo
from traguardo.demo.relazione import ensure_content
from traguardo.plans.models import Cycle
from traguardo.scoring.lifecycle import ensure_snapshot


class Command(BaseCommand):
    help = (
        "Carica il ciclo dimostrativo 2019 della CCIAA di Treviso-Belluno (ente «tvbl»). "
        "Si può eseguire più volte: sostituisce tutti i dati dell'ente dimostrativo (anche "
        "i cicli successivi), lascia intatti gli altri enti; gli utenti tengono i loro ruoli."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--year", type=int, default=2019)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo = load_cycle(options["year"])
        except FixtureError as exc:
            raise CommandError(
                "dati del ciclo non validi:\n" + "\n".join(f"  - {p}" for p in exc.problems)
            ) from None
        before = list(
            Cycle.objects.filter(entity__code=DEMO_CODE)
            .order_by("year")
            .values_list("year", flat=True)
        )
        cycle = import_cycle(demo)
        # Report-card schemes, fund and staff registry (examples where the seed is silent),
        # and the Relazione's narratives, headline indicators and staff figures.
        load_people_demo(cycle)
        ensure_content(cycle)
        # The demo cycle is loaded closed: its scores are stored as a closing would.
        ensure_snapshot(cycle, "Ciclo dimostrativo caricato chiuso")
        if before:
            self.stdout.write(
                f"Sostituiti i dati dell'ente «{DEMO_CODE}» (cicli presenti prima: "
                f"{', '.join(str(y) for y in before)})."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Caricato il ciclo {cycle.year} di {cycle.entity}: {len(demo.objectives)} obiettivi operativi, "
                f"{len(demo.blocks)} blocchi dell'Allegato B, {len(demo.units)} unità, {len(demo.cards)} schede."
            )
        )
