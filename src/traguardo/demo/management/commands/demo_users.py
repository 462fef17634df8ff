from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.users import DEMO_PASSWORD, create_demo_users
from traguardo.plans.models import Cycle


class Command(BaseCommand):
    help = "Crea un utente dimostrativo per ruolo sul ciclo caricato con load-demo e ne stampa le credenziali."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Demo users share one published password: never on a production installation.
            raise CommandError(
                "«demo-users» crea utenti con una password nota a tutti: si esegue solo con "
                "TRAGUARDO_DEBUG=1 (installazione dimostrativa o di sviluppo)"
            )
        cycle = Cycle.objects.select_related("entity").order_by("-year").first()
        if cycle is None:
            raise CommandError("nessun ciclo nel database: esegui prima «traguardo load-demo»")
        users = create_demo_users(cycle.entity)
        self.stdout.write(f"Utenti dimostrativi (password per tutti: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.role.label} — {user.label}")
