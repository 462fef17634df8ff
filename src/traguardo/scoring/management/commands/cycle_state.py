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
        "published; closed -> monitoring per una correzione, con --note), come la pagina "
        "Stato del ciclo: stesso ruolo richiesto, stesso storico. Se qualcosa blocca il "
        'passaggio lo elenca ed esce con errore; --override --reason "..." lo forza.'
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("target", choices=Cycle.State.values)
        parser.add_argument("--year", type=int, required=True)
        add_entity_argument(parser)
        parser.add_argument("--user", required=True)
        parser.add_argument("--note", default="", help="nota; per tornare indietro, il motivo")
        parser.add_argument(
            "--override",
            action="store_true",
            help="forza il passaggio nonostante gli impedimenti (richiede --reason)",
        )
        parser.add_argument("--reason", default="", help="motivo della forzatura")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        user = user_named(options["user"])
        if options["override"] and not options["reason"].strip():
            raise CommandError('--override richiede --reason "motivo della forzatura".')
        try:
            with acting_as(user):
                record = lifecycle.change_state(
                    user,
                    cycle,
                    options["target"],
                    options["note"],
                    override=options["override"],
                    reason=options["reason"],
                )
        except states.TransitionBlocked as exc:
            self.stderr.write(exc.message)
            raise CommandError(
                "Passaggio non eseguito: risolvi gli impedimenti oppure usa "
                '--override --reason "...".'
            ) from None
        except states.TransitionRefused as exc:
            raise CommandError(exc.message) from None
        if record.blockers:
            self.stdout.write(
                f"Passaggio forzato nonostante {len(record.blockers)} impedimenti; "
                f"motivo registrato: {record.override_reason}"
            )
        self.stdout.write(f"Il ciclo {cycle.year} è ora nello stato «{cycle.get_state_display()}».")
