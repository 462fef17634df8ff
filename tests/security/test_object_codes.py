"""Every URL that names an object by id is tied to the object's administration
(traguardo/project/object_entities.py): under another administration's code it is a 404.

The walk of tests/security/test_isolation.py proves the 404s for every role of a second
administration; here, that no URL with an id escapes the table, and the answers to a
member of both administrations and to an unknown id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import Role
from traguardo.project.object_entities import HISTORY, OBJECT_URLS, SCOPED_BY_VIEW


def routes() -> Iterator[tuple[str, str]]:
    """(URL name with namespace, the pattern's own route) of every named URL."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, str(pattern.pattern)

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_with_an_id_is_tied_to_an_administration() -> None:
    with_id = {name for name, route in routes() if "<int:pk>" in route}
    with_id = {n for n in with_id if not n.startswith("admin:")}
    known = set(OBJECT_URLS) | SCOPED_BY_VIEW | {HISTORY}
    assert sorted(with_id - known) == [], "add them to project/object_entities.py"
    assert sorted(set(OBJECT_URLS) - with_id) == [], "entries for URLs without an id"


def test_an_object_under_another_code_is_a_404_or_its_own_code(world: World) -> None:
    other = f.EntityFactory(name="Comune di Altrove", short_name="CA")
    card = world.cycle.report_cards.get(key="PO-2.1")
    url = reverse("individual:card", args=[card.pk])
    mine, theirs = world.entity.code, other.code
    # the office of both: sent to the card's own code (a GET only)
    both = f.user_with_role(Role.PERFORMANCE_OFFICE, world.entity, username="entrambi")
    f.grant(both, Role.PERFORMANCE_OFFICE, other)
    client = Client()
    client.force_login(both)
    moved = client.get(f"/{theirs}{url}")
    assert (moved.status_code, moved["Location"]) == (302, f"/{mine}{url}")
    assert client.get(f"/{mine}{url}").status_code == 200
    assert client.post(f"/{theirs}{url}", {"step": "assign"}).status_code == 404
    # a member of the other administration only: 404, as for a missing card
    stranger = f.user_with_role(Role.PERFORMANCE_OFFICE, other, username="altrove")
    client.force_login(stranger)
    assert client.get(f"/{theirs}{url}").status_code == 404
    missing = reverse("individual:card", args=[card.pk + 10_000])
    assert client.get(f"/{theirs}{missing}").status_code == 404
