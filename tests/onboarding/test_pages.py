"""The onboarding pages (issue 13 point 3): an installation administrator takes an empty
installation to an administration with a cycle and an invited office; the office invites
in its own administration only."""

from __future__ import annotations

import html
import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.world import World
from traguardo.accounts.models import InstallationAdmin, Membership, Role
from traguardo.audit.models import AuditEntry
from traguardo.monitoring.models import Period
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mare-Verde-Lampione-73"


def installation_admin(username: str = "gestore") -> Client:
    out = StringIO()
    call_command(
        "user", "add", username, "--installation-admin", "--email", "g@esempio.it", stdout=out
    )
    assert "amministratore dell'installazione" in out.getvalue()
    user = get_user_model().objects.get(username=username)
    assert not user.is_superuser and not user.is_staff
    return f.signed_in(user)


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+(/accesso/imposta-password/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def test_installation_admin_takes_an_empty_installation_to_an_invited_office() -> None:
    client = installation_admin()
    empty = client.get(reverse("onboarding:installation"))
    assert empty.status_code == 200
    assert "Crea la prima amministrazione" in text(empty)

    created = client.post(
        reverse("onboarding:entity_new"),
        {"code": "comune-abc", "name": "Comune di Abc", "kind": "comune"},
    )
    assert created.status_code == 302
    assert created["Location"] == reverse("onboarding:cycle_new", args=["comune-abc"])
    entity = Entity.objects.get(code="comune-abc")

    cycle_page = client.get(created["Location"])
    assert "L'ente non ha ancora un ciclo" in text(cycle_page)
    wrong = client.post(created["Location"], {"year": "2026", "plan": "2027-2029"})
    assert wrong.status_code == 400 and "fuori dal piano" in text(wrong)
    done = client.post(created["Location"], {"year": "2026", "plan": "2026-2028"})
    assert done.status_code == 302
    cycle = Cycle.objects.get(entity=entity, year=2026)
    assert Period.objects.filter(cycle=cycle).count() == 2

    users_url = reverse("onboarding:users", args=["comune-abc"])
    invited = client.post(
        users_url,
        {
            "action": "invite",
            "username": "verdi",
            "email": "verdi@abc.it",
            "name": "Lucia Verdi",
            "role": Role.PERFORMANCE_OFFICE,
        },
    )
    assert invited.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["verdi@abc.it"]
    assert "Comune di Abc" in mail.outbox[0].subject
    listing = text(client.get(reverse("onboarding:installation")))
    assert "comune-abc" in listing and "Comune di Abc" in listing
    # the user, the role and the grant are in the audit trail, written by the administrator
    entries = AuditEntry.objects.filter(entity_id=entity.pk, username="gestore")
    labels = set(entries.values_list("model_label", flat=True))
    assert {"organisation.entity", "bulk", "accounts.membership"} <= labels
    assert entries.get(model_label="bulk").cycle_id == cycle.pk

    # the invited user follows the link, chooses a password, signs in with the role
    guest = Client()
    path = link_in(mail.outbox[0])
    form_page = guest.get(path, follow=True)
    assert "new_password1" in text(form_page)
    saved = guest.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert saved.status_code == 302
    signed = Client()
    assert signed.login(username="verdi", password=NEW_PASSWORD)
    office_page = signed.get(reverse("onboarding:office_users"))
    assert office_page.status_code == 200 and "verdi@abc.it" in text(office_page)
    editor = signed.get(reverse("plans:editor"))
    assert editor.status_code == 200


def test_bad_input_on_the_installation_pages_says_what_and_where() -> None:
    client = installation_admin()
    f.EntityFactory(code="esiste", name="Ente che esiste")
    taken = client.post(
        reverse("onboarding:entity_new"),
        {"code": "esiste", "name": "Altro nome", "kind": "comune"},
    )
    assert taken.status_code == 400 and "«esiste» è già usato" in text(taken)
    post_role = client.post(
        reverse("onboarding:users", args=["esiste"]),
        {"action": "invite", "username": "neri", "email": "n@e.it", "role": Role.DIRIGENTE},
    )
    assert post_role.status_code == 400
    assert "indica l'unità che la persona dirige" in text(post_role)
    assert not Membership.objects.filter(user__username="neri").exists()
    assert mail.outbox == []


def test_the_office_invites_and_removes_roles_in_its_own_administration_only(
    world: World,
) -> None:
    office = f.signed_in(get_user_model().objects.get(username="ufficio"))
    url = reverse("onboarding:office_users")
    page = office.get(url)
    assert page.status_code == 200 and "Togli il ruolo" in text(page)
    invited = office.post(
        url, {"action": "invite", "username": "oiv2", "email": "oiv2@e.it", "role": Role.OIV}
    )
    assert invited.status_code == 302 and mail.outbox[0].to == ["oiv2@e.it"]
    membership = Membership.objects.get(user__username="oiv2")
    assert membership.entity_id == world.cycle.entity_id

    # an existing user gets the role, no e-mail (they already have a password)
    office.post(url, {"action": "invite", "username": "po", "email": "po@e.it", "role": "oiv"})
    assert Membership.objects.filter(user__username="po", role="oiv").exists()
    assert len(mail.outbox) == 1

    removed = office.post(url, {"action": "remove", "membership": membership.pk})
    assert removed.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(
        model_label="accounts.membership", object_pk=str(membership.pk), action="delete"
    ).exists()

    # the last performance office stays
    own = Membership.objects.get(user__username="ufficio", role=Role.PERFORMANCE_OFFICE)
    office.post(url, {"action": "remove", "membership": own.pk})
    assert Membership.objects.filter(pk=own.pk).exists()

    # another administration: 403 on its page, 404 on its roles, nothing written
    other = f.EntityFactory(code="altro", name="Altro ente", short_name="AE")
    stranger = f.user_with_role(Role.PERFORMANCE_OFFICE, other, username="altro")
    theirs = Membership.objects.get(user=stranger)
    assert office.get(url + "?ente=altro").status_code == 403
    forbidden = office.post(
        url + "?ente=altro",
        {"action": "invite", "username": "x1", "email": "x1@e.it", "role": "oiv"},
    )
    assert forbidden.status_code == 403
    assert office.post(url, {"action": "remove", "membership": theirs.pk}).status_code == 404
    assert office.post(url, {"action": "remove", "membership": "x"}).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()
    assert not get_user_model().objects.filter(username="x1").exists()


def test_only_installation_administrators_open_the_installation_pages(world: World) -> None:
    url = reverse("onboarding:installation")
    for username in ("ufficio", "oiv", "po"):
        client = f.signed_in(get_user_model().objects.get(username=username))
        assert client.get(url).status_code == 403, username
        assert client.post(reverse("onboarding:entity_new"), {}).status_code == 403
    assert reverse("accounts:login") in Client().get(url)["Location"]
    assert not Entity.objects.exclude(pk=world.cycle.entity_id).exists()


def test_empty_pages_say_what_to_do_next() -> None:
    home = text(Client().get(reverse("web:home")))
    assert "--installation-admin" in home
    admin_home = text(installation_admin().get(reverse("web:home")))
    assert reverse("onboarding:installation") in admin_home

    entity = f.EntityFactory(code="vuoto", name="Ente senza ciclo")
    office = f.signed_in(f.user_with_role(Role.PERFORMANCE_OFFICE, entity, username="stp"))
    dashboard = text(office.get(reverse("web:dashboard")))
    assert reverse("onboarding:office_cycle_new") in dashboard
    users = text(office.get(reverse("onboarding:office_users")))
    assert "Crea il primo ciclo" in users
    created = office.post(
        reverse("onboarding:office_cycle_new"), {"year": "2027", "plan": "2027-2029"}
    )
    assert created.status_code == 302
    assert Cycle.objects.filter(entity=entity, year=2027).exists()


def test_user_add_installation_admin_command() -> None:
    installation_admin("primo")
    assert InstallationAdmin.objects.filter(user__username="primo").exists()
    entry = AuditEntry.objects.get(model_label="accounts.installationadmin")
    assert "primo" in entry.note
    for args, message in (
        (["primo", "--installation-admin"], "è già amministratore"),
        (["nuovo", "--installation-admin"], "indica l'indirizzo e-mail"),
        (["nuovo", "--installation-admin", "--email", "x@e.it", "--role", "oiv"], "togli"),
        (["nuovo", "--email", "x@e.it"], "indica il ruolo"),
    ):
        with pytest.raises(CommandError, match=message):
            call_command("user", "add", *args)


def test_the_onboarding_pages_speak_english_too() -> None:
    client = installation_admin()
    client.cookies.load({"django_language": "en"})
    page = text(client.get(reverse("onboarding:installation")))
    assert "Create the first administration" in page and "Crea la prima" not in page
    f.EntityFactory(code="ente-en", name="Ente inglese")
    users = text(client.get(reverse("onboarding:users", args=["ente-en"])))
    assert "Invite a user or give a role" in users
    client.post(
        reverse("onboarding:users", args=["ente-en"]),
        {"action": "invite", "username": "smith", "email": "s@e.it", "role": Role.OIV},
    )
    assert "choose your password" in mail.outbox[0].body.lower()


def test_an_installation_administrator_signs_in_to_the_installation_pages() -> None:
    installation_admin("gestore")
    user = get_user_model().objects.get(username="gestore")
    user.set_password(NEW_PASSWORD)
    user.save()
    client = Client()
    signed = client.post(
        reverse("accounts:login"), {"username": "gestore", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 302
    assert signed["Location"] == reverse("onboarding:installation")


def test_a_mail_server_down_shows_the_link_instead_of_an_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("traguardo.onboarding.views.send_mail", refuse)
    office = f.signed_in(get_user_model().objects.get(username="ufficio"))
    url = reverse("onboarding:office_users")
    sent = office.post(
        url,
        {"action": "invite", "username": "gialli", "email": "g@e.it", "role": Role.OIV},
        follow=True,
    )
    page = text(sent)
    assert sent.status_code == 200 and "non è partita (ConnectionRefusedError)" in page
    assert "/accesso/imposta-password/" in page
    assert Membership.objects.filter(user__username="gialli", role=Role.OIV).exists()


def test_an_installation_administrator_is_not_an_office() -> None:
    client = installation_admin()
    assert client.get(reverse("onboarding:office_users")).status_code == 403
    assert client.get(reverse("onboarding:office_cycle_new")).status_code == 403
