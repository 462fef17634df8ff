"""Links built without a request (e-mails, a command's output) are absolute, from
TRAGUARDO_SITE_URL, and carry the administration's code when the installation holds more
than one (`accounts.current.absolute_url`)."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client

from tests import factories as f
from tests.world import World
from traguardo.accounts import current
from traguardo.accounts.models import Role

pytestmark = pytest.mark.django_db

SITE = "https://performance.esempio.it/traguardo/"
LINK = re.compile(r"https://\S+/accesso/imposta-password/\S+/")


def test_one_administration_links_without_a_code(settings: Any) -> None:
    settings.TRAGUARDO_SITE_URL = SITE
    entity = f.EntityFactory(code="pd", name="Comune di Padova")
    url = current.absolute_url("monitoring:todo", entity)
    assert url == "https://performance.esempio.it/traguardo/monitoraggio/"


def test_several_administrations_link_under_the_code(settings: Any) -> None:
    settings.TRAGUARDO_SITE_URL = SITE
    entity = f.EntityFactory(code="pd", name="Comune di Padova")
    f.EntityFactory(code="vr", name="Comune di Verona")
    assert current.absolute_url("monitoring:todo", entity) == f"{SITE}pd/monitoraggio/"
    # an installation-level link (no administration) has none
    assert current.absolute_url("web:home") == SITE


def _invite(office: Client, username: str, url: str = "/ente/utenti/") -> str:
    response = office.post(
        url, {"action": "invite", "username": username, "email": f"{username}@e.it", "role": "oiv"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    found = LINK.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(0)


def test_the_invitation_link_carries_the_code_and_works(world: World, settings: Any) -> None:
    settings.TRAGUARDO_SITE_URL = "https://performance.esempio.it"
    office = f.signed_in(get_user_model().objects.get(username="ufficio"))
    code = world.entity.code
    alone = _invite(office, "primo")
    assert alone.startswith("https://performance.esempio.it/accesso/imposta-password/")

    f.EntityFactory(code="altro", name="Altro ente")
    # from a page without code, and from one under the code: the same kind of link
    for username, page in (("secondo", "/ente/utenti/"), ("terzo", f"/{code}/ente/utenti/")):
        link = _invite(office, username, page)
        prefix = f"https://performance.esempio.it/{code}/accesso/imposta-password/"
        assert link.startswith(prefix), link
        path = link.removeprefix("https://performance.esempio.it")
        form = Client().get(path, follow=True)
        assert form.status_code == 200 and "password" in form.content.decode().lower()


def test_the_command_prints_the_link_under_the_code(settings: Any) -> None:
    settings.TRAGUARDO_SITE_URL = "https://performance.esempio.it/"
    f.EntityFactory(code="pd", name="Comune di Padova")
    f.EntityFactory(code="vr", name="Comune di Verona")
    out = StringIO()
    call_command(
        "user",
        "add",
        "rossi",
        "--entity",
        "vr",
        "--role",
        Role.OIV,
        "--email",
        "r@e.it",
        stdout=out,
    )
    assert "https://performance.esempio.it/vr/accesso/imposta-password/" in out.getvalue()
    out = StringIO()
    call_command("user", "add", "gestore", "--installation-admin", "--email", "g@e.it", stdout=out)
    assert "https://performance.esempio.it/accesso/imposta-password/" in out.getvalue()
