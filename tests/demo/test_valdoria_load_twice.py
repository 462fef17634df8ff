"""`make demo` run twice with the fictional Valdoria beside the seed: the Treviso-Belluno
demo is replaced, Valdoria is left as it is (its cycle, values and users), its users keep
their roles and get the demo password back.

DEPENDS ON the loader's own dependencies (see tests/demo/test_valdoria_walkthrough.py).
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from traguardo.accounts.models import Membership
from traguardo.demo import valdoria
from traguardo.demo.users import DEMO_PASSWORD
from traguardo.demo.valdoria import CODE, USERS, YEAR
from traguardo.monitoring.models import Measurement
from traguardo.organisation.models import Entity
from traguardo.plans.models import Cycle

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_make_demo_twice_leaves_valdoria_as_it_is(settings: Any) -> None:
    settings.DEBUG = True  # the demo users are made only on a demo installation
    run("load_demo")
    run("demo_users")
    first = run("load_demo_valdoria")
    assert "Caricato Comune di Valdoria" in first
    cycle = Cycle.objects.get(entity__code=CODE, year=YEAR)
    values = Measurement.objects.filter(period__cycle=cycle).count()
    assert values > 0
    user = get_user_model().objects.get(username="vald-ufficio")
    user.set_password("cambiata")
    user.save()

    run("load_demo")
    run("demo_users")
    again = run("load_demo_valdoria")

    assert "dati lasciati come sono" in again
    assert Cycle.objects.get(entity__code=CODE, year=YEAR).pk == cycle.pk
    assert Measurement.objects.filter(period__cycle=cycle).count() == values
    for demo in USERS:
        assert (
            Membership.objects.filter(
                user__username=demo.username, entity__code=CODE, role=demo.role
            ).count()
            == 1
        )
    assert get_user_model().objects.get(username="vald-ufficio").check_password(DEMO_PASSWORD)
    assert Cycle.objects.filter(entity__code="tvbl", year=2019).exists()


def test_without_debug_valdorias_users_have_no_password(settings: Any) -> None:
    settings.DEBUG = False
    out = run("load_demo_valdoria")
    assert "Utenti di Valdoria senza password" in out
    assert Cycle.objects.get(entity__code=CODE, year=YEAR).state == Cycle.State.MONITORING
    users = get_user_model().objects.filter(username__startswith="vald-")
    assert users.count() == len(USERS)
    assert not any(user.has_usable_password() for user in users)


def test_a_refused_file_leaves_nothing_and_says_where(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEBUG = True
    book = load_workbook(valdoria.PLAN_FILE)
    sheet = book["Indicatori"]
    column = next(c.column for c in sheet[1] if c.value == f"Target {YEAR}")
    sheet.cell(row=2, column=column, value=">= tante pratiche")
    broken = tmp_path / "piano.xlsx"
    book.save(broken)
    monkeypatch.setattr(valdoria, "PLAN_FILE", broken)

    with pytest.raises(CommandError) as refused:
        run("load_demo_valdoria")

    message = str(refused.value)
    assert message.startswith("Valdoria non caricato: piano.xlsx: ")
    assert f"foglio «Indicatori», riga 2, colonna «Target {YEAR}»" in message
    assert not Entity.objects.filter(code=CODE).exists()  # all or nothing
    assert not get_user_model().objects.filter(username__startswith="vald-").exists()
