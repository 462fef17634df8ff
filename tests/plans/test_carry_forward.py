"""`traguardo cycle add --from 2019`: the 2020 cycle carried forward from the 2019 demo
(one module on the shared demo: the carry-forward reads the whole plan)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from traguardo.monitoring.models import Measurement, Period
from traguardo.organisation.models import Assignment
from traguardo.plans.models import Cycle, EntityBlock, Indicator, ScoringConfig, Target

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


ADD = ("cycle", "add", "--entity", "tvbl", "--year", "2020", "--plan", "2019-2021")


def test_the_preview_says_what_is_carried_and_what_is_missing(demo: Cycle) -> None:
    out = run(*ADD, "--from", "2019", "--dry-run")
    assert "Ciclo 2020 dell'ente «tvbl» (piano 2019-2021), dal ciclo 2019:" in out
    assert "Allegato B n. 20 «Nuove iniziative a sostegno dell'accesso al credito»: " in out
    assert "nessun target 2020 («===»)" in out
    assert "Allegato B n. 11 " not in out  # it has its 2020 target
    assert "nessun target 2020 per i suoi" in out  # an annual objective: named once
    assert "nulla è stato salvato" in out
    assert not Cycle.objects.filter(year=2020).exists()


def test_cycle_add_from_2019_carries_the_plan_with_the_2020_targets(demo: Cycle) -> None:
    out = run(*ADD, "--from", "2019")
    assert "Creato il ciclo 2020 (bozza)." in out
    new = Cycle.objects.get(entity=demo.entity, year=2020)
    assert (new.state, new.plan_period_start, new.plan_period_end) == ("draft", 2019, 2021)
    eleven = Indicator.objects.get(entity_block__cycle=new, number=11)
    old_eleven = Indicator.objects.get(entity_block__cycle=demo, number=11)
    assert Target.objects.get(indicator=eleven, year=2020).text == ">= 5"
    assert eleven.lineage == old_eleven.lineage and eleven.pk != old_eleven.pk
    assert eleven.weight == old_eleven.weight
    assert (
        Target.objects.get(indicator__entity_block__cycle=new, indicator__number=20, year=2020).text
        == "==="
    )
    assert (
        EntityBlock.objects.filter(cycle=new).count()
        == EntityBlock.objects.filter(cycle=demo).count()
    )
    old_weights = sorted(EntityBlock.objects.filter(cycle=demo).values_list("weight_b", flat=True))
    assert (
        sorted(EntityBlock.objects.filter(cycle=new).values_list("weight_b", flat=True))
        == old_weights
    )
    old_config = ScoringConfig.objects.get(cycle=demo)
    new_config = ScoringConfig.objects.get(cycle=new)
    assert (new_config.default_rule, new_config.options) == (
        old_config.default_rule,
        old_config.options,
    )
    assert sorted(Period.objects.filter(cycle=new).values_list("code", "closed")) == [
        ("30.06", False),
        ("31.12", False),
    ]
    assert not Measurement.objects.filter(period__cycle=new).exists()
    # People in post on 31.12.2019 continue on 1 January 2020.
    assert (
        Assignment.objects.on(datetime.date(2020, 1, 1)).filter(person__entity=demo.entity).exists()
    )
    # Every indicator of the 2019 plan that is still current has its 2020 twin.
    assert set(
        Indicator.objects.filter(entity_block__cycle=new).values_list("lineage", flat=True)
    ) == set(Indicator.objects.filter(entity_block__cycle=demo).values_list("lineage", flat=True))
    # The new cycle is found by (administration, year), and scores with no values yet.
    scored = run("score", "--year", "2020", "--entity", "tvbl")
    assert "Tabella calcolo Performance dell'Ente 2020" in scored
    # Again: refused, or nothing to do with --if-missing.
    with pytest.raises(CommandError, match="ha già un ciclo 2020"):
        call_command(*ADD)
    assert "nulla da fare" in run(*ADD, "--from", "2019", "--if-missing")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2022", "--plan", "2019-2021"], "l'anno 2022 è fuori dal piano 2019-2021"),
        (["--year", "2020", "--plan", "2019/21"], "piano «2019/21» non valido"),
        (["--year", "2020", "--plan", "2019-2021", "--from", "2018"], "non ha un ciclo 2018"),
        (["--year", "2019", "--plan", "2019-2021"], "ha già un ciclo 2019"),
        (
            ["--year", "2020", "--plan", "2019-2021", "--entity", "xx"],
            "nessun ente con codice «xx»",
        ),
        (["--year", "2020", "--plan", "2019-2021", "--open"], "con --open indica --user"),
    ],
)
def test_bad_input_is_named(demo: Cycle, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("cycle", "add", *args)
    assert not Cycle.objects.filter(year__in=(2020, 2022)).exists()


def test_open_takes_the_new_cycle_to_monitoring_through_the_states(demo: Cycle) -> None:
    # The seed's printed B weights sum to 99,96: approving is blocked until forced.
    with pytest.raises(CommandError, match=r"(?s)creato ma non aperto: .*sommano a 99,96"):
        call_command(*ADD, "--from", "2019", "--open", "--user", "ufficio")
    new = Cycle.objects.get(entity=demo.entity, year=2020)
    assert new.state == Cycle.State.DRAFT
    reason = "Pesi B come stampati nel piano"
    out = run(
        "cycle_state", "approved", "--entity", "tvbl", "--year", "2020", "--user", "ufficio",
        "--override", "--reason", reason,
    )  # fmt: skip
    assert "Passaggio forzato" in out


def test_open_with_override_records_the_reason(demo: Cycle) -> None:
    reason = "Pesi B come stampati nel piano"
    out = run(
        *ADD, "--from", "2019", "--open", "--user", "ufficio", "--override", "--reason", reason
    )
    new = Cycle.objects.get(entity=demo.entity, year=2020)
    assert new.state == Cycle.State.MONITORING
    transitions = list(new.transitions.order_by("at", "id"))
    assert [t.target for t in transitions] == ["approved", "monitoring"]
    assert transitions[0].override_reason == reason
    assert "Il ciclo 2020 è ora «In monitoraggio»." in out
    with pytest.raises(CommandError, match="--override richiede --reason"):
        call_command("cycle", "add", "--year", "2021", "--plan", "2019-2021", "--override")


def test_the_new_cycle_page_previews_the_demos_2020(
    demo: Cycle, client_as: Callable[[str], Client]
) -> None:
    """The page (/piano/nuovo-ciclo/) shows the command's preview: 20 misses its target."""
    response = client_as("ufficio").get(reverse("plans:new_cycle"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="year" value="2020"' in page
    assert "Allegato B n. 20 «Nuove iniziative a sostegno dell&#x27;accesso al credito»" in page
    assert "Allegato B n. 11 " not in page
    assert not Cycle.objects.filter(year=2020).exists()
