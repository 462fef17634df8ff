from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.importer import DEMO_CODE
from traguardo.demo.users import DEMO_PASSWORD, create_demo_users
from traguardo.organisation.models import Entity


class Command(BaseCommand):
    help = "Crea un utente dimostrativo per ruolo sul ciclo caricato con load-demo e ne stampa le credenziali."

    def handle(self, *args: Any, **options: Any) -> None:
        entity = Entity.objects.filter(code=DEMO_CODE).first()
        if entity is None:
            raise CommandError(
                f"nessun ente dimostrativo «{DEMO_CODE}» nel database: esegui prima "
                "«traguardo load-demo»"
            )
        users = create_demo_users(entity)
        self.stdout.write(f"Utenti dimostrativi (password per tutti: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.role.label} — {user.label}")
