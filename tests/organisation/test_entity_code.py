"""Entity.code, and the cycle found by (administration, year) on every command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from tests import factories as f
from tests.world import World
from traguardo.organisation.codes import code_problem, suggested_code
from traguardo.organisation.lookup import EntityRequired, get_entity
from traguardo.organisation.models import Entity
from traguardo.plans.lookup import CycleNotFound, get_cycle

pytestmark = pytest.mark.django_db


def test_a_code_is_derived_from_the_name_when_none_is_given() -> None:
    entity = Entity.objects.create(name="Comune di San Donà di Piave", kind="comune")
    assert entity.code == "comune-san-dona-piav"  # cut at 20 characters
    twin = Entity.objects.create(name="Comune di San Donà  di Piave", kind="comune")
    assert twin.code == "comune-san-dona-pi-2"  # unique, still at most 20 characters
    assert suggested_code("Camera di Commercio di Treviso-Belluno", lambda c: False) == "tvbl"


def test_bad_codes_are_named_and_refused_by_the_database() -> None:
    assert code_problem("tvbl") is None
    assert "«TV BL»" in (code_problem("TV BL") or "")
    assert code_problem("x") is not None and code_problem("-ab") is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(code="Bad Code", name="Ente", kind="comune")


def test_with_one_administration_no_code_is_needed(world: World) -> None:
    assert world.entity.code == "tvbl"
    assert get_entity() == world.entity
    assert get_cycle(2019) == world.cycle
    assert get_cycle(2019, "tvbl") == world.cycle
    with pytest.raises(CycleNotFound, match="nessun ciclo 2020 per l'ente «tvbl»"):
        get_cycle(2020)


def test_two_administrations_need_the_code_on_every_command(world: World) -> None:
    other = f.CycleFactory(entity__name="Comune di Prova", entity__code="prova", year=2019)
    with pytest.raises(EntityRequired, match="prova, tvbl"):
        get_entity()
    with pytest.raises(CommandError, match=r"--entity CODICE \(codici: prova, tvbl\)"):
        call_command("score", year=2019)
    with pytest.raises(CommandError, match=r"con codice «nope» \(codici: prova, tvbl\)"):
        call_command("score", year=2019, entity="nope")
    out = StringIO()
    call_command("score", year=2019, entity="tvbl", format="json", stdout=out)
    assert "Treviso-Belluno" in out.getvalue() and "Comune di Prova" not in out.getvalue()
    assert get_cycle(2019, "prova") == other
    for command, args in (
        ("explain", ["ENTE"]),
        ("report", ["--year", "2019"]),
        ("export", ["--year", "2019", "--out", "x.zip"]),
        ("template", ["plan", "--year", "2019", "--out", "x.xlsx"]),
        ("snapshot", ["--year", "2019"]),
        ("revision", ["open", "--year", "2019", "--user", "ufficio", "--reason", "r"]),
        ("cycle_state", ["closed", "--year", "2019", "--user", "ufficio"]),
        ("api_token", ["ufficio"]),
        ("send_reminders", ["--entity", "xx"]),  # optional here: all administrations
    ):
        with pytest.raises(CommandError, match="codici: prova, tvbl"):
            call_command(command, *args)


def test_api_token_is_given_only_to_a_user_of_the_administration(world: World) -> None:
    f.EntityFactory(name="Comune di Prova", code="prova")
    with pytest.raises(CommandError, match="non ha ruoli nell'ente «prova»"):
        call_command("api_token", "ufficio", entity="prova")
    out = StringIO()
    call_command("api_token", "ufficio", entity="tvbl", stdout=out)
    assert len(out.getvalue().strip()) == 40


def test_the_admin_lists_the_code_and_never_changes_it(admin_client: Any) -> None:
    entity = f.EntityFactory(name="Comune di Prova", code="prova")
    listing = admin_client.get("/admin/organisation/entity/").content.decode()
    assert "prova" in listing
    page = admin_client.get(f"/admin/organisation/entity/{entity.pk}/change/").content.decode()
    assert 'name="name"' in page and 'name="code"' not in page
    assert 'name="code"' in admin_client.get("/admin/organisation/entity/add/").content.decode()
