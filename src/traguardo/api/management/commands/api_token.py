"""Print a user's API token (creating it if needed): `python manage.py api_token po`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from traguardo.plans.management.commands._common import add_entity_argument, entity_of


class Command(BaseCommand):
    help = "Stampa il token API dell'utente (lo crea se manca); --reset ne crea uno nuovo."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="Nome utente.")
        parser.add_argument(
            "--reset", action="store_true", help="Revoca il token attuale e ne crea uno nuovo."
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
        if options["reset"]:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
