"""`traguardo entity add` and `traguardo user add`: onboarding without the Django admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.world import World
from traguardo.accounts.models import Membership
from traguardo.audit.models import AuditEntry
from traguardo.organisation.models import Assignment, Entity

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_entity_add_checks_its_input_and_is_audited() -> None:
    out = run("entity", "add", "pd", "--name", "Comune di Padova", "--kind", "comune")
    assert "Creato l'ente «pd»" in out and "cycle add --entity pd" in out
    entity = Entity.objects.get(code="pd")
    assert entity.kind == "comune"
    entry = AuditEntry.objects.get(model_label="organisation.entity")
    assert entry.entity_id == entity.pk and entry.action == AuditEntry.Action.CREATE
    for args, message in (
        (["pd", "--name", "Altro", "--kind", "comune"], "«pd» è già usato"),
        (["vi", "--name", "Comune di Padova", "--kind", "comune"], "esiste già un ente"),
        (["vi", "--name", "Comune di Vicenza", "--kind", "paese"], "tipo di ente «paese»"),
        (["Vi!", "--name", "Comune di Vicenza", "--kind", "comune"], "codice «Vi!» non valido"),
        (["vi", "--kind", "comune"], "denominazione"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("entity", "add", *args)
    assert "pd " in run("entity", "list")


def test_user_add_gives_a_role_and_a_one_time_link(world: World) -> None:
    out = run("user", "add", "rossi", "--role", "ufficio_performance", "--email", "r@ente.it")
    assert "ruolo «Struttura tecnica permanente» nell'ente «tvbl»" in out
    link = out.strip().splitlines()[-1].strip()
    assert "/accesso/imposta-password/" in link
    user = get_user_model().objects.get(username="rossi")
    assert not user.has_usable_password() and user.email == "r@ente.it"
    path = link[link.index("/accesso/") :]
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Mare-Verde-Lampione-73", "new_password2": "Mare-Verde-Lampione-73"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mare-Verde-Lampione-73")
    assert "non è più valido" in client.get(path, follow=True).content.decode()


def test_user_add_for_a_post_links_the_head_of_the_unit(world: World) -> None:
    out = run("user", "add", "bianchi", "--role", "po", "--unit", "2.2", "--name", "Anna Bianchi")
    membership = Membership.objects.get(user__username="bianchi")
    assert membership.person is not None and membership.person.display_name == "Anna Bianchi"
    assert Assignment.objects.filter(person=membership.person, unit__code="2.2").exists()
    assert "persona «Anna Bianchi»" in out
    for args, message in (
        (["verdi", "--role", "capo"], "ruolo «capo» sconosciuto"),
        (["verdi", "--role", "po"], "indica l'unità"),
        (["verdi", "--role", "po", "--unit", "9.9"], r"unità «9.9» inesistente .* \(unità: 0, 1,"),
        (["verdi", "--role", "oiv", "--unit", "2.1"], "non riguarda un'unità"),
        (["verdi", "--role", "oiv", "--email", "non-mail"], "e-mail «non-mail» non valido"),
        (["bianchi", "--role", "po", "--unit", "2.2"], "ha già il ruolo"),
        (["verdi", "--role", "oiv", "--entity", "xx"], "nessun ente con codice «xx»"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("user", "add", *args)
    assert not get_user_model().objects.filter(username="verdi").exists()
