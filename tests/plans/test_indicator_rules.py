"""The plan editor's indicator form: the indicator's own scoring rule and its parameters
(checked by building the rule), and a weight that is optional when the cycle's SMVP does
not weigh indicators (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.plans.helpers import indicator_post, open_revision, text
from tests.world import World
from traguardo.core.smvp import preset, smvp_to_dict
from traguardo.plans.models import (
    Cycle,
    Indicator,
    OperationalObjective,
    RevisionChange,
    ScoringConfig,
)

SignIn = Callable[[str], Client]


def _indicator(cycle: Cycle) -> Indicator:
    indicator = Indicator.objects.filter(objective__cycle=cycle).order_by("pk").first()
    assert indicator is not None
    return indicator


def _use_preset(cycle: Cycle, name: str) -> None:
    ScoringConfig.objects.update_or_create(
        cycle=cycle,
        defaults={"default_rule": "smvp", "options": {"documento": smvp_to_dict(preset(name))}},
    )


def test_the_form_saves_a_rule_and_shows_it_in_words(world: World, sign_in: SignIn) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _indicator(world.cycle)
    url = reverse("plans:indicator", args=[indicator.pk])
    page = text(client.get(url))
    assert "predefinita dell'SMVP</option>" in page
    assert "Fasce di punteggio (bands)" in page

    response = client.post(
        url,
        indicator_post(indicator, scoring_rule="bands", rule_params="fasce=60:50, 90:100"),
    )
    assert response.status_code == 302, text(response)[:3000]
    indicator.refresh_from_db()
    assert indicator.scoring_rule == "bands"
    assert indicator.rule_params == {"bands": [[60, 50], [90, 100]]}
    recorded = {
        c.field: (c.old_value, c.new_value)
        for c in RevisionChange.objects.filter(indicator=indicator, revision__is_open=True)
    }
    assert recorded["regola di calcolo"] == ("", "bands")
    assert recorded["parametri della regola"] == ("", "fasce=60:50, 90:100")

    page = text(client.get(url))
    assert "Regola di calcolo: Fasce di punteggio: fasce: dal 60% vale 50, dal 90% vale 100" in page
    assert 'value="fasce=60:50, 90:100"' in page  # the field shows what was written
    objective_page = text(client.get(reverse("web:objective", args=[indicator.objective_id])))
    assert "Fasce di punteggio: fasce: dal 60% vale 50, dal 90% vale 100" in objective_page

    # Back to the SMVP's default: both fields empty.
    response = client.post(url, indicator_post(indicator, scoring_rule="", rule_params=""))
    assert response.status_code == 302, text(response)[:3000]
    indicator.refresh_from_db()
    assert (indicator.scoring_rule, indicator.rule_params) == ("", {})


def test_the_form_refuses_parameters_that_do_not_fit_the_rule(
    world: World, sign_in: SignIn
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    indicator = _indicator(world.cycle)
    url = reverse("plans:indicator", args=[indicator.pk])
    for rule, params, message in (
        ("higher_is_better", "tetto=tanto", "parametro «tetto»: «tanto» non è un numero"),
        (
            "bands",
            "tetto=120",
            "parametro «tetto» sconosciuto per la regola «bands» (ammessi: fasce, interpola)",
        ),
        ("bands", "", "la regola «bands» richiede il parametro «fasce»"),
        ("range", "oltre=sempre", "parametro «oltre»: atteso uno tra pieno, proporzionale"),
    ):
        response = client.post(
            url, indicator_post(indicator, scoring_rule=rule, rule_params=params)
        )
        assert response.status_code == 200
        assert message in text(response), (rule, params)
        indicator.refresh_from_db()
        assert (indicator.scoring_rule, indicator.rule_params) == ("", {})
    response = client.post(url, indicator_post(indicator, scoring_rule="a_occhio"))
    assert response.status_code == 200
    assert "a_occhio" in text(response)  # not one of the choices
    indicator.refresh_from_db()
    assert indicator.scoring_rule == ""


def _new_indicator(client: Client, world: World, objective: OperationalObjective) -> Client:
    return client.post(  # type: ignore[return-value]
        reverse("plans:indicator_new") + f"?obiettivo={objective.pk}",
        {
            "number": 9,
            "name": "Pratiche evase",
            "direction": "higher",
            "weight": "",
            f"target_{world.cycle.year}": ">= 50",
        },
    )


def test_the_weight_is_optional_only_when_the_smvp_uses_plain_means(
    world: World, sign_in: SignIn
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    objective = _indicator(world.cycle).objective
    assert objective is not None

    _use_preset(world.cycle, "treviso-belluno-2019")
    response = _new_indicator(client, world, objective)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert not objective.indicators.filter(number=9).exists()
    editor = text(client.get(reverse("plans:objective", args=[objective.pk])))
    assert "Somma dei pesi (attesa 100)" in editor

    _use_preset(world.cycle, "medie-semplici")
    # Weights the SMVP does not use are not shown as if the administration had chosen them.
    page = text(client.get(reverse("web:objective", args=[objective.pk])))
    assert ">Peso<" not in page
    response = _new_indicator(client, world, objective)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert objective.indicators.get(number=9).weight is None
    # No weights where the SMVP does not use them: no sum, no weight column, no "0".
    editor = text(client.get(reverse("plans:objective", args=[objective.pk])))
    assert "Somma dei pesi" not in editor
    assert "i pesi non servono" in editor
    plan = text(client.get(reverse("plans:editor") + f"?anno={world.cycle.year}"))
    assert "Somma dei pesi" not in plan
    assert "Nessun problema: tutti i target sono leggibili." in plan  # no weight issue


def test_an_indicator_without_weight_is_scored_under_plain_means(
    world: World, sign_in: SignIn
) -> None:
    client = sign_in("ufficio")
    open_revision(client, world.cycle)
    objective = _indicator(world.cycle).objective
    assert objective is not None
    _use_preset(world.cycle, "medie-semplici")
    assert _new_indicator(client, world, objective).status_code == 302  # type: ignore[attr-defined]
    # scored (plain means use no weight) and shown without a weight
    page = text(client.get(reverse("web:objective", args=[objective.pk])))
    assert "Pratiche evase" in page and ">Peso<" not in page
