from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.users import DEMO_PASSWORD, create_demo_users
from traguardo.plans.models import Cycle


class Command(BaseCommand):
    help = "Crea un utente dimostrativo per ruolo sul ciclo caricato con load-demo e ne stampa le credenziali."

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = Cycle.objects.select_related("entity").order_by("-year").first()
        if cycle is None:
            raise CommandError("nessun ciclo nel database: esegui prima «traguardo load-demo»")
        users = create_demo_users(cycle.entity)
        self.stdout.write(f"Utenti dimostrativi (password per tutti: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.role.label} — {user.label}")
