from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from traguardo.demo.importer import DEMO_CODE
from traguardo.demo.users import DEMO_PASSWORD, create_demo_users
from traguardo.organisation.models import Entity


class Command(BaseCommand):
    help = "Crea un utente dimostrativo per ruolo sul ciclo caricato con load-demo e ne stampa le credenziali."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Demo users share one published password: never on a production installation.
            raise CommandError(
                "«demo-users» crea utenti con una password nota a tutti: si esegue solo con "
                "TRAGUARDO_DEBUG=1 (installazione dimostrativa o di sviluppo)"
            )
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
