from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.audit.recorder import acting_as
from traguardo.plans import revisions
from traguardo.plans.editing import EditRefused
from traguardo.plans.management.commands._common import (
    add_entity_argument,
    cycle_of,
    user_named,
)


class Command(BaseCommand):
    help = (
        "Apre o chiude una revisione del Piano approvato, come la pagina Revisioni "
        "(stessi controlli, stesso storico delle modifiche)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["open", "close"])
        parser.add_argument("--year", type=int, required=True)
        add_entity_argument(parser)
        parser.add_argument("--user", required=True, help="utente dell'ufficio performance")
        parser.add_argument("--reason", default="", help="motivazione (per aprire)")
        parser.add_argument("--act-body", default="")
        parser.add_argument("--act-type", default="")
        parser.add_argument("--act-number", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = cycle_of(options)
        user = user_named(options["user"])
        try:
            with acting_as(user):
                if options["action"] == "open":
                    if not options["reason"].strip():
                        raise CommandError("per aprire una revisione indica --reason")
                    revision = revisions.open_revision(
                        user,
                        cycle,
                        reason=options["reason"],
                        act_body=options["act_body"],
                        act_type=options["act_type"],
                        act_number=options["act_number"],
                    )
                    self.stdout.write(f"Revisione n. {revision.number} aperta.")
                else:
                    revision = revisions.close_revision(user, cycle)
                    self.stdout.write(
                        f"Revisione n. {revision.number} chiusa con "
                        f"{revision.variations_count} variazioni."
                    )
        except EditRefused as exc:
            raise CommandError(exc.message) from None
