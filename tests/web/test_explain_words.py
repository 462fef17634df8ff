"""The public "perché" page (issue 16): the heading names the item, the owner's reason for
a deviation is shown, rules are written in Italian words, a yes/no reads as a sentence."""

from __future__ import annotations

import html as html_lib

from django.test import Client
from django.urls import reverse

from tests.world import World
from traguardo.monitoring.models import Measurement
from traguardo.plans.models import Cycle


def _page(world: World, code: str) -> str:
    Cycle.objects.filter(pk=world.cycle.pk).update(state=Cycle.State.PUBLISHED)
    url = f"/{world.entity.code}" + reverse("reports:explain", args=[world.cycle.year, code])
    response = Client().get(url)
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_an_indicator_page_names_the_indicator_and_its_rule_in_words(world: World) -> None:
    indicator = world.indicator("2.1/2", 2)
    text = _page(world, "2.1/2#2")
    assert f"<h1>Indicatore «{indicator.name}» (obiettivo 2.1/2)</h1>" in text
    assert "Regola: Più alto è meglio" in text
    assert "higher_is_better" not in text


def test_an_objective_page_shows_its_steps_and_the_owners_justification(world: World) -> None:
    indicator = world.indicator("2.1/1", 1)
    Measurement.objects.filter(indicator=indicator, period=world.final).update(
        justification="Sportello chiuso due mesi per il trasloco della sede."
    )
    text = _page(world, "2.1/1")
    title = world.objectives["2.1/1"].title
    assert f"<h1>Obiettivo 2.1/1: {title}</h1>" in text
    assert "Sportello chiuso due mesi per il trasloco della sede." in text
    assert text.count('data-testid="justification"') == 1
    assert "[higher_is_better]" not in text and "[yes_no]" not in text


def test_a_yes_no_indicator_reads_as_a_sentence(world: World) -> None:
    text = _page(world, "2.1/1#2")  # target SI, value SI
    assert "valore «SI», atteso «SI»: raggiunto, 100,00%" in text
    assert "SI = SI =" not in text
    Measurement.objects.filter(indicator=world.indicator("2.1/1", 2), period=world.final).update(
        text="NO", reading_kind="no"
    )
    Cycle.objects.filter(pk=world.cycle.pk).update(data_version=999)
    assert "valore «NO», atteso «SI»: non raggiunto, 0,00%" in _page(world, "2.1/1#2")
