"""The onboarding pages in the header's menu, and the office's pages about the
administration of the URL's code (or the one chosen in the header)."""

from __future__ import annotations

import html
import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def menu(response: Any) -> list[str]:
    """The links of the main menu."""
    body = response.content.decode()
    block = body[body.index('data-testid="main-menu"') :]
    block = block[: block.index("</nav>")]  # the phases' dropdowns are lists of their own
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', block)]


def test_the_installation_administrator_sees_the_installation_page_in_the_menu(
    world: World,
) -> None:
    call_command(
        "user", "add", "gestore", "--installation-admin", "--email", "g@e.it", stdout=StringIO()
    )
    admin = f.signed_in(get_user_model().objects.get(username="gestore"))
    assert "/installazione/" in menu(admin.get("/"))
    # under an administration's code too, and never prefixed: it is the installation's
    under_code = menu(admin.get(f"/{world.entity.code}/risultati/"))
    assert "/installazione/" in under_code
    assert f"/{world.entity.code}/installazione/" not in under_code
    for username in ("ufficio", "po"):
        client = f.signed_in(get_user_model().objects.get(username=username))
        assert "/installazione/" not in menu(client.get("/cruscotto/"))


def test_the_office_sees_its_users_and_new_cycle_pages_in_the_menu(world: World) -> None:
    office = f.signed_in(get_user_model().objects.get(username="ufficio"))
    links = menu(office.get("/cruscotto/"))
    assert "/ente/utenti/" in links and "/ente/ciclo/" in links
    prefixed = menu(office.get(f"/{world.entity.code}/cruscotto/"))
    assert f"/{world.entity.code}/ente/utenti/" in prefixed
    po = f.signed_in(get_user_model().objects.get(username="po"))
    assert "/ente/utenti/" not in menu(po.get("/cruscotto/"))


def test_the_office_pages_are_about_the_administration_of_the_code(world: World) -> None:
    other = f.EntityFactory(code="altrove", name="Comune di Altrove")
    office = get_user_model().objects.get(username="ufficio")
    f.grant(office, Role.PERFORMANCE_OFFICE, other)
    f.user_with_role(Role.OIV, other, username="oiv_altrove")
    client = f.signed_in(office)
    mine = world.entity.code

    theirs = client.get("/altrove/ente/utenti/").content.decode()
    assert "oiv_altrove" in theirs and ">po<" not in theirs
    own = client.get(f"/{mine}/ente/utenti/").content.decode()
    assert ">po<" in own and "oiv_altrove" not in own
    # the links of earlier versions (?ente=) still work; a code that contradicts: 403
    assert "oiv_altrove" in client.get("/ente/utenti/?ente=altrove").content.decode()
    assert client.get(f"/{mine}/ente/utenti/?ente=altrove").status_code == 403
    # without a code: the administration chosen in the header
    client.post("/accesso/ente/", {"ente": "altrove"})
    assert "oiv_altrove" in client.get("/ente/utenti/").content.decode()

    invited = client.post(
        "/altrove/ente/utenti/",
        {"action": "invite", "username": "nuovo", "email": "n@e.it", "role": Role.OIV},
    )
    assert invited.status_code == 302 and invited["Location"] == "/altrove/ente/utenti/"
    assert Membership.objects.get(user__username="nuovo").entity == other

    # an empty administration: the users page says to create the first cycle, under its code
    page = client.get("/altrove/ente/utenti/").content.decode()
    assert 'href="/altrove/ente/ciclo/"' in page and "Crea il primo ciclo" in page
    created = client.post("/altrove/ente/ciclo/", {"year": "2027", "plan": "2027-2029"})
    assert created.status_code == 302 and created["Location"] == "/altrove/piano/"
    assert other.cycles.filter(year=2027).exists()
    assert Client().get("/altrove/ente/utenti/").status_code == 302  # to the sign-in page
