"""`traguardo user add USERNAME --entity CODE --role ROLE [--unit UNIT] [--email E]`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from traguardo.accounts.models import Role
from traguardo.plans.management.commands._common import add_entity_argument
from traguardo.plans.onboarding import OnboardingRefused, add_user


class Command(BaseCommand):
    help = (
        "Crea un utente con un ruolo in un ente (o aggiunge il ruolo a un utente esistente) "
        "e stampa il collegamento, valido una volta, per scegliere la password. "
        f"Ruoli: {', '.join(Role.values)}."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["add"])
        parser.add_argument("username", help="nome utente")
        add_entity_argument(parser)
        parser.add_argument("--role", required=True, help=f"ruolo: {', '.join(Role.values)}")
        parser.add_argument(
            "--unit",
            default="",
            help="codice dell'unità diretta (per segretario_generale, dirigente, po)",
        )
        parser.add_argument("--email", default="", help="indirizzo e-mail")
        parser.add_argument("--name", default="", help="nome e cognome")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            new = add_user(
                options["username"],
                options["entity"],
                options["role"],
                unit=options["unit"],
                email=options["email"],
                name=options["name"],
            )
        except OnboardingRefused as exc:
            raise CommandError(exc.message) from None
        membership = new.membership
        what = "Creato l'utente" if new.created else "All'utente"
        self.stdout.write(
            self.style.SUCCESS(
                f"{what} «{new.user.get_username()}»: ruolo «{membership.get_role_display()}» "
                f"nell'ente «{membership.entity.code}»"
                + (f", persona «{membership.person}»" if membership.person else "")
                + "."
            )
        )
        if new.set_password_path:
            base = settings.TRAGUARDO_SITE_URL.rstrip("/")
            self.stdout.write(
                "Collegamento per scegliere la password (vale una sola volta):\n"
                f"  {base}{new.set_password_path}"
            )
