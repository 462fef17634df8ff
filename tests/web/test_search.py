"""The members' global search (issue 16): objectives, indicators, units and people of the
administration's cycle, by code or words (any case, any accents); nothing of another
administration; staff other than unit heads only for the performance office."""

from __future__ import annotations

import html as html_lib
from typing import Any

from django.urls import reverse

from tests import factories as f
from tests.world import TITLES, World
from traguardo.organisation.models import Assignment, Person
from traguardo.plans.models import OperationalObjective


def _search(client: Any, query: str) -> str:
    response = client.get(reverse("web:search"), {"q": query})
    assert response.status_code == 200
    return html_lib.unescape(response.content.decode())


def test_words_find_an_objective_whatever_their_accents(world: World, sign_in: Any) -> None:
    objective = world.objectives["3.1/1"]
    text = _search(sign_in("po"), "annualita registro")  # the title: "Registro ... (ANNUALITA' 2)"
    assert TITLES["3.1/1"] in text
    assert reverse("web:objective", args=[objective.pk]) in text


def test_a_code_finds_its_objective_and_an_indicator_its_page(world: World, sign_in: Any) -> None:
    text = _search(sign_in("dirigente"), "2.1/2")
    assert reverse("web:objective", args=[world.objectives["2.1/2"].pk]) in text
    indicator = world.indicator("2.1/2", 1)
    assert reverse("monitoring:indicator", args=[indicator.pk]) in text


def test_people_heads_for_everyone_staff_for_the_office(world: World, sign_in: Any) -> None:
    unit = world.unit("2.1")
    clerk = Person.objects.create(entity=world.entity, display_name="Zelinda Impiegata")
    Assignment.objects.create(
        person=clerk, unit=unit, role=Assignment.Role.STAFF, start=unit.valid_from
    )
    head = Person.objects.create(entity=world.entity, display_name="Zeno Responsabile")
    Assignment.objects.create(
        person=head, unit=unit, role=Assignment.Role.PO, start=unit.valid_from
    )
    po = _search(sign_in("po2"), "ze")
    assert "Zeno Responsabile" in po and "Zelinda Impiegata" not in po
    office = _search(sign_in("ufficio"), "ze")
    assert "Zeno Responsabile" in office and "Zelinda Impiegata" in office


def test_nothing_of_another_administration(world: World, sign_in: Any) -> None:
    other = f.CycleFactory(entity=f.EntityFactory(name="Comune di Altrove", short_name="CA"))
    unit = f.OrgUnitFactory(entity=other.entity, code="9", name="Settore Girasole")
    OperationalObjective.objects.create(
        cycle=other, home_unit=unit, number=1, title="Girasole nel giardino comunale"
    )
    text = _search(sign_in("ufficio"), "girasole")
    assert "Girasole" not in text
    assert 'data-testid="no-results"' in text
