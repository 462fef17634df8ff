"""What the plan's commands share: the cycle and the user named on the command line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from traguardo.plans.models import Cycle


def cycle_of_year(year: int, entity: int | None) -> Cycle:
    cycles = Cycle.objects.filter(year=year)
    if entity is not None:
        cycles = cycles.filter(entity_id=entity)
    found = list(cycles[:2])
    if not found:
        raise CommandError(f"nessun ciclo {year} nel database")
    if len(found) > 1:
        raise CommandError(
            f"più enti hanno un ciclo {year}: indica --entity con il numero dell'ente"
        )
    return found[0]


def user_named(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"utente «{username}» inesistente")
    return user
