"""A cycle is always found by (administration, year): the one resolver every caller uses."""

from __future__ import annotations

from traguardo.organisation.lookup import EntityNotFound, get_entity
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle


class CycleNotFound(LookupError):
    """No such cycle, or no way to tell whose (the message says what to do)."""


def get_cycle(year: int, entity: str | Entity | None = None) -> Cycle:
    """The `year` cycle of the administration `entity` (a code or an Entity); with None,
    of the installation's only administration (otherwise CycleNotFound lists the codes)."""
    try:
        owner = get_entity(entity)
    except EntityNotFound as exc:
        raise CycleNotFound(str(exc)) from None
    cycle = Cycle.objects.select_related("entity").filter(entity=owner, year=year).first()
    if cycle is None:
        years = list(
            Cycle.objects.filter(entity=owner).order_by("year").values_list("year", flat=True)
        )
        have = f"ha i cicli {', '.join(str(y) for y in years)}" if years else "non ha ancora cicli"
        raise CycleNotFound(
            f"nessun ciclo {year} per l'ente «{owner.code}» ({have}): crealo con «traguardo "
            f"cycle add --entity {owner.code} --year {year} --plan PRIMO-ULTIMO»"
        )
    return cycle
