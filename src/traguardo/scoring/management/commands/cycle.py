"""`traguardo cycle add --entity CODE --year YEAR --plan FIRST-LAST [--from YEAR]`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.audit.recorder import acting_as
from traguardo.monitoring.cycles import add_cycle
from traguardo.plans import states
from traguardo.plans.management.commands._common import add_entity_argument, entity_of, user_named
from traguardo.plans.models import Cycle
from traguardo.plans.onboarding import OnboardingRefused
from traguardo.scoring import lifecycle


class Command(BaseCommand):
    help = (
        "Crea il ciclo di un anno (in bozza, con i periodi 30.06 e 31.12): vuoto, oppure con "
        "--from ANNO riportando dal ciclo precedente albero, obiettivi, indicatori con i "
        "target del piano per il nuovo anno, pesi, blocchi e impostazioni SMVP. Con "
        "--dry-run mostra solo cosa verrebbe riportato e cosa manca."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["add"])
        add_entity_argument(parser)
        parser.add_argument("--year", type=int, required=True, help="anno del nuovo ciclo")
        parser.add_argument("--plan", required=True, help="anni del piano triennale, es. 2019-2021")
        parser.add_argument(
            "--from", dest="from_year", type=int, default=None, help="anno del ciclo da riportare"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="solo anteprima: non salva nulla"
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="se il ciclo c'è già non fa nulla (senza errore)",
        )
        parser.add_argument(
            "--open",
            action="store_true",
            help="porta il nuovo ciclo ad approvato e poi in monitoraggio (serve --user)",
        )
        parser.add_argument("--user", default="", help="utente che apre il ciclo (con --open)")
        parser.add_argument(
            "--override",
            action="store_true",
            help="con --open: apre il ciclo nonostante gli impedimenti (richiede --reason)",
        )
        parser.add_argument("--reason", default="", help="motivo della forzatura (con --override)")

    def handle(self, *args: Any, **options: Any) -> None:
        entity = entity_of(options)
        year = options["year"]
        existing = Cycle.objects.filter(entity=entity, year=year).first()
        if existing is not None and options["if_missing"]:
            self.stdout.write(
                f"L'ente «{entity.code}» ha già il ciclo {year} "
                f"({existing.get_state_display()}): nulla da fare."
            )
            return
        if options["open"] and not options["user"]:
            raise CommandError("con --open indica --user (l'ufficio performance)")
        if options["override"] and not options["reason"].strip():
            raise CommandError('--override richiede --reason "motivo della forzatura"')
        user = user_named(options["user"]) if options["user"] else None
        try:
            with acting_as(user):
                cycle, preview = add_cycle(
                    entity,
                    year,
                    options["plan"],
                    from_year=options["from_year"],
                    dry_run=options["dry_run"],
                )
        except OnboardingRefused as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(preview.as_text())
        if cycle is None:
            self.stdout.write("Anteprima: nulla è stato salvato (togli --dry-run per creare).")
            return
        self.stdout.write(self.style.SUCCESS(f"Creato il ciclo {year} (bozza)."))
        if options["open"]:
            try:
                with acting_as(user):
                    for target in (Cycle.State.APPROVED, Cycle.State.MONITORING):
                        lifecycle.change_state(
                            user,
                            cycle,
                            target,
                            "Apertura del nuovo ciclo",
                            override=options["override"],
                            reason=options["reason"],
                        )
            except states.TransitionRefused as exc:
                raise CommandError(
                    f"ciclo {year} creato ma non aperto: {exc.message}\n"
                    f"Quando è pronto: traguardo cycle-state approved --entity {entity.code} "
                    f"--year {year} --user {options['user']} (poi monitoring)"
                ) from None
            self.stdout.write(f"Il ciclo {year} è ora «{cycle.get_state_display()}».")
