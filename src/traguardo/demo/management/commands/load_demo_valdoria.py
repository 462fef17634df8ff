from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.users import DEMO_PASSWORD
from traguardo.demo.valdoria import CODE, PRESET, USERS, ValdoriaError, load_valdoria


class Command(BaseCommand):
    help = (
        "Carica la seconda amministrazione dimostrativa, il Comune di Valdoria (ENTE FITTIZIO, "
        "codice «vald»): ciclo 2025 con SMVP «medie-semplici», piano e valori importati dai "
        "modelli di src/traguardo/demo/data/valdoria/. Se c'è già non tocca i dati; con "
        "TRAGUARDO_DEBUG=1 dà ai suoi utenti la password dimostrativa."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo users share one published password: only on a demo installation.
        passwords = bool(settings.DEBUG)
        try:
            cycle, created = load_valdoria(passwords=passwords)
        except ValdoriaError as exc:
            raise CommandError(f"Valdoria non caricato: {exc}") from None
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Caricato {cycle.entity.name} («{CODE}»): ciclo {cycle.year} "
                    f"«{cycle.get_state_display()}», SMVP «{PRESET}»."
                )
            )
        else:
            self.stdout.write(
                f"L'ente «{CODE}» ha già il ciclo {cycle.year}: dati lasciati come sono."
            )
        if passwords:
            self.stdout.write(f"Utenti di Valdoria (password per tutti: {DEMO_PASSWORD}):")
        else:
            self.stdout.write(
                "Utenti di Valdoria senza password (la password dimostrativa solo con "
                "TRAGUARDO_DEBUG=1; altrimenti: traguardo user add … per il link):"
            )
        for user in USERS:
            self.stdout.write(f"  {user.username:<15} {user.role.label} — {user.label}")
