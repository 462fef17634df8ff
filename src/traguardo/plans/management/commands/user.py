"""`traguardo user add USERNAME --entity CODE --role ROLE [--unit UNIT] [--email E]`, and
`traguardo user add USERNAME --installation-admin --email E` (the `/installazione/` pages)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from traguardo.accounts.models import Role
from traguardo.plans.management.commands._common import add_entity_argument
from traguardo.plans.onboarding import OnboardingRefused, add_installation_admin, add_user


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
        parser.add_argument("--role", default="", help=f"ruolo: {', '.join(Role.values)}")
        parser.add_argument(
            "--unit",
            default="",
            help="codice dell'unità diretta (per segretario_generale, dirigente, po)",
        )
        parser.add_argument("--email", default="", help="indirizzo e-mail")
        parser.add_argument("--name", default="", help="nome e cognome")
        parser.add_argument(
            "--installation-admin",
            action="store_true",
            help="amministratore dell'installazione (pagine /installazione/): crea gli enti, "
            "il loro primo ciclo e i primi utenti; senza --entity e --role",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["installation_admin"]:
            self.installation_admin(options)
            return
        if not options["role"]:
            raise CommandError(
                f"indica il ruolo (--role: {', '.join(Role.values)}) oppure --installation-admin"
            )
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
        self.link(new.set_password_url)

    def installation_admin(self, options: dict[str, Any]) -> None:
        if options["entity"] or options["role"] or options["unit"]:
            raise CommandError(
                "--installation-admin non riguarda un ente: togli --entity, --role e --unit"
            )
        try:
            new = add_installation_admin(
                options["username"], email=options["email"], name=options["name"]
            )
        except OnboardingRefused as exc:
            raise CommandError(exc.message) from None
        what = "Creato l'utente" if new.created else "L'utente"
        self.stdout.write(
            self.style.SUCCESS(
                f"{what} «{new.user.get_username()}» è amministratore dell'installazione "
                "(pagine /installazione/)."
            )
        )
        self.link(new.set_password_url)

    def link(self, url: str) -> None:
        if url:
            self.stdout.write(
                f"Collegamento per scegliere la password (vale una sola volta):\n  {url}"
            )
