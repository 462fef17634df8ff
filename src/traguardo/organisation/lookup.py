"""Find an administration by its code; with none named, the installation's only one."""

from __future__ import annotations

from traguardo.organisation.models import Entity


class EntityNotFound(LookupError):
    """No administration with the code given (the message lists the codes there are)."""


class EntityRequired(EntityNotFound):
    """No code given, and the installation does not have exactly one administration."""


def known_codes() -> list[str]:
    return list(Entity.objects.order_by("code").values_list("code", flat=True))


def _listed(codes: list[str]) -> str:
    return ", ".join(codes) if codes else "nessuno"


def get_entity(code: str | Entity | None = None) -> Entity:
    """The administration named by `code`; with None, the only one of the installation.

    Raises EntityNotFound (unknown code) or EntityRequired (no code and zero or several
    administrations), with a message that lists the codes."""
    if isinstance(code, Entity):
        return code
    if code:
        found = Entity.objects.filter(code=code.strip().lower()).first()
        if found is None:
            raise EntityNotFound(
                f"nessun ente con codice «{code}» (codici: {_listed(known_codes())})"
            )
        return found
    entities = list(Entity.objects.order_by("code")[:2])
    if len(entities) == 1:
        return entities[0]
    if not entities:
        raise EntityRequired(
            "nessun ente nel database: crealo con «traguardo entity add CODICE --name NOME "
            "--kind TIPO» (o carica la demo con «traguardo load-demo»)"
        )
    raise EntityRequired(
        f"ci sono più enti: indica quale con --entity CODICE (codici: {_listed(known_codes())})"
    )
