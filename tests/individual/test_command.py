"""`traguardo load-demo-people` on the demo cycle."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from traguardo.individual.models import CardProcess, CardScheme
from traguardo.plans.models import Cycle
from traguardo.rewards.models import Fund
from traguardo.staff.models import StaffRecord


def test_loads_everything_twice_without_duplicates(demo: Cycle) -> None:
    for _ in range(2):
        out = StringIO()
        call_command("load_demo_people", stdout=out)
    assert "Caricati" in out.getvalue()
    assert CardScheme.objects.filter(cycle=demo).count() == 3
    assert CardProcess.objects.filter(card__cycle=demo, state="assigned").count() == 14
    assert Fund.objects.get(cycle=demo).projects.count() == 21
    assert StaffRecord.objects.filter(cycle=demo).count() == 128


def test_unknown_year_is_a_message(demo: Cycle) -> None:
    with pytest.raises(CommandError, match="nessun ciclo 1999"):
        call_command("load_demo_people", "--year", "1999")
