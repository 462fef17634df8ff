from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.audit.recorder import acting_as
from traguardo.plans import states
from traguardo.plans.management.commands._common import (
    add_entity_argument,
    cycle_of,
    user_named,
)
from traguardo.plans.models import Cycle
from traguardo.scoring import lifecycle


class Command(BaseCommand):
    help = (
        "Porta il ciclo in un nuovo stato (approved, monitoring, closed, validated, "
        "published), come la pagina Stati del ciclo: stesso ruolo richiesto, stesso storico."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("target", choices=Cycle.State.values)
        parser.add_argument("--year", type=int, required=True)
        add_entity_argument(parser)
        parser.add_argument("--user", required=True)
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        user = user_named(options["user"])
        try:
            with acting_as(user):
                lifecycle.change_state(user, cycle, options["target"], options["note"])
        except states.TransitionRefused as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Il ciclo {cycle.year} è ora nello stato «{cycle.get_state_display()}».")
