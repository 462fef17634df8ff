"""Issue a new API token for a user and print it: `python manage.py api_token po`.

Tokens are kept hashed: an existing one cannot be shown again, so the command always issues a
new one, which replaces (revokes) the old.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from traguardo.api import tokens
from traguardo.plans.management.commands._common import add_entity_argument, entity_of


class Command(BaseCommand):
    help = "Crea un nuovo token API per l'utente e lo stampa; quello precedente smette di valere."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="Nome utente.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="(come senza: ogni esecuzione sostituisce il token precedente)",
        )
        parser.add_argument(
            "--revoke", action="store_true", help="Revoca il token senza crearne uno nuovo."
        )
        add_entity_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["username"]})
        except user_model.DoesNotExist:
            raise CommandError(f"Nessun utente «{options['username']}».") from None
        # The token is the user's; the command checks that the user works for the
        # administration named (or the only one), so a token is never handed out blindly.
        entity = entity_of(options)
        if not user.is_superuser and not user.memberships.filter(entity=entity).exists():
            raise CommandError(
                f"l'utente «{options['username']}» non ha ruoli nell'ente «{entity.code}»"
            )
        if options["revoke"]:
            tokens.revoke(user)
            self.stdout.write(f"Token di «{user.get_username()}» revocato.")
            return
        key, _row = tokens.issue(user)
        self.stdout.write(key)
