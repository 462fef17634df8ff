"""`make demo` run again: load-demo replaces the demo administration's data cleanly
(its 2020 cycle and the users' roles included), leaving other administrations alone."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests import factories as f
from traguardo.accounts.models import Membership
from traguardo.plans.models import Cycle

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_demo_twice_with_the_2020_cycle_and_another_administration(settings: Any) -> None:
    settings.DEBUG = True  # demo-users runs only on a demo installation
    other = f.CycleFactory(entity__name="Comune di Prova", entity__code="prova")
    run("load_demo")
    run("demo_users")
    run(
        "cycle", "add", "--entity", "tvbl", "--year", "2020", "--plan", "2019-2021",
        "--from", "2019", "--open", "--user", "ufficio", "--override", "--reason", "demo",
    )  # fmt: skip
    po_person = Membership.objects.get(user__username="po").person
    assert po_person is not None

    out = run("load_demo")  # failed before: Membership.person protects the people

    assert "Sostituiti i dati dell'ente «tvbl» (cicli presenti prima: 2019, 2020)." in out
    assert list(Cycle.objects.filter(entity__code="tvbl").values_list("year", flat=True)) == [2019]
    again = Membership.objects.get(user__username="po").person
    assert again is not None and again.pk != po_person.pk
    assert again.display_name == po_person.display_name  # the same post, loaded again
    assert Cycle.objects.filter(pk=other.pk).exists()  # the other administration: untouched
    # make demo's next step: the 2020 cycle again, or nothing to do when it is there.
    add = ("cycle", "add", "--entity", "tvbl", "--year", "2020", "--plan", "2019-2021")
    assert "Creato il ciclo 2020" in run(*add, "--from", "2019", "--if-missing")
    assert "nulla da fare" in run(*add, "--from", "2019", "--if-missing")
