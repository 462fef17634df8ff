"""One demo login per role for the 2019 demo cycle (printed by `make demo`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from traguardo.accounts.models import Membership, Role
from traguardo.organisation.models import Entity, Person

DEMO_PASSWORD = "traguardo-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    post_key: str  # the organisation.yaml post the user holds ("" for non-post roles)
    label: str


DEMO_USERS = (
    DemoUser("ufficio", Role.PERFORMANCE_OFFICE, "", "Struttura tecnica permanente"),
    DemoUser("segretario", Role.SEGRETARIO, "SG", "Segretario generale"),
    DemoUser("dirigente", Role.DIRIGENTE, "DIR-2", "Dirigente Area Servizi alle imprese"),
    DemoUser("po", Role.PO, "PO-2.1", "PO del settore 2.1"),
    DemoUser("po2", Role.PO, "PO-3.1", "PO del settore 3.1"),
    DemoUser("oiv", Role.OIV, "", "Organismo indipendente di valutazione"),
)


def person_for_post(entity: Entity, key: str) -> Person:
    """The demo importer names each person after their post: "<title> (<key>)"."""
    return Person.objects.get(entity=entity, display_name__endswith=f"({key})")


@transaction.atomic
def create_demo_users(entity: Entity) -> list[DemoUser]:
    """Create (or reset) the demo users and their roles; idempotent."""
    user_model = get_user_model()
    for demo in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(username=demo.username)
        user.set_password(DEMO_PASSWORD)
        user.first_name = demo.label
        user.save()
        Membership.objects.filter(user=user).delete()
        person = person_for_post(entity, demo.post_key) if demo.post_key else None
        Membership.objects.create(user=user, entity=entity, role=demo.role, person=person)
    return list(DEMO_USERS)
