"""What the commands share: `--entity CODE`, the cycle (administration, year) and the user
named on the command line. Every command app may import it (plans is below all of them)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from traguardo.organisation.lookup import EntityNotFound, get_entity
from traguardo.organisation.models import Entity
from traguardo.plans.lookup import CycleNotFound, get_cycle
from traguardo.plans.models import Cycle

ENTITY_HELP = (
    "codice dell'ente (es. tvbl); facoltativo se l'installazione ha un solo ente, "
    "altrimenti obbligatorio"
)


def add_entity_argument(parser: ArgumentParser, *, required: bool = False) -> None:
    """The `--entity CODE` option, the same on every command."""
    parser.add_argument(
        "--entity", default=None, metavar="CODICE", help=ENTITY_HELP, required=required
    )


def entity_of(options: dict[str, Any]) -> Entity:
    """The administration named by --entity, or the installation's only one."""
    try:
        return get_entity(options.get("entity"))
    except EntityNotFound as exc:
        raise CommandError(str(exc)) from None


def cycle_of_year(year: int, entity: str | Entity | None) -> Cycle:
    try:
        return get_cycle(year, entity)
    except CycleNotFound as exc:
        raise CommandError(str(exc)) from None


def cycle_of(options: dict[str, Any]) -> Cycle:
    """The cycle of --year of the administration of --entity."""
    return cycle_of_year(options["year"], options.get("entity"))


def user_named(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"utente «{username}» inesistente")
    return user
