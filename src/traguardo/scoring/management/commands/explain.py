from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.plans.management.commands._common import add_entity_argument, cycle_of
from traguardo.scoring.services import score_cycle


class Command(BaseCommand):
    help = (
        "Spiega un numero: ENTE, B14 (indicatore dell'Allegato B), BLOCCO-10, un obiettivo (2.1/1), "
        "un indicatore (2.1/1#2), un'unità (2.1 o REI1), una scheda (SG, PO-0.1)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--year", type=int, default=2019)
        add_entity_argument(parser)
        parser.add_argument(
            "--depth", type=int, default=2, help="livelli di dettaglio (predefinito 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        score = score_cycle(cycle_of(options))
        try:
            explanation = score.explain(options["code"])
        except (KeyError, StopIteration, ValueError):
            raise CommandError(
                f"codice «{options['code']}» non trovato nel ciclo {options['year']} "
                "(esempi: ENTE, B14, BLOCCO-10, 2.1/1, 2.1/1#2, REI1, SG)"
            ) from None
        self.stdout.write(explanation.as_text(max_depth=options["depth"]))
